// A test database with the Oatie sample schema (src/demo/oatie-schema.ts) on the real local Postgres,
// plus helpers to act on it as the platform would: its own clients, sleeping queries, held locks.
import pg from 'pg';
import { oatieSchemaSql } from '../../src/demo/oatie-schema.js';
import { createTestDatabase, type TestDatabase } from './databases.js';
import { waitDeadline } from './wait.js';

export interface OatieDatabase extends TestDatabase {
  /** Runs SQL as the superuser on this database (a short-lived connection). */
  sql<R extends object = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
  /** Opens a client as an application of the platform would (its own application_name). */
  client(applicationName: string, user?: string): Promise<pg.Client>;
}

/** A fresh database holding the Oatie schema, empty. Drop it in afterAll. */
export async function createOatieDatabase(purpose: string): Promise<OatieDatabase> {
  const database = await createTestDatabase(purpose);
  const client = async (applicationName: string, user?: string): Promise<pg.Client> => {
    const url = new URL(database.url);
    if (user !== undefined) url.username = user;
    const c = new pg.Client({ connectionString: url.toString(), application_name: applicationName });
    c.on('error', () => undefined);
    await c.connect();
    return c;
  };
  const sql = async <R extends object>(text: string, params: unknown[] = []): Promise<R[]> => {
    const c = await client('oatie-test-setup');
    try {
      return (await c.query<R>(text, params)).rows;
    } finally {
      await c.end();
    }
  };
  await sql(oatieSchemaSql);
  return { ...database, sql, client };
}

/** Runs `work` on a client of its own, as the application `applicationName` would, then flushes that
 * backend's pending statistics (Postgres 15+) so diagnostics see its scans and writes at once. */
export async function actAs(
  db: OatieDatabase,
  applicationName: string,
  work: (client: pg.Client) => Promise<void>,
): Promise<void> {
  const client = await db.client(applicationName);
  try {
    await work(client);
    await client.query('SELECT pg_stat_force_next_flush()');
  } finally {
    await client.end();
  }
}

/** Waits until `check` holds, polling; fails with `what` after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = waitDeadline(timeoutMs);
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A statement running on a client of its own; `done` settles (with the error, if any) when it ends. */
export interface RunningQuery {
  client: pg.Client;
  pid: number;
  done: Promise<unknown>;
}

/** Starts `sql` on a client of its own, without waiting for it; returns the client and its backend pid. */
export async function startQuery(
  db: OatieDatabase,
  applicationName: string,
  sql: string,
  user?: string,
): Promise<RunningQuery> {
  const client = await db.client(applicationName, user);
  const [row] = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
  const done = client.query(sql).catch((error: unknown) => error);
  await waitActive(db, row!.pid, applicationName);
  return { client, pid: row!.pid, done };
}

/** Waits until backend `pid` runs a statement (state active). */
export async function waitActive(db: OatieDatabase, pid: number, what = `pid ${pid}`): Promise<void> {
  await eventually(`${what} to be active`, async () => {
    const rows = await db.sql('SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = $2', [
      pid,
      'active',
    ]);
    return rows.length > 0 ? true : undefined;
  });
}
