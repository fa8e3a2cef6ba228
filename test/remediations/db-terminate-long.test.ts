// `db terminate-long` against real sleeping backends: each listed backend is signalled on its own, the
// bot then waits a bounded time for them to exit, and the card says for every pid what became of it —
// terminated, still exiting, left alone (no longer running its query) or refused by the server.
import { readdirSync, readFileSync } from 'node:fs';
import { requestFix } from '../../src/approvals/request-fix.js';
import { dbTerminateLong } from '../../src/remediations/db-terminate-long.js';
import { startFixHarness, startFixStory, type FixHarness, type FixStory } from '../support/fix-harness.js';
import { eventually, startQuery, type OatieDatabase } from '../support/oatie-database.js';
import type { Policy } from '../../src/config/policy.js';
import { policyWith } from '../support/test-app.js';

let story: FixStory;
let oatie: OatieDatabase;
let bot: FixHarness;
let policy: Policy;
const frozen = new Set<number>();

/** Whether this test runs on the machine of the Postgres server, allowed to signal its processes
 * (root or its own user): only then can a backend be made slow to exit, by stopping it. */
const canFreezeBackends: boolean = (() => {
  if (process.platform !== 'linux') return false;
  try {
    const postmaster = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .some((d) => /(^|\/)postgres\0/.test(readFileSync(`/proc/${d}/cmdline`, 'latin1')));
    return postmaster && process.getuid?.() === 0;
  } catch {
    return false;
  }
})();

/** Stops a backend process (SIGSTOP): its pending SIGTERM is handled only once it is continued. */
function freeze(pid: number): void {
  // Only a process that really is a backend of this test's database, never whatever else has that pid.
  const title = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
  if (!title.startsWith('postgres: ') || !title.includes(oatie.name))
    throw new Error(`pid ${pid} is not a backend of ${oatie.name}: ${title}`);
  process.kill(pid, 'SIGSTOP');
  frozen.add(pid);
}

function thawAll(): void {
  for (const pid of frozen) process.kill(pid, 'SIGCONT');
  frozen.clear();
}

const sleepers = async (count: number, app: string): Promise<number[]> => {
  const pids: number[] = [];
  for (let i = 0; i < count; i += 1) pids.push((await story.sleeper(app)).pid);
  return pids;
};

/** Requests the fix with a one-second threshold (the catalog's floor is a minute; the flow is the same). */
async function requestAsAlice(harness: FixHarness): Promise<void> {
  // The tests share one store and channel: an earlier test's request, left undecided, would make this
  // one a repeat (pointed at that card instead of getting its own). Earlier requests are closed first.
  await harness.app.services.db.query("UPDATE approvals SET state = 'expired' WHERE state = 'pending'");
  await requestFix(harness.app.services, {
    fix: dbTerminateLong,
    args: { olderThan: 1000 },
    caller: 'alice',
    channel: 'ops',
  });
}

/** Starts `sql` as `app` and returns its pid once it waits for a lock. */
async function startQueryWaiting(app: string, sql: string): Promise<number> {
  const client = await oatie.client(app);
  story.track(client);
  const [row] = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
  void client.query(sql).catch(() => undefined);
  await eventually('the query to wait for the lock', async () => {
    const rows = await oatie.sql(
      "SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'",
      [row!.pid],
    );
    return rows.length > 0 ? true : undefined;
  });
  return row!.pid;
}

beforeAll(async () => {
  // The fix harness bounds target calls (statement_timeout, the wait for exits) at 3 s.
  policy = await policyWith((yaml) => yaml.replace('minTerminateAge: 5m', 'minTerminateAge: 1s'));
  story = await startFixStory({ oatie: 'terminatelong', policy });
  ({ oatie, bot } = story);
});

afterAll(async () => {
  thawAll();
  await story.close();
});

