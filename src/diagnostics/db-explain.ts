// `db explain <pid|query id>`: the plan of a running query (its text from pg_stat_activity) or of a
// slow statement (its text from pg_stat_statements), costliest step first. Plain EXPLAIN, never
// ANALYZE: nothing runs. The text always comes from the catalog, never from chat; only one read query
// is planned, in a READ ONLY transaction that is rolled back.
import type { Block } from '../chat/message.js';
import { shorten } from '../chat/message.js';
import { defineCommand } from '../commands/handler.js';
import { notFound } from '../core/errors.js';
import { maskSecrets } from '../core/secrets.js';
import { postgresOf } from '../targets/require-target.js';
import type { SqlTarget } from '../targets/targets.js';
import { statementStatsReadable } from './db-slow-queries.js';
import { explainable } from './explainable-query.js';
import { readQueryPlan, type QueryPlan, type RankedNode } from './query-plan.js';
import { count, diagnosis, table, verdict } from './verdict.js';

interface QuerySource {
  /** "pid 4242 (report-service, active)" / "statement 812…(pg_stat_statements)". */
  what: string;
  text: string;
  kind: 'running' | 'statement';
}

const BACKEND_SQL = `
SELECT pid, coalesce(nullif(application_name, ''), '(none)') AS application,
       coalesce(state, 'unknown') AS state, coalesce(query, '') AS query,
       datname = current_database() AS here, coalesce(datname, '') AS database
FROM pg_stat_activity
WHERE pid = $1 AND backend_type = 'client backend'`;

const STATEMENT_SQL = `
SELECT s.query
FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
WHERE d.datname = current_database() AND s.queryid = $1::bigint
ORDER BY s.mean_exec_time DESC
LIMIT 1`;

const GENERIC_PLAN_VERSION = 160000;

const isPid = (id: string): boolean => /^\d{1,10}$/.test(id) && Number(id) > 0 && Number(id) < 2 ** 31;

async function runningQuery(target: SqlTarget, pid: number): Promise<QuerySource | undefined> {
  const [row] = await target.query<{
    application: string;
    state: string;
    query: string;
    here: boolean;
    database: string;
  }>(BACKEND_SQL, [pid]);
  if (!row) return undefined;
  if ((await target.ownPids()).includes(pid)) throw notFound(`pid ${pid} is the bot's own connection.`);
  if (!row.here)
    throw notFound(
      `pid ${pid} is connected to the database ${row.database}: the bot plans queries of ${target.description} only.`,
    );
  if (row.query === '<insufficient privilege>')
    throw notFound(
      `The bot's database role may not read the text of pid ${pid}'s query: grant it pg_read_all_stats (or pg_monitor).`,
    );
  const last = row.state === 'active' ? '' : ', its last query';
  return { what: `pid ${pid} (${row.application}, ${row.state}${last})`, text: row.query, kind: 'running' };
}

async function slowStatement(target: SqlTarget, id: string): Promise<QuerySource | undefined> {
  if (!(await statementStatsReadable(target))) return undefined;
  const [row] = await target.query<{ query: string }>(STATEMENT_SQL, [id]);
  return row ? { what: `statement ${id}`, text: row.query, kind: 'statement' } : undefined;
}

async function sourceOf(target: SqlTarget, id: string): Promise<QuerySource> {
  const source =
    (isPid(id) ? await runningQuery(target, Number(id)) : undefined) ?? (await slowStatement(target, id));
  if (source) return source;
  throw notFound(
    `No session with pid ${id} and no statement with id ${id} in ${target.description}.`,
    'Running queries and their pids: `db long-running`; slow statements and their ids: `db slow-queries`.',
  );
}

/** Why a text with placeholders cannot be planned on this server, and what to do instead. */
function cannotPlanPlaceholders(source: QuerySource, version: number): string {
  const major = Math.floor(version / 10000);
  const where =
    source.kind === 'statement'
      ? 'pg_stat_statements keeps statements normalised, their constants replaced by $1, $2…'
      : 'this client sends its values apart from the text (bound parameters)';
  const instead =
    source.kind === 'statement'
      ? ' Plan a running instance of it instead: `db long-running` lists pids, then `db explain <pid>`.'
      : '';
  return `${where}, and Postgres ${major} cannot plan a query without its values: EXPLAIN (GENERIC_PLAN) needs Postgres 16 or later.${instead}`;
}

