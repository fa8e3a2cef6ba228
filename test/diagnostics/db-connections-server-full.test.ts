// `db connections` when the whole server is out of connection slots (max_connections, not one
// database's CONNECTION LIMIT): new clients are turned away with "too many clients", and the bot still
// answers on the connection it keeps warm. A private server, so max_connections can be tiny.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import pg from 'pg';
import { closeDiagnostics, startDiagnostics } from '../support/diagnostics-harness.js';
import { eventually } from '../support/oatie-database.js';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.js';

const MAX_CONNECTIONS = 6;
const RESERVED = 1;
// An ordinary role, as the bot should run: superusers may take the reserved slots, it may not.
const ROLE = 'oatie_ops';

let server: PrivatePostgres;
const clients: pg.Client[] = [];

/** A connection to the private server, as `user`, named as an application of the platform would be. */
async function connect(applicationName: string, user = ROLE): Promise<pg.Client> {
  const url = new URL(server.url);
  url.username = user;
  const client = new pg.Client({
    connectionString: url.toString(),
    application_name: applicationName,
    connectionTimeoutMillis: 2000,
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Opens a client that stays open until the end of the file. */
async function hold(applicationName: string, user = ROLE): Promise<void> {
  clients.push(await connect(applicationName, user));
}

beforeAll(async () => {
  server = await startPrivatePostgres({
    max_connections: String(MAX_CONNECTIONS),
    superuser_reserved_connections: String(RESERVED),
  });
  const admin = await connect('oatie-test-setup', 'postgres');
  try {
    await admin.query(`CREATE ROLE ${ROLE} LOGIN IN ROLE pg_monitor`);
  } finally {
    await admin.end();
  }
});

afterAll(async () => {
  await Promise.all(clients.splice(0).map((c) => c.end().catch(() => undefined)));
  await closeDiagnostics(server);
});

describe('db connections on a server with no free connection slot', () => {
  test('new clients are refused, and the bot answers on its warm connection', async () => {
    const url = new URL(server.url);
    url.username = ROLE;
    const bot = await startDiagnostics({ OATIE_DATABASE_URL: url.toString() });
    try {
      // The warm connection opens at start-up, while there are still free slots.
      await eventually('the warm connection', async () =>
        (await bot.targets.postgres!.ownPids()).length === 1 ? true : undefined,
      );
      // The applications take every ordinary slot: the bot's plus four.
      for (let i = 0; i < MAX_CONNECTIONS - RESERVED - 1; i += 1) await hold('report-service');
      await expect(connect('latecomer')).rejects.toThrow(/remaining connection slots are reserved/);

      const ordinaryFull = await bot.run('db connections');
      expect(ordinaryFull.text).toContain(
        `🔴 The server is out of connection slots: 5 of 6 connections in use on the server (83%); only the 1 reserved for superusers remain.`,
      );

      // An administrator logs in on the reserved slot: now even a superuser is turned away.
      await hold('psql', 'postgres');
      await expect(connect('latecomer', 'postgres')).rejects.toThrow(/too many clients/);

      const answer = await bot.run('db connections');
      expect(answer.to).toEqual(['channel']);
      expect(answer.text).toContain(
        '🔴 The server is out of connection slots: 6 of 6 connections in use on the server (100%); not even the 1 reserved for superusers is free.',
      );
      expect(answer.text).toMatch(/report-service\s+oatie_ops\s+4\s+0\s+4\s+0/);
      expect(answer.text).toMatch(/oatie-ops\s+oatie_ops\s+1\s+1\s+0\s+0/);
      expect(answer.text).toMatch(/psql\s+postgres\s+1\s+0\s+1\s+0/);
      expect(answer.text).toContain('max_connections: 6 (1 reserved for superusers)');
    } finally {
      await bot.close();
    }
  });
});
