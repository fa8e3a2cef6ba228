// Restart survival: the bot is killed with SIGKILL right after declaring a P1, and started again on
// the same Postgres store. The reminder that fell due meanwhile fires once at start; the next
// reminder keeps its beat and the escalation fires at its own time, not at the restart.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../src/store/db.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { eventually, policyYaml, sleep } from '../support/incident-harness.js';
import { startBot } from '../support/run-bot.js';
import { openTestDb } from '../support/test-app.js';

const INTERVAL_MS = 3000;
const RESPONSE_MS = 8000;

interface TimerRow {
  kind: string;
  due_at: Date;
  fired_at: Date | null;
  state: string;
}

describe('restart after kill -9', () => {
  let database: TestDatabase;
  let db: Db;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase('incidents_restart');
    db = await openTestDb(database.url);
    dir = await mkdtemp(join(tmpdir(), 'oatie-incident-restart-'));
    await writeFile(
      join(dir, 'policy.yaml'),
      await policyYaml({ p1: { updateInterval: '3s', responseTime: '8s' } }),
    );
    env = { DATABASE_URL: database.url, OATIE_POLICY_FILE: join(dir, 'policy.yaml'), LOG_LEVEL: 'warn' };
  });
  afterAll(async () => {
    await db.close();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const timers = async (): Promise<TimerRow[]> =>
    (
      await db.query<TimerRow>(
        "SELECT kind, due_at, fired_at, state FROM timers WHERE kind LIKE 'incident.%' ORDER BY id",
      )
    ).rows;

  it('fires the missed reminder once at start and keeps the rest on schedule', async () => {
    const first = startBot(env);
    first.child.stdin.write('incident p1 Restart survival\n');
    await eventually('the alert', () => first.stdout().includes('🚨 INCIDENT ALERT 🚨'), 30_000);
    // Killed once the declaration's posts are all sent: none is then held under the dead process's lease
    // (its takeover, 30 s later, is the reliability suite's), and the timers are what is tested here.
    await eventually(
      "the declaration's posts sent",
      async () =>
        (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox WHERE state = 'pending'"))
          .rows[0]?.n === 0,
      30_000,
    );
    first.child.kill('SIGKILL');
    await first.exited;
    const started =
      (await db.query<{ started_at: Date }>('SELECT started_at FROM incidents WHERE id = 1')).rows[0]
        ?.started_at ?? new Date();
    const at = (ms: number) => started.getTime() + ms;

    // Down for longer than an interval: the first reminder falls due while nobody runs.
    await sleep(Math.max(0, at(INTERVAL_MS + 700) - Date.now()));
    const restarting = Date.now();
    const second = startBot(env);
    try {
      await eventually('the missed reminder', () => second.stdout().includes('⏰ Reminder: INC-1'), 30_000);
      const done = async (kind: string, n: number) =>
        (await timers()).filter((t) => t.kind === kind && t.state === 'done').length >= n;
      await eventually('the escalation', () => done('incident.escalation', 1), RESPONSE_MS + 30_000);
      await eventually('a second reminder', () => done('incident.reminder', 2), 2 * INTERVAL_MS + 2000);

      const rows = await timers();
      const reminders = rows.filter((r) => r.kind === 'incident.reminder' && r.state === 'done');
      const [missed, onBeat] = reminders;
      // The missed one: due at +3 s, fired once, after the restart.
      expect(missed?.due_at.getTime()).toBe(at(INTERVAL_MS));
      expect(missed?.fired_at?.getTime()).toBeGreaterThanOrEqual(restarting - 1000);
      // The next keeps the 3-second beat of the declaration instead of restarting the clock.
      expect(((onBeat?.due_at.getTime() ?? 0) - started.getTime()) % INTERVAL_MS).toBe(0);
      expect(onBeat?.fired_at?.getTime()).toBeGreaterThanOrEqual(onBeat?.due_at.getTime() ?? 0);
      // The escalation fired at its time, once. (A loaded machine may also have reached the second step,
      // to the manager, one response time later.)
      const escalations = rows.filter((r) => r.kind === 'incident.escalation' && r.state === 'done');
      expect(escalations.length).toBeGreaterThanOrEqual(1);
      expect(escalations.filter((r) => r.due_at.getTime() === at(RESPONSE_MS))).toHaveLength(1);
      expect(escalations[0]?.due_at.getTime()).toBe(at(RESPONSE_MS));
      expect(escalations[0]?.fired_at?.getTime()).toBeGreaterThanOrEqual(at(RESPONSE_MS));

      // Each due reminder was posted exactly once. Reminders go on every 3 s meanwhile, and a post
      // follows its recorded event through the outbox: every reminder recorded before is posted, and
      // no more posts appear than reminders recorded after (none lost, none doubled).
      const recorded = async (): Promise<number> =>
        (
          await db.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM incident_events WHERE kind = 'reminder'",
          )
        ).rows[0]?.n ?? 0;
      const posted = () => (second.stdout().match(/⏰ Reminder: INC-1/g) ?? []).length;
      const before = await recorded();
      await eventually('every recorded reminder posted', () => posted() >= before, 30_000);
      const posts = posted();
      const fired = (await timers()).filter((r) => r.kind === 'incident.reminder' && r.state === 'done');
      const after = await recorded();
      expect(posts).toBeGreaterThanOrEqual(before);
      expect(posts).toBeLessThanOrEqual(after);
      expect(fired.length).toBeLessThanOrEqual(after);
      expect(first.stdout().match(/⏰ Reminder: INC-1/g) ?? []).toHaveLength(0);
      // One post in the war room per escalation step that fired (never more), and the first step's
      // words to carol directly, once.
      const roomEscalations =
        second.stdout().match(/--- #inc-\d{8}-restart-survival ---\n📟 Escalation: INC-1/g) ?? [];
      const stepsFired = (await timers()).filter(
        (r) => r.kind === 'incident.escalation' && r.state === 'done',
      ).length;
      expect(roomEscalations.length).toBeGreaterThanOrEqual(1);
      expect(roomEscalations.length).toBeLessThanOrEqual(stepsFired);
      expect(second.stdout().match(/--- direct message to @carol ---\n📟 Escalation: INC-1/g)).toHaveLength(
        1,
      );
    } finally {
      second.child.stdin.end();
      await second.exited;
    }
  });
});
