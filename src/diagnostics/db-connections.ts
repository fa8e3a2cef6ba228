// `db connections`: connection pool exhaustion — connections by state against max_connections and
// the database's own limit, and which applications and users hold them.
import type { Block } from '../chat/message.js';
import { defineCommand } from '../commands/handler.js';
import { formatDuration } from '../core/duration.js';
import type { SqlTarget } from '../targets/targets.js';
import { postgresOf } from '../targets/require-target.js';
import { idleSessionBlocks, idleSessions, idleSummary } from './idle-sessions.js';
import { visibilityWarning } from './stats-visibility.js';
import { count, diagnosis, plural, table, verdict, type Finding } from './verdict.js';

interface Capacity {
  max_connections: number;
  reserved: number;
  server_used: number;
  database: string;
  database_limit: number;
  /** Connections to this database that CONNECTION LIMIT counts: superusers' are not. */
  database_limited: number;
}

interface StateRow {
  state: string;
  connections: number;
}

interface ClientRow {
  application: string;
  user: string;
  total: number;
  active: number;
  idle: number;
  idle_in_transaction: number;
}

// Only client backends count against max_connections; background workers have their own slots.
const CAPACITY_SQL = `
SELECT current_setting('max_connections')::int AS max_connections,
       current_setting('superuser_reserved_connections')::int AS reserved,
       (SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend') AS server_used,
       current_database() AS database,
       (SELECT datconnlimit FROM pg_database WHERE datname = current_database()) AS database_limit,
       (SELECT count(*)::int FROM pg_stat_activity a JOIN pg_roles r ON r.oid = a.usesysid
         WHERE a.backend_type = 'client backend' AND a.datname = current_database() AND NOT r.rolsuper)
         AS database_limited`;

const STATES_SQL = `
SELECT coalesce(state, 'unknown') AS state, count(*)::int AS connections
FROM pg_stat_activity
WHERE backend_type = 'client backend' AND datname = current_database()
GROUP BY 1 ORDER BY 2 DESC, 1`;

const CLIENTS_SQL = `
SELECT coalesce(nullif(application_name, ''), '(none)') AS application,
       coalesce(usename, '?') AS "user",
       count(*)::int AS total,
       count(*) FILTER (WHERE state = 'active')::int AS active,
       count(*) FILTER (WHERE state = 'idle')::int AS idle,
       count(*) FILTER (WHERE state LIKE 'idle in transaction%')::int AS idle_in_transaction
FROM pg_stat_activity
WHERE backend_type = 'client backend' AND datname = current_database()
GROUP BY 1, 2 ORDER BY total DESC, 1, 2
LIMIT 50`;

const percent = (used: number, of: number): number => (of <= 0 ? 100 : Math.round((used / of) * 100));

function capacityVerdict(c: Capacity, databaseUsed: number, warnPercent: number): Finding {
  const serverPct = percent(c.server_used, c.max_connections);
  const server = `${count(c.server_used)} of ${count(c.max_connections)} connections in use on the server (${serverPct}%)`;
  // Superusers' sessions do not count against CONNECTION LIMIT (nor are they refused by it).
  if (c.database_limit >= 0 && c.database_limited >= c.database_limit) {
    const superusers = databaseUsed - c.database_limited;
    const also =
      superusers > 0
        ? ` (plus ${plural(superusers, 'superuser session', 'superuser sessions')}, not counted)`
        : '';
    return {
      level: 'bad',
      text: `No free connection slots for database ${c.database}: ${count(c.database_limited)} of its ${count(c.database_limit)} (CONNECTION LIMIT) are taken${also}. ${server}.`,
    };
  }
  if (c.server_used >= c.max_connections - c.reserved) {
    // Once the reserved slots are taken too, even a superuser cannot log in to end a session.
    const reserved =
      c.server_used >= c.max_connections
        ? `not even the ${c.reserved} reserved for superusers ${c.reserved === 1 ? 'is' : 'are'} free`
        : `only the ${c.reserved} reserved for superusers remain`;
    return { level: 'bad', text: `The server is out of connection slots: ${server}; ${reserved}.` };
  }
  if (serverPct >= warnPercent) return { level: 'warn', text: `Connections are running out: ${server}.` };
  return { level: 'ok', text: `Connections are fine: ${server}.` };
}

/** Reads the three figures one after the other, on the warm connection: during an exhaustion a
 * second connection would be refused. */
async function readConnections(target: SqlTarget) {
  const [capacity] = await target.query<Capacity>(CAPACITY_SQL);
  const states = await target.query<StateRow>(STATES_SQL);
  const clients = await target.query<ClientRow>(CLIENTS_SQL);
  if (!capacity) throw new Error('the capacity query returned no row');
  return { capacity, states, clients };
}

export const dbConnections = defineCommand('db connections', async ({ args, services }) => {
  const target = postgresOf(services);
  const { capacity, states, clients } = await readConnections(target);
  const idle = await idleSessions(target, args.idleFor);
  const databaseUsed = states.reduce((sum, s) => sum + s.connections, 0);
  const warnPercent = services.policy.triage.thresholds.connectionsWarnPercent;
  const { level, text } = capacityVerdict(capacity, databaseUsed, warnPercent);
  const idleInTransaction = clients.reduce((sum, c) => sum + c.idle_in_transaction, 0);
  const limit = capacity.database_limit >= 0 ? ` of ${count(capacity.database_limit)} allowed` : '';

  const blocks: Block[] = [
    {
      kind: 'fields',
      fields: [
        {
          label: `Database ${capacity.database}`,
          value: `${plural(databaseUsed, 'connection', 'connections')}${limit}`,
        },
        {
          label: 'By state',
          value: states.map((s) => `${s.state} ${count(s.connections)}`).join(', ') || 'none',
        },
        {
          label: 'max_connections',
          value: `${count(capacity.max_connections)} (${capacity.reserved} reserved for superusers)`,
        },
      ],
    },
    table(
      ['application', 'user', 'total', 'active', 'idle', 'idle in tx'],
      clients.map((c) =>
        [c.application, c.user, c.total, c.active, c.idle, c.idle_in_transaction].map(String),
      ),
    ),
  ];
  if (idleInTransaction > 0) {
    blocks.push({
      kind: 'context',
      text: `${plural(idleInTransaction, 'connection is', 'connections are')} idle in a transaction: they hold a slot and their locks (\`db blocking\` shows whom they hold up).`,
    });
  }
  blocks.push(...(await visibilityWarning(target)));
  blocks.push(...(await idleSessionBlocks(services, idle, args.idleFor, 'db connections')));
  if (level !== 'ok' && idle.length === 0) {
    blocks.push({
      kind: 'context',
      text: `No session has been idle for more than ${formatDuration(args.idleFor)}: look for the application holding the most connections (pool too large), \`db connections --idle-for 1m\` for younger idle sessions, and \`db long-running\` for queries to end.`,
    });
  }
  const idleText = idle.length > 0 ? ` ${idleSummary(idle, args.idleFor)}.` : '';
  const summary = verdict(idle.length > 0 && level === 'ok' ? 'warn' : level, `${text}${idleText}`);
  return diagnosis(`Database connections — ${target.description}`, summary, blocks);
});