function costliestLine(plan: QueryPlan): string {
  const top = plan.ranked[0];
  if (!top) return '';
  const condition = top.condition === '' ? '' : `, ${top.condition}`;
  return ` The costliest step: ${top.step} (${Math.round(top.share)}% of the cost${condition}).`;
}

/** What to look at next when the costliest step reads a whole table to filter it. */
function hintFor(top: RankedNode | undefined): Block[] {
  if (top?.node['Node Type'] !== 'Seq Scan' || top.node.Filter === undefined) return [];
  const relation = top.node['Relation Name'] ?? '<table>';
  return [
    {
      kind: 'context',
      text: `A sequential scan that filters reads the whole of ${relation} to keep a few rows: an index on the filtered columns may serve it. \`db indexes\` shows how ${relation} is read; \`db create-index ${relation} <column>\` builds one without blocking writes (needs approval).`,
    },
  ];
}

const TREE_LINES = 40;

/** The plan as EXPLAIN prints it, cut to what a chat message holds. */
function treeText(lines: readonly string[]): string {
  const shown = lines.slice(0, TREE_LINES).map((l) => maskSecrets(l));
  const more = lines.length - shown.length;
  return more > 0 ? [...shown, `… ${more} more steps`].join('\n') : shown.join('\n');
}

export const dbExplain = defineCommand('db explain', async ({ args, services }) => {
  const target = postgresOf(services);
  const source = await sourceOf(target, args.id);
  const title = `Plan of ${source.what} — ${target.description}`;
  const shown: Block = { kind: 'code', text: shorten(maskSecrets(source.text), 600) };
  const query = explainable(source.text);
  if (!query.ok) return diagnosis(title, verdict('info', `Not planned: ${query.why}.`), [shown]);
  const [server] = await target.query<{ version: number }>(
    `SELECT current_setting('server_version_num')::int AS version`,
  );
  const version = server?.version ?? 0;
  if (query.placeholders && version < GENERIC_PLAN_VERSION)
    return diagnosis(title, verdict('info', `Not planned: ${cannotPlanPlaceholders(source, version)}`), [
      shown,
    ]);

  const options = query.placeholders ? 'FORMAT JSON, GENERIC_PLAN' : 'FORMAT JSON';
  const result = await target.readOnly(`EXPLAIN (${options}) ${query.body}`, {
    protocol: query.placeholders ? 'simple' : 'extended',
  });
  if (!result.ok)
    return diagnosis(
      title,
      verdict(
        'warn',
        `Postgres could not plan it: ${maskSecrets(result.message)} (SQLSTATE ${result.sqlstate}).`,
      ),
      [
        shown,
        {
          kind: 'context',
          text: `The bot plans with search_path set to the platform's schema; a query written for another schema or cut short (track_activity_query_size) cannot be planned.`,
        },
      ],
    );
  const plan = readQueryPlan(result.rows);
  const text = verdict(
    'info',
    `Estimated cost ${count(plan.totalCost)} (plain EXPLAIN: estimates, nothing ran).${costliestLine(plan)}`,
  );
  return diagnosis(title, text, [
    table(
      ['share', 'own cost', 'step', 'rows (est.)', 'condition'],
      plan.ranked
        .filter((n, i) => i === 0 || n.share >= 0.5)
        .slice(0, 10)
        .map((n) => [`${Math.round(n.share)}%`, count(n.cost), n.step, count(n.rows), n.condition]),
      10,
    ),
    ...hintFor(plan.ranked[0]),
    { kind: 'code', text: treeText(plan.tree) },
    shown,
    {
      kind: 'context',
      text: "Own cost: a step's estimated cost minus that of the steps feeding it, times the runs (the inner side of a nested loop runs once per outer row).",
    },
  ]);
});
