// Backends of the Oatie database as fixes see them: who they are (pid + backend_start + query_start
// + query hash), and the condition under which one still counts as the same backend. The query text
// is shown with its secrets masked; the identity keeps the hash of the real text.
import { z } from 'zod';
import { shorten, type Field } from '../chat/message.js';
import { formatDuration } from '../core/duration.js';
import { maskSecrets } from '../core/secrets.js';
import type { SqlTarget } from '../targets/targets.js';
import { rowsOf } from './sql-rows.js';

/** What makes "the same backend running the same query": a pid alone is reused by the server. */
export const backendIdentity = z.object({
  pid: z.number().int(),
  /** Epoch seconds with microseconds, as text: exact, whatever the session's DateStyle. */
  backendStart: z.string(),
  queryStart: z.string().nullable(),
  queryMd5: z.string(),
  idle: z.boolean(),
});
export type BackendIdentity = z.infer<typeof backendIdentity>;

export const backendRow = z.object({
  pid: z.number().int(),
  backend_type: z.string().nullable(),
  database: z.string().nullable(),
  here: z.boolean().nullable(),
  user: z.string().nullable(),
  application: z.string().nullable(),
  state: z.string().nullable(),
  backend_start: z.string().nullable(),
  query_start: z.string().nullable(),
  query_md5: z.string(),
  query: z.string(),
  running_s: z.number(),
});
export type BackendRow = z.infer<typeof backendRow>;

export const BACKEND_SQL = `SELECT pid, backend_type, datname AS database, datname = current_database() AS here,
       usename AS "user", application_name AS application, state,
       extract(epoch FROM backend_start)::text AS backend_start,
       extract(epoch FROM query_start)::text AS query_start,
       md5(coalesce(query, '')) AS query_md5, left(coalesce(query, ''), 4096) AS query,
       coalesce(extract(epoch FROM now() - query_start), 0)::float8 AS running_s
  FROM pg_stat_activity`;

export function identityOf(row: BackendRow): BackendIdentity {
  return {
    pid: row.pid,
    backendStart: row.backend_start ?? '',
    queryStart: row.query_start,
    queryMd5: row.query_md5,
    idle: row.state === 'idle',
  };
}

export const describeState = (row: BackendRow): string =>
  `${row.state ?? 'unknown'} for ${formatDuration(row.running_s * 1000)}`;

export function backendFacts(row: BackendRow): Field[] {
  return [
    {
      label: 'Backend',
      value: `pid ${row.pid}, ${row.user ?? '?'} on ${row.database ?? '?'} (${row.application || 'no application name'})`,
    },
    { label: 'State', value: describeState(row) },
    { label: 'Query', value: shorten(maskSecrets(row.query) || '(none)', 300) },
  ];
}

const epochToIso = (epoch: string | null): string =>
  epoch === null ? 'never' : new Date(Number(epoch) * 1000).toISOString();

/** The condition the re-check and the execution apply, said in words for the card. */
export const identityWords = (id: BackendIdentity): string =>
  `pid ${id.pid} is still the connection started at ${epochToIso(id.backendStart)}, running the same query started at ${epochToIso(id.queryStart)}`;

// The identities travel as parallel arrays (unnest), so one statement checks them all. $6 is the
// bot's own connections (SqlTarget.ownPids: this replica's and the others'), recognised by pid, never
// by application_name, which any client can set.
export const MATCHING = `FROM pg_stat_activity a
  JOIN unnest($1::int[], $2::numeric[], $3::numeric[], $4::text[], $5::bool[])
       AS p(pid, backend_start, query_start, query_md5, idle)
    ON a.pid = p.pid
   AND extract(epoch FROM a.backend_start) = p.backend_start
   AND extract(epoch FROM a.query_start) IS NOT DISTINCT FROM p.query_start
   AND md5(coalesce(a.query, '')) = p.query_md5
   AND (coalesce(a.state, '') = 'idle') = p.idle
 WHERE a.backend_type = 'client backend' AND a.datname = current_database()
   AND a.pid <> pg_backend_pid() AND NOT (a.pid = ANY($6::int[]))`;

export const matchParams = (ids: readonly BackendIdentity[], own: readonly number[]): unknown[] => [
  ids.map((i) => i.pid),
  ids.map((i) => i.backendStart),
  ids.map((i) => i.queryStart),
  ids.map((i) => i.queryMd5),
  ids.map((i) => i.idle),
  [...own],
];

/** The pids among `ids` that are still the same backend in the same query. */
export async function stillMatching(target: SqlTarget, ids: readonly BackendIdentity[]): Promise<number[]> {
  const rows = await rowsOf(
    target,
    `SELECT a.pid ${MATCHING}`,
    matchParams(ids, await target.ownPids()),
    z.object({ pid: z.number() }),
  );
  return rows.map((r) => r.pid);
}

/** Why a backend no longer matches its identity, in words for the card. */
export async function whyChanged(target: SqlTarget, id: BackendIdentity): Promise<string> {
  const [now] = await rowsOf(target, `${BACKEND_SQL} WHERE pid = $1`, [id.pid], backendRow);
  if (!now) return `backend ${id.pid} has ended.`;
  if (now.backend_start !== id.backendStart)
    return `pid ${id.pid} is now a different connection (the backend ended and its pid was reused).`;
  if (now.query_start !== id.queryStart || now.query_md5 !== id.queryMd5)
    return `backend ${id.pid} now runs another query.`;
  if ((await target.ownPids()).includes(id.pid))
    return `backend ${id.pid} is now a connection of this bot (this replica or another).`;
  if ((now.state === 'idle') !== id.idle)
    return `backend ${id.pid} has finished its query and is ${now.state ?? 'in another state'} now.`;
  return `backend ${id.pid} is no longer one the bot may terminate.`;
}
