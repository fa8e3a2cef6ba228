// Two bot processes (two apps, each with its own pool) on one Postgres database: over 20 incidents
// reminded every second, each reminder is posted exactly once, by whichever replica claimed it.
import { listEvents } from '../../src/incidents/incident-events.js';
import type { Db } from '../../src/store/db.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import {
  eventually,
  fastPolicy,
  startIncidentHarness,
  type IncidentHarness,
} from '../support/incident-harness.js';
import { openTestDb } from '../support/test-app.js';

const INCIDENTS = 20;

describe('two replicas on one Postgres', () => {
  let database: TestDatabase;
  let dbs: Db[] = [];
  let replicas: IncidentHarness[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('incidents_replicas');
    dbs = [await openTestDb(database.url), await openTestDb(database.url)];
    const policy = await fastPolicy({ p1: { updateInterval: '1s' } });
    // Small batches so that both replicas take part in every round.
    replicas = await Promise.all(
      dbs.map((db) => startIncidentHarness({ db, policy, scheduler: { pollMs: 50, batch: 2 } })),
    );
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await Promise.all(dbs.map((db) => db.close()));
    await database.drop();
  });

  it('posts each reminder of each incident once', async () => {
    const [a, b] = replicas;
    if (!a || !b) throw new Error('replicas missing');
    await Promise.all(
      Array.from({ length: INCIDENTS }, (_, i) =>
        (i % 2 === 0 ? a : b).say(`incident p1 Outage number ${i + 1}`, { in: 'ops' }),
      ),
    );
    // Waits for the event (two beats reminded in every war room), not for a time.
    await eventually('two reminders in every war room', async () => {
      const counts = await (dbs[0] as Db).query<{ n: number }>(
        "SELECT count(*)::int AS n FROM timers WHERE kind = 'incident.reminder' AND state = 'done' GROUP BY key",
      );
      return counts.rows.length === INCIDENTS && counts.rows.every((r) => r.n >= 2) ? true : undefined;
    });
    await Promise.all(replicas.map((r) => r.app.scheduler.stop()));

    const rooms = await (dbs[0] as Db).query<{ id: number; channel: string }>(
      'SELECT id, channel FROM incidents ORDER BY id',
    );
    expect(rooms.rows).toHaveLength(INCIDENTS);
    const postedBy = replicas.map(() => 0);
    for (const { id, channel } of rooms.rows) {
      const posted = replicas.map((r) => r.posts(channel).filter((p) => p.startsWith('⏰ Reminder')).length);
      posted.forEach((n, i) => (postedBy[i] = (postedBy[i] ?? 0) + n));
      const reminders = await listEvents(dbs[0] as Db, id, ['reminder']);
      const total = posted.reduce((x, y) => x + y, 0);
      // Every beat reminded is one timeline event and one post: no beat posted twice.
      expect(total).toBeGreaterThanOrEqual(2);
      expect(reminders).toHaveLength(total);
    }
    expect(postedBy.every((n) => n > 0)).toBe(true);
    const timers = await (dbs[0] as Db).query<{ n: number }>(
      "SELECT count(*)::int AS n FROM timers WHERE kind = 'incident.reminder' AND state = 'done'",
    );
    expect(timers.rows[0]?.n).toBe(postedBy.reduce((x, y) => x + y, 0));
  });

  it('posts a reminder once even when its timer was duplicated (a retry after a crash)', async () => {
    const [a, b] = replicas;
    if (!a || !b) throw new Error('replicas missing');
    for (const r of replicas) r.app.scheduler.start();
    await a.say('incident p1 Duplicated timers', { in: 'ops' });
    const db = dbs[0] as Db;
    const incident = (
      await db.query<{ id: number; channel: string; reminder_seq: number }>(
        'SELECT id, channel, reminder_seq FROM incidents ORDER BY id DESC LIMIT 1',
      )
    ).rows[0];
    if (!incident) throw new Error('no incident');
    const payload = JSON.stringify({ incidentId: incident.id, seq: incident.reminder_seq });
    const ids: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const inserted = await db.query<{ id: number }>(
        "INSERT INTO timers (kind, key, due_at, payload) VALUES ('incident.reminder', $1, now(), $2::jsonb) RETURNING id",
        [`incident:${incident.id}:reminder`, payload],
      );
      ids.push(inserted.rows[0]?.id ?? 0);
    }
    // Waits for the event (every duplicate has run), not for a time; then counts the beat's reminders.
    await eventually('the duplicated timers to run', async () => {
      const done = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM timers WHERE id = ANY($1::int[]) AND state = 'done'",
        [ids],
      );
      return done.rows[0]?.n === ids.length ? true : undefined;
    });
    const beat = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM incident_events WHERE incident_id = $1 AND kind = 'reminder' AND (detail->>'seq')::int = $2",
      [incident.id, incident.reminder_seq],
    );
    expect(beat.rows[0]?.n).toBe(1);
  });
});
