// After the incident: `incident review` drafts the review from the timeline (every event in order,
// with its time; fixes requested, refused, approved and run), and `incident stats` reports time to
// acknowledge against the policy's response time. The clock is injected: the story spans an hour.
import type { ChatFile } from '../../src/chat/platform.js';
import { createMetrics } from '../../src/http/metrics.js';
import { responseSamples } from '../../src/reviews/index.js';
import { lateUpdates, type IncidentFacts } from '../../src/reviews/incident-stats.js';
import { repliesText, startFixStory, type FixHarness, type FixStory } from '../support/fix-harness.js';

const MIN = 60_000;
let story: FixStory;
let bot: FixHarness;
let offset = 0;
// A whole minute just ahead of the real clock, so timers the story plans are never due during the test.
const t0 = Math.ceil(Date.now() / MIN) * MIN + MIN;
const at = (minutes: number): void => {
  offset = minutes * MIN;
};
/** `2026-11-30 03:10:00`, as the review prints times (UTC here). */
const stamp = (minutes: number): string =>
  new Date(t0 + minutes * MIN).toISOString().slice(0, 19).replace('T', ' ');

/** The text of the file the bot shared last. */
function lastFile(): ChatFile {
  const call = bot.chat.calls.filter((c) => c.op === 'file').at(-1);
  if (call?.op !== 'file') throw new Error('no file was shared');
  return call.file;
}

/** Declares an incident from #ops; returns its war room. */
async function declare(text: string): Promise<string> {
  await bot.type(`incident ${text}`, 'alice', 'ops');
  const created = bot.chat.calls.filter((c) => c.op === 'create').at(-1);
  if (created?.op !== 'create') throw new Error('no war room');
  return created.name;
}

let room: string;
let pid: number;

beforeAll(async () => {
  story = await startFixStory({ oatie: 'review', now: () => new Date(t0 + offset) });
  bot = story.bot;

  at(0);
  room = await declare('p1 Report *generation* down [see](http://evil.example) <b>now</b>');
  at(10);
  await bot.type('incident ack', 'bob', room);
  at(20);
  await bot.type('incident update identified Connection pool exhausted by report workers', 'alice', room);
  at(30);
  pid = (await story.sleeper()).pid;
  await bot.type(`db terminate ${pid}`, 'alice', room);
  const card = bot.lastCard();
  at(31);
  await bot.press(card.approve, 'alice', room);
  at(32);
  await bot.press(card.approve, 'bob', room);
  await story.ended(pid);
});

afterAll(() => story.close());

describe('incident review', () => {
  it('asks to resolve first, and drafts a partial review with --draft', async () => {
    at(40);
    const refused = repliesText(await bot.type('incident review', 'alice', room));
    expect(refused).toContain('INC-1 is not resolved yet: resolve it first');
    expect(refused).toContain('--draft');

    const replies = await bot.type('incident review INC-1 --draft', 'alice', 'ops');
    expect(repliesText(replies)).toContain('Post-incident review of INC-1 drafted (partial');
    expect(lastFile().content).toContain('**Draft:** INC-1 is still acknowledged');
  });

  it('prints every event of the incident in order, with its time, and the resolution fields', async () => {
    at(60);
    await bot.type(
      'incident resolve Leaked connections in the report worker exhausted the pool',
      'alice',
      room,
    );
    await bot.type('incident review INC-1', 'carol', 'ops');
    const file = lastFile();
    expect(file.name).toBe('INC-1-review.md');
    const md = file.content;

    for (const section of [
      '## Summary',
      '## Timeline',
      '## Root cause',
      '## Resolution',
      '## Prevention',
      '## Action items',
      '## Review meeting',
    ])
      expect(md).toContain(section);
    expect(md).toMatch(/\| Severity \| P1 \|/);
    expect(md).toContain(`| Started | ${stamp(0).slice(0, 16)} UTC |`);
    expect(md).toContain(`| Acknowledged | ${stamp(10).slice(0, 16)} UTC by bob (after 10 minutes) |`);
    expect(md).toContain('| Duration | 1 hour |');
    expect(md).toContain('| Incident commander | alice |');
    expect(md).toContain('- [ ] ');
    expect(md).toContain('<https://meet.oatie.ai/post-incident-review>');

    const expected: Array<[number, string]> = [
      [0, 'Declared by alice'],
      [10, 'Acknowledged by bob'],
      [20, 'Status update by alice: Connection pool exhausted by report workers'],
      [30, 'Fix requested by alice: fix \\#1 \\(db terminate\\), low risk: Terminate backend'],
      [31, 'alice could not approve fix \\#1 \\(db terminate\\): refused \\(forbidden\\)'],
      [32, 'fix \\#1 \\(db terminate\\) approved by bob'],
      [32, 'fix \\#1 \\(db terminate\\) ran and succeeded'],
      [60, 'Resolved by alice\\. Root cause: Leaked connections'],
    ];
    const timeline = md.slice(md.indexOf('## Timeline'), md.indexOf('## Root cause'));
    let from = 0;
    for (const [minute, text] of expected) {
      const index = timeline.indexOf(`- **${stamp(minute)}** ${text}`, from);
      expect({ text, found: index >= 0 }).toEqual({ text, found: true });
      from = index;
    }
    expect(timeline).not.toContain('Reminder');
    expect(md).toContain('Leaked connections in the report worker exhausted the pool');
  });

  it('escapes user text for Markdown', () => {
    const md = lastFile().content;
    expect(md).toContain(
      'Report \\*generation\\* down \\[see\\]\\(http://evil\\.example\\) &lt;b&gt;now&lt;/b&gt;',
    );
    expect(md).not.toContain('<b>');
    expect(md).not.toContain('[see](');
  });

  it('answers an unknown reference with the recent incidents', async () => {
    const answer = repliesText(await bot.type('incident review INC-99', 'alice', 'ops'));
    expect(answer).toContain('INC-99 does not exist. Recent incidents: INC-1 (P1, resolved)');
  });

  it('refuses --out outside the console', async () => {
    // The recording platform calls itself the console: --out writes the file there.
    const out = `/tmp/oatie-review-${process.pid}.md`;
    const answer = repliesText(await bot.type(`incident review INC-1 --out ${out}`, 'alice', 'ops'));
    expect(answer).toContain(`written to ${out}`);
    const { readFile, rm } = await import('node:fs/promises');
    expect(await readFile(out, 'utf8')).toContain('# Post-incident review — INC-1');
    await rm(out);
  });
});

