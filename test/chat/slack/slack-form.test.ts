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

describe('what the user types in a modal', () => {
  it('is limited as the typed command is, so Slack refuses too long input before submit and keeps the text', () => {
    const limited = renderForm(
      {
        ...form,
        fields: [
          { name: 'title', label: 'Title', type: 'text', maxLength: 150, initial: 'x'.repeat(200) },
          { name: 'text', label: 'What changed', type: 'textarea', maxLength: 2000 },
          { name: 'note', label: 'Note', type: 'text' },
        ],
      },
      'C0WAR',
    );
    expect(limited.blocks.map((b) => ('element' in b ? b.element : undefined))).toEqual([
      expect.objectContaining({ type: 'plain_text_input', max_length: 150, initial_value: 'x'.repeat(150) }),
      expect.objectContaining({ type: 'plain_text_input', multiline: true, max_length: 2000 }),
      expect.not.objectContaining({ max_length: expect.anything() as unknown }),
    ]);
  });
});

describe('the message whose button opened a modal', () => {
  const origin = {
    channel: 'C0WAR',
    ts: '1700000000.000300',
    text: 'Reminder',
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '⏰ Reminder' } }],
  };

  it('travels through the modal and comes back with the submission', () => {
    const view = renderForm(form, 'C0WAR', origin);
    const submission = readSubmission({ private_metadata: view.private_metadata, state: { values: {} } });
    expect(submission?.origin).toEqual(origin);
  });

  it('travels without its blocks when they would not fit in the modal’s 3,000 characters of metadata', () => {
    const long = {
      ...origin,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'y'.repeat(3000) } }],
    };
    const view = renderForm(form, 'C0WAR', long);
    expect(view.private_metadata?.length).toBeLessThanOrEqual(3000);
    const submission = readSubmission({ private_metadata: view.private_metadata, state: { values: {} } });
    expect(submission?.origin).toEqual({ channel: 'C0WAR', ts: origin.ts });
  });
});