describe('db terminate-long', () => {
  (canFreezeBackends ? it : it.skip)(
    'says for each pid whether it was terminated, is still exiting, or was left alone',
    async () => {
      const quick = await sleepers(2, 'nightly-export');
      const [ended] = await sleepers(1, 'nightly-export');
      // Four backends that will not exit in time: one statement waiting for each would outlast
      // statement_timeout half-way through the list.
      const slow = await sleepers(4, 'nightly-export');
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await requestAsAlice(bot);
      const card = bot.lastCard();
      expect(bot.cardText(card)).toContain('Terminate 7 backend(s) whose query has run longer than 1 second');

      await oatie.sql('SELECT pg_cancel_backend($1)', [ended]);
      slow.forEach(freeze);
      await bot.press(card.approve, 'carol');
      thawAll();

      const after = bot.cardText(card);
      expect(after).toContain('❌ Fix failed: db terminate-long');
      expect(after).toContain('2 of 7 backend(s) terminated.');
      expect(after).toContain(`terminated: ${quick.join(', ')}`);
      expect(after).toContain(`signalled, still exiting after 3 seconds: ${slow.join(', ')}`);
      expect(after).toContain(`no longer running the listed query (left alone): ${ended}`);
      for (const pid of [...quick, ...slow]) await story.ended(pid);
      expect(await story.alive(ended ?? 0)).toBe(true);
    },
  );

  it('never lists a query that only waits for a lock: ending it would free nothing', async () => {
    const holder = await oatie.client('admin-console');
    story.track(holder);
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE reports IN ACCESS EXCLUSIVE MODE');
    const waiter = await startQueryWaiting('report-worker', 'SELECT count(*) FROM reports');
    const [sleeping] = await sleepers(1, 'nightly-export');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await requestAsAlice(bot);
    const shown = bot.cardText(bot.lastCard());
    // The session holding the lock is listed (idle in its transaction); the one waiting is not.
    expect(shown).toContain('Terminate 2 backend(s) whose query has run longer than 1 second');
    expect(shown).toMatch(new RegExp(`^${sleeping}\\s`, 'm'));
    expect(shown).toMatch(/^\d+\s+postgres\s+admin-console\s+idle in transaction/m);
    expect(shown).not.toMatch(new RegExp(`^${waiter}\\s`, 'm'));
    expect(shown).toContain('Left alone: queries only waiting for a lock');
    await holder.query('ROLLBACK');
    await oatie.sql('SELECT pg_cancel_backend($1)', [sleeping]);
  });

  it('reports a backend the server refuses to signal, and still terminates the others', async () => {
    const role = `oatie_test_ops_${Math.random().toString(36).slice(2, 8)}`;
    await oatie.sql(`CREATE ROLE ${role} LOGIN`);
    await oatie.sql(`GRANT pg_read_all_stats TO ${role}`);
    const url = new URL(oatie.url);
    url.username = role;
    const limited = await startFixHarness({
      db: story.db,
      policy,
      env: { ...story.env, OATIE_DATABASE_URL: url.toString() },
    });
    try {
      const own: number[] = [];
      for (const app of ['report-worker', 'report-worker']) {
        const started = await startQuery(oatie, app, 'SELECT pg_sleep(60)', role);
        story.track(started.client);
        own.push(started.pid);
      }
      // A superuser's backend: a role without superuser may not terminate it.
      const [superuser] = await sleepers(1, 'admin-console');
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await requestAsAlice(limited);
      const card = limited.lastCard();
      await limited.press(card.approve, 'carol');
      const after = limited.cardText(card);
      expect(after).toContain('2 of 3 backend(s) terminated.');
      expect(after).toContain(`terminated: ${own.join(', ')}`);
      expect(after).toMatch(new RegExp(`could not be signalled: ${superuser} \\(.*insufficient_privilege`));
      for (const pid of own) await story.ended(pid);
      expect(await story.alive(superuser ?? 0)).toBe(true);
      await oatie.sql('SELECT pg_cancel_backend($1)', [superuser]);
    } finally {
      await limited.close();
      await oatie.sql(`DROP ROLE ${role}`).catch(() => undefined);
    }
  });
});
