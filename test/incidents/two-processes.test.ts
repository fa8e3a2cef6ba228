// Two real bot processes (two `npm start`s) on one Postgres store: every reminder is posted once,
// by whichever process claimed it, and both take part.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { policyYaml } from '../support/incident-harness.js';
import { runBot } from '../support/run-bot.js';

const INCIDENTS = 6;
const REMINDER = /⏰ Reminder: INC-(\d+) needs a status update/g;

describe('two bot processes on one Postgres store', () => {
  let dir: string;
  let database: TestDatabase;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oatie-two-processes-'));
    database = await createTestDatabase('two_processes');
    await writeFile(join(dir, 'policy.yaml'), await policyYaml({ p1: { updateInterval: '1s' } }));
  });
  afterAll(async () => {
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('post each reminder exactly once between them', async () => {
    const env = {
      DATABASE_URL: database.url,
      OATIE_POLICY_FILE: join(dir, 'policy.yaml'),
      LOG_LEVEL: 'warn',
    };
    const declare = Array.from({ length: INCIDENTS }, (_, i) => `incident p1 Outage number ${i + 1}`);
    // One process declares the incidents; the other only runs timers. Both stop after a few beats.
    const [first, second] = await Promise.all([
      runBot(`${declare.join('\n')}\nwait 4s\n`, env),
      runBot('wait 5s\n', env),
    ]);
    expect([first.code, second.code]).toEqual([0, 0]);

    const postedBy = [first, second].map((run) =>
      [...run.stdout.matchAll(REMINDER)].map((m) => Number(m[1])),
    );
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const fired = await client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM timers WHERE kind = 'incident.reminder' AND state = 'done'",
    );
    const events = await client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM incident_events WHERE kind = 'reminder'",
    );
    await client.end();

    const total = postedBy.flat().length;
    // Each fired reminder timer was posted by exactly one process, and recorded once.
    expect(total).toBe(fired.rows[0]?.n);
    expect(events.rows[0]?.n).toBe(total);
    expect(total).toBeGreaterThanOrEqual(INCIDENTS * 2);
    // Both processes claimed reminders.
    expect(postedBy[0]?.length).toBeGreaterThan(0);
    expect(postedBy[1]?.length).toBeGreaterThan(0);
  });
});
