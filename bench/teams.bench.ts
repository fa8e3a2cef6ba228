// Teams: how fast the real botbuilder adapter acknowledges activities POSTed to /api/messages, and
// how long until the answer card reaches the (fake) Bot Framework connector — beside Slack's figures.
import { openPgliteDb } from '../src/store/pglite-db.js';
import { migrations } from '../src/app.js';
import { migrate } from '../src/store/migrations.js';
import { FakeConnector } from '../test/support/fake-teams.js';
import { GENERAL_CHANNEL, activity, postActivity, startTeamsStory } from '../test/support/teams-bot.js';
import { fmt, percentile, rate, type Figure } from './measure.js';

/** Sends `total` commands, each in its own channel thread, `concurrency` at a time; times ack and reply. */
async function load(
  story: Awaited<ReturnType<typeof startTeamsStory>>,
  total: number,
  concurrency: number,
  offset: number,
): Promise<{ acks: number[]; replies: number[]; ms: number; failed: number }> {
  const acks: number[] = [];
  const sentAt = new Map<string, number>();
  let failed = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const thread = `${GENERAL_CHANNEL};messageid=${1_800_000_000_000 + offset + i}`;
      const body = activity('message', 'alice', { conversation: thread }, story.fake.url, {
        text: '<at>oatie-ops</at> incident list',
      });
      const t0 = performance.now();
      sentAt.set(thread, t0);
      const answer = await postActivity(story.url, body);
      acks.push(performance.now() - t0);
      if (answer.status !== 200) failed += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const deadline = performance.now() + 60_000;
  const replies = (): number[] =>
    story.fake.calls.flatMap((c) => {
      const t0 = sentAt.get(c.conversation);
      return c.method === 'send' && t0 !== undefined && c.at !== undefined ? [c.at - t0] : [];
    });
  while (replies().length < total && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  return {
    acks: acks.sort((a, b) => a - b),
    replies: replies().sort((a, b) => a - b),
    ms: performance.now() - started,
    failed,
  };
}

export async function run(): Promise<Figure[]> {
  const fake = await new FakeConnector().start();
  const db = await openPgliteDb(undefined);
  await migrate(db, migrations);
  const story = await startTeamsStory({ db, fake });
  try {
    await load(story, 100, 10, 0); // warm-up
    const n = 1000;
    const { acks, replies, ms, failed } = await load(story, n, 20, 100_000);
    return [
      {
        name: `Teams: activities acked at /api/messages (20 concurrent, ${n})`,
        value: `${rate(n, ms)}, ${failed} failed`,
      },
      {
        name: 'Teams ack p50 / p99 (HTTP round trip)',
        value: `${fmt(percentile(acks, 50))} / ${fmt(percentile(acks, 99))}`,
      },
      {
        name: 'Teams reply p50 / p99 (activity POSTed → card at the connector)',
        value: `${fmt(percentile(replies, 50))} / ${fmt(percentile(replies, 99))}, ${replies.length} of ${n} answered`,
      },
    ];
  } finally {
    await story.stop();
    await db.close();
    await fake.stop();
  }
}
