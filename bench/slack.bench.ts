// Slack: how fast signed /oatie commands are acked by the real Bolt app, and how fast the answers land.
import { openPgliteDb } from '../src/store/pglite-db.js';
import { migrations } from '../src/app.js';
import { migrate } from '../src/store/migrations.js';
import { FakeSlack } from '../test/support/fake-slack.js';
import { startSlackBot } from '../test/support/slack-bot.js';
import { postSigned, slashCommandBody } from '../test/support/slack-signing.js';
import { fmt, percentile, rate, type Figure } from './measure.js';

async function load(
  url: string,
  total: number,
  concurrency: number,
): Promise<{ sorted: number[]; ms: number; failed: number }> {
  const times: number[] = [];
  let failed = 0;
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const answer = await postSigned(
        url,
        slashCommandBody({ text: i % 2 === 0 ? 'help incident' : 'db conections', user_id: 'U0ONCALL01' }),
      );
      if (answer.status !== 200) failed += 1;
      times.push(answer.ms);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { sorted: times.sort((a, b) => a - b), ms: performance.now() - started, failed };
}

/** Sends `perSecond` commands a second for `durationMs`, without waiting for answers; returns sorted ack times. */
async function pacedLoad(url: string, perSecond: number, durationMs: number): Promise<number[]> {
  const sends: Array<Promise<number>> = [];
  const started = performance.now();
  for (let i = 0; performance.now() - started < durationMs; i += 1) {
    sends.push(
      postSigned(url, slashCommandBody({ text: 'help incident', user_id: 'U0ONCALL01' })).then((a) => a.ms),
    );
    const due = started + ((i + 1) * 1000) / perSecond;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
  }
  return (await Promise.all(sends)).sort((a, b) => a - b);
}

export async function run(): Promise<Figure[]> {
  const fake = await FakeSlack.start();
  const db = await openPgliteDb(undefined);
  await migrate(db, migrations);
  const bot = await startSlackBot({ fake, db });
  try {
    await load(bot.eventsUrl, 200, 10); // warm-up
    const paced = await pacedLoad(bot.eventsUrl, 100, 5000);
    const before = fake.callsTo('chat.postEphemeral').length;
    const n = 2000;
    const t0 = performance.now();
    const { sorted, ms, failed } = await load(bot.eventsUrl, n, 20);
    while (fake.callsTo('chat.postEphemeral').length - before < n && performance.now() - t0 < 30_000) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const delivered = fake.callsTo('chat.postEphemeral').length - before;
    const allMs = performance.now() - t0;
    return [
      {
        name: 'Slack ack p50 / p99 at 100 commands/s',
        value: `${fmt(percentile(paced, 50))} / ${fmt(percentile(paced, 99))}`,
      },
      {
        name: `Slack: signed /oatie commands acked (20 concurrent, ${n})`,
        value: `${rate(n, ms)}, ${failed} failed`,
      },
      {
        name: 'Slack ack p50 / p99 (HTTP round trip)',
        value: `${fmt(percentile(sorted, 50))} / ${fmt(percentile(sorted, 99))}`,
      },
      {
        name: 'Slack answers delivered (chat.postEphemeral to the fake)',
        value: `${delivered} of ${n}, the last ${Math.round(allMs)} ms after the first command`,
      },
    ];
  } finally {
    await bot.stop();
    await db.close();
    await fake.stop();
  }
}
