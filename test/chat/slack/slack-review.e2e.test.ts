// The drafted post-incident review in Slack: shared as a file (files.uploadV2) in the channel where
// it was asked for, with its link and, when short, its text in the message.
import { textOf, type FakeSlack } from '../../support/fake-slack.js';
import { startSlackStory, type SlackStory } from '../../support/slack-bot.js';

let story: SlackStory;
let fake: FakeSlack;

beforeAll(async () => {
  story = await startSlackStory();
  ({ fake } = story);
});

afterAll(() => story.stop());

describe('incident review in Slack', () => {
  it('uploads the Markdown draft as a file and links it in the channel', async () => {
    expect((await story.slash('incident p1 Exports failing', { user: 'U0ONCALL01' })).status).toBe(200);
    await fake.waitFor('chat.postMessage', (c) => textOf(c).includes('Exports failing'));
    expect((await story.slash('incident review INC-1 --draft', { user: 'U0ONCALL01' })).status).toBe(200);

    const completed = await fake.waitFor('files.completeUploadExternal');
    expect(completed.params.channel_id).toBe('C0GENERAL');
    const [file] = completed.params.files as Array<{ id: string; title: string }>;
    expect(file?.title).toBe('Post-incident review of INC-1');
    const content = fake.uploads.get(file?.id ?? '') ?? '';
    expect(content).toContain('# Post-incident review — INC-1: Exports failing');
    expect(content).toContain('**Draft:** INC-1 is still open');

    const note = await fake.waitFor('chat.postMessage', (c) => textOf(c).includes('drafted'));
    expect(note.params.channel).toBe('C0GENERAL');
    expect(textOf(note)).toContain(`https://oatie.slack.com/files/${file?.id}`);
    expect(textOf(note)).toContain('## Timeline');
  });
});
