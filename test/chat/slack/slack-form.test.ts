// Forms as Slack modals, and submissions back: only well-formed values of our own modals count.
import { readSubmission, renderForm } from '../../../src/chat/slack/slack-form.js';

const form = {
  title: 'Post a status update',
  submitLabel: 'Post',
  actionId: 'abc',
  fields: [
    {
      name: 'status',
      label: 'Status',
      type: 'select' as const,
      options: [{ value: 'monitoring', label: 'Monitoring' }],
      initial: 'monitoring',
    },
    { name: 'text', label: 'What changed', type: 'textarea' as const, initial: 'Replica restarted' },
    { name: 'bad name!', label: 'dropped', type: 'text' as const },
  ],
};

describe('forms as Slack modals', () => {
  it('renders selects and text areas with their initial values, and drops fields it cannot name', () => {
    const view = renderForm(form, 'C0WAR');
    expect(view.blocks.map((b) => b.block_id)).toEqual(['status', 'text']);
    expect(view.blocks[0]).toMatchObject({
      element: { type: 'static_select', initial_option: { value: 'monitoring' } },
    });
    expect(view.blocks[1]).toMatchObject({
      element: { type: 'plain_text_input', multiline: true, initial_value: 'Replica restarted' },
    });
  });

  it('reads a submission into the action id, the channel and the non-empty values', () => {
    const view = renderForm(form, 'C0WAR');
    const submission = readSubmission({
      private_metadata: view.private_metadata,
      state: {
        values: {
          status: { value: { selected_option: { value: 'monitoring' } } },
          text: { value: { value: 'All good' } },
          blank: { value: { value: '   ' } },
        },
      },
    });
    expect(submission).toEqual({
      actionId: 'abc',
      channel: 'C0WAR',
      values: { status: 'monitoring', text: 'All good' },
    });
  });

  it('ignores submissions that are not ours or are malformed', () => {
    expect(readSubmission({ private_metadata: 'not json' })).toBeUndefined();
    expect(readSubmission({ private_metadata: '{"x":1}' })).toBeUndefined();
    expect(
      readSubmission({ private_metadata: '{"a":"abc"}', state: { values: { t: 'nope' } } }),
    ).toBeUndefined();
  });
});
