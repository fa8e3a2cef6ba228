// Triage cards: how soon the card is in the channel (first post, every row running) and how soon it is
// complete (last edit). `triage db-pool` on the demo data with a long-running query; `triage
// reports-failing` with Oracle BI Publisher hanging, which only the deadline (5 s by default) ends.
import type { Message } from '../src/chat/message.js';
import type { PostedMessage } from '../src/chat/platform.js';
import { sampleDataSql } from '../src/demo/sample-data.js';
import { dropStore, startDiagnostics } from '../test/support/diagnostics-harness.js';
import { FakeOatieApi } from '../test/support/fake-oatie-api.js';
import { FakeOracleBi } from '../test/support/fake-oracle-bi.js';
import { createOatieDatabase, startQuery } from '../test/support/oatie-database.js';
import { RecordingPlatform } from '../test/support/recording-platform.js';
import { fmt, percentile, type Figure } from './measure.js';

/** Records when each post and edit happened. */
class TimedPlatform extends RecordingPlatform {
  readonly times: Array<{ op: 'post' | 'update'; at: number }> = [];
  override post(channel: string, message: Message): Promise<PostedMessage> {
    this.times.push({ op: 'post', at: performance.now() });
    return super.post(channel, message);
  }
  override update(posted: PostedMessage, message: Message): Promise<void> {
    this.times.push({ op: 'update', at: performance.now() });
    return super.update(posted, message);
  }
}

async function timeCards(
  runs: number,
  chat: TimedPlatform,
  triage: () => Promise<unknown>,
): Promise<{ first: number[]; complete: number[] }> {
  const first: number[] = [];
  const complete: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    chat.times.length = 0;
    const started = performance.now();
    await triage();
    const posted = chat.times.find((t) => t.op === 'post');
    const last = chat.times[chat.times.length - 1];
    if (posted) first.push(posted.at - started);
    if (last) complete.push(last.at - started);
  }
  return { first: first.sort((a, b) => a - b), complete: complete.sort((a, b) => a - b) };
}

const p50p99 = (sorted: number[]) => `${fmt(percentile(sorted, 50))} / ${fmt(percentile(sorted, 99))}`;

export async function run(): Promise<Figure[]> {
  const database = await createOatieDatabase('benchtriage');
  await database.sql(sampleDataSql);
  const sleeper = await startQuery(database, 'report-service', 'SELECT pg_sleep(600)');
  const [api, bi] = await Promise.all([FakeOatieApi.start(), FakeOracleBi.start()]);
  bi.hang = true;
  const chat = new TimedPlatform();
  const bot = await startDiagnostics(
    {
      OATIE_DATABASE_URL: database.url,
      ...api.env({ ORACLE_BI_URL: bi.url, OATIE_TARGET_TIMEOUT_MS: '10000' }),
    },
    { chat },
  );
  const figures: Figure[] = [];
  try {
    await bot.run('triage db-pool'); // warm
    const pool = await timeCards(20, chat, () => bot.run('triage db-pool'));
    figures.push(
      { name: '`triage db-pool` on the demo data: first card, p50 / p99', value: p50p99(pool.first) },
      { name: '`triage db-pool` on the demo data: complete card, p50 / p99', value: p50p99(pool.complete) },
    );
    const failing = await timeCards(3, chat, () => bot.run('triage reports-failing'));
    figures.push(
      {
        name: '`triage reports-failing`, Oracle BI hanging: first card, p50',
        value: fmt(percentile(failing.first, 50)),
      },
      {
        name: '`triage reports-failing`, Oracle BI hanging: complete card (checks give up at 4 s, card deadline 5 s), p50',
        value: fmt(percentile(failing.complete, 50)),
      },
    );
  } finally {
    await bot.close();
    await database.sql('SELECT pg_cancel_backend($1)', [sleeper.pid]);
    await sleeper.done;
    await sleeper.client.end();
    await Promise.all([api.stop(), bi.stop()]);
    await dropStore();
    await database.drop();
  }
  return figures;
}
