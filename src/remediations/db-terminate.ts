// `db terminate <pid>`: end one client backend of the Oatie database — never a system process, never
// a connection of the bot (this replica's or another's, by pid) — and only if it is still the same
// connection running the same query.
import { badArgument, notFound } from '../core/errors.js';
import { formatDuration } from '../core/duration.js';
import {
  BACKEND_SQL,
  backendFacts,
  backendIdentity,
  backendRow,
  describeState,
  identityOf,
  identityWords,
  stillMatching,
  whyChanged,
  type BackendRow,
} from './pg-backends.js';
import { terminateMatching } from './pg-terminate.js';
import { defineFix } from './remediation.js';
import { postgresOf } from '../targets/require-target.js';
import { rowsOf } from './sql-rows.js';
import type { SqlTarget } from '../targets/targets.js';

async function terminable(target: SqlTarget, pid: number): Promise<BackendRow> {
  const [row] = await rowsOf(target, `${BACKEND_SQL} WHERE pid = $1`, [pid], backendRow);
  if (!row) throw notFound(`No backend has pid ${pid} on ${target.description}.`);
  if (row.backend_start === null) {
    // Without pg_read_all_stats another user's backend shows no times: its identity cannot be re-checked.
    throw badArgument(
      `The bot's database user cannot see the details of pid ${pid} (grant it pg_read_all_stats), so it cannot check the backend again before terminating it.`,
    );
  }
  if (row.backend_type !== 'client backend') {
    throw badArgument(
      `pid ${pid} is the ${row.backend_type ?? 'unknown process'}, a Postgres system process; only client backends can be terminated.`,
    );
  }
  if (row.here !== true) {
    throw badArgument(
      `pid ${pid} is connected to another database (${row.database ?? '?'}), not the one at ${target.description}.`,
    );
  }
  const own = await target.ownPids();
  const [self] = await rowsOf(target, 'SELECT pg_backend_pid() AS pid', [], backendRow.pick({ pid: true }));
  // Recognised by the pids the bot's pools hold (this replica's and, through the store, the others'),
  // not by application_name: any client may call itself oatie-ops.
  if (own.includes(pid) || self?.pid === pid) {
    throw badArgument(
      `pid ${pid} is one of the bot's own connections (this replica's or another replica's); it will not terminate itself.`,
    );
  }
  return row;
}

export const dbTerminate = defineFix({
  command: 'db terminate',
  risk: 'low',
  data: backendIdentity,
  async plan({ args, services }) {
    const target = postgresOf(services);
    const row = await terminable(target, args.pid);
    const identity = identityOf(row);
    return {
      summary: `Terminate backend ${row.pid} (${row.user ?? '?'}, ${row.application || 'no application name'}, ${describeState(row)}).`,
      statement: `SELECT pg_terminate_backend(${row.pid})`,
      target: target.description,
      facts: [...backendFacts(row), { label: 'Runs only if', value: identityWords(identity) }],
      data: identity,
    };
  },
  async recheck(plan, { services }) {
    const target = postgresOf(services);
    const matching = await stillMatching(target, [plan.data]);
    return matching.includes(plan.data.pid)
      ? { ok: true }
      : { ok: false, reason: await whyChanged(target, plan.data) };
  },
  async execute(plan, { services }) {
    const target = postgresOf(services);
    const waitMs = services.config.OATIE_TARGET_TIMEOUT_MS;
    const [result] = await terminateMatching(target, [plan.data], waitMs);
    const pid = plan.data.pid;
    switch (result?.outcome) {
      case 'terminated':
        return { ok: true, summary: `Backend ${pid} terminated.` };
      case 'exiting':
        return {
          ok: false,
          summary: `pg_terminate_backend(${pid}) was sent, but the backend had not exited after ${formatDuration(waitMs)}.`,
        };
      case 'failed':
      case 'unsent':
        return { ok: false, summary: `Backend ${pid} could not be signalled: ${result.reason}` };
      case 'unconfirmed':
        return {
          ok: false,
          summary: `pg_terminate_backend(${pid}) was sent, but whether the backend exited is unknown: ${result.reason}`,
        };
      default:
        return { ok: false, summary: `Nothing ran: ${await whyChanged(target, plan.data)}` };
    }
  },
});
