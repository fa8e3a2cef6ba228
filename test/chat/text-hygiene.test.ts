// Invisible characters in user text: bidirectional controls and other format characters are removed
// before anything is stored or shown (emoji keep their joiners); a control character inside a command
// is refused, so `db terminate 12\u00003` is never read as pid 123.
import { stripControl } from '../../src/chat/message.js';
import { stripInvisible } from '../../src/chat/text-hygiene.js';
import { parseCommand } from '../../src/commands/parse.js';
import { startIncidentStory, type IncidentStory } from '../support/incident-harness.js';
import { defaultPolicy } from '../support/test-app.js';

const BIDI = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'];

describe('stripping invisible characters', () => {
  it('removes every bidirectional control', () => {
    for (const control of BIDI) expect(stripInvisible(`Reports ${control}down`)).toBe('Reports down');
  });

  it('removes zero-width and other format characters and invisible fillers', () => {
    const hidden = ['\u200B', '\u200C', '\u200E', '\u2060', '\uFEFF', '\u00AD', '\u061C', '\u3164', '\u115F'];
    for (const ch of hidden) expect(stripInvisible(`pay${ch}ments`)).toBe('payments');
    expect(stripInvisible('a\u200Db')).toBe('ab');
    expect(stripControl('tab\there\u0000\u0007 and\nnewline\u202E')).toBe('tab\there and\nnewline');
  });

  it('keeps the joiners and tags that build emoji', () => {
    for (const emoji of ['👩‍💻', '🏳️‍🌈', '👨🏽‍🚒', '👨‍👩‍👧', '🏴󠁧󠁢󠁳󠁣󠁴󠁿']) {
      expect(stripInvisible(`fire ${emoji} drill`)).toBe(`fire ${emoji} drill`);
    }
    // A tag outside a flag is invisible text, not an emoji.
    expect(stripInvisible('ok\u{E0041}\u{E007F}')).toBe('ok');
  });
});

describe('commands with invisible characters', () => {
  it('refuses a number with a control character inside instead of joining it', () => {
    const result = parseCommand('db terminate 12\u00003');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain('control character (U+0000)');
  });

  it('drops bidi controls from a title', () => {
    const result = parseCommand('incident p1 Reports \u202Edown\u2069 now');
    expect(result).toEqual({
      ok: true,
      command: { name: 'incident declare', args: { severity: 'p1', title: 'Reports down now' } },
    });
  });
});

describe('an incident whose title had a right-to-left override', () => {
  let h: IncidentStory;
  beforeAll(async () => {
    h = await startIncidentStory({ policy: await defaultPolicy(), database: 'text_hygiene' });
  });
  afterAll(() => h.stop());

  it('never stores or shows it: title, topic, alert, announcement, list', async () => {
    await h.say('incident p1 Reports \u202Enwod for Acme');
    await h.say('incident list');
    const stored = await h.db.query<{ title: string }>('SELECT title FROM incidents');
    expect(stored.rows.map((r) => r.title)).toEqual(['Reports nwod for Acme']);
    const everything = JSON.stringify(h.chat.calls);
    expect(everything).toContain('Reports nwod for Acme');
    for (const control of BIDI) expect(everything).not.toContain(control);
  });
});