describe('incident stats', () => {
  it('shows the P1 with its time to acknowledge against the 1-hour response time, and counts breaches', async () => {
    const quiet = repliesText(await bot.type('incident stats --since 1d --severity p3', 'alice', 'ops'));
    expect(quiet).toContain('No incidents were declared since');

    // A second incident declared as a P2, raised to P1, acknowledged after 2 hours: a breach.
    at(70);
    // A P2 has no war room: it lives in #ops, where it was declared.
    await bot.type('incident p2 Exports slow', 'alice', 'ops');
    at(75);
    await bot.type('incident severity p1', 'bob', 'ops');
    at(190);
    await bot.type('incident ack', 'bob', 'ops');

    const answer = repliesText(await bot.type('incident stats --since 1d', 'alice', 'ops'));
    expect(answer).toContain('Incident response since');
    const row = answer.split('\n').find((line) => line.startsWith('P1'));
    expect(row).toBeDefined();
    // 2 incidents; ack median 10m, p90 2h; 1 of 2 past the 1h target.
    expect(row).toMatch(/^P1\s+2\s+10m0s\s+2h0m\s+1 of 2 \(target 1h0m\)/);

    const review = await bot.type(`incident review INC-2 --draft`, 'alice', 'ops');
    expect(repliesText(review)).toContain('drafted');
    expect(lastFile().content).toContain('Severity changed by bob: P2 → P1');
  });

  it('exports the same figures on /metrics, as histograms by severity', async () => {
    const metrics = createMetrics();
    metrics.watchIncidents(() => responseSamples(bot.app.services));
    const text = await metrics.registry.metrics();
    expect(text).toContain('oatie_incident_time_to_acknowledge_seconds_bucket{le="900",severity="p1"} 1');
    expect(text).toContain('oatie_incident_time_to_acknowledge_seconds_count{severity="p1"} 2');
    expect(text).toContain('oatie_incident_time_to_resolve_seconds_count{severity="p1"} 1');
    expect(text).toContain('oatie_incident_response_breaches{severity="p1"} 1');
  });
});

describe('late updates', () => {
  const facts = (updates: number[], resolvedAfter?: number): IncidentFacts => ({
    severity: 'p1',
    startedAt: new Date(0),
    respondedAt: undefined,
    resolvedAt: resolvedAfter === undefined ? undefined : new Date(resolvedAfter * MIN),
    updates: updates.map((m) => new Date(m * MIN)),
    escalationSteps: 0,
  });
  it('counts each update due by the interval that came late or never came', () => {
    const now = new Date(200 * MIN);
    expect(lateUpdates(facts([20, 45], 60), 30 * MIN, now)).toBe(0);
    expect(lateUpdates(facts([40, 65], 70), 30 * MIN, now)).toBe(1);
    expect(lateUpdates(facts([], 95), 30 * MIN, now)).toBe(1);
    expect(lateUpdates(facts([10]), 30 * MIN, now)).toBe(1);
    expect(lateUpdates(facts([10]), null, now)).toBe(0);
  });
});
