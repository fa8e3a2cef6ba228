// Acting between the bot's statements on the Oatie database, as another session could: a wrapper of
// the Postgres target (real pg underneath) that runs a test's action once, when a fix's session opens
// (right after the re-check) or right before a given statement of that session.
import type { SqlSession, SqlTarget } from '../../src/targets/targets.js';

type Act = () => Promise<void>;

export interface Interposer {
  /** Wraps the real target; pass it as the fix harness's `postgres`. */
  wrap: (real: SqlTarget) => SqlTarget;
  /** Runs `act` once, when the next fix session opens, before any of its statements. */
  atSessionStart: (act: Act) => void;
  /** Runs `act` once, right before the next session statement that starts with `prefix`. */
  before: (prefix: string, act: Act) => void;
}

export function interposer(): Interposer {
  let atStart: Act | undefined;
  const pending: Array<{ prefix: string; act: Act }> = [];
  const beforeStatement = async (sql: string): Promise<void> => {
    const i = pending.findIndex((p) => sql.trimStart().startsWith(p.prefix));
    if (i < 0) return;
    const [{ act }] = pending.splice(i, 1) as [{ prefix: string; act: Act }];
    await act();
  };
  return {
    wrap: (real) => ({
      description: real.description,
      query: <R extends object>(sql: string, params?: readonly unknown[]) => real.query<R>(sql, params),
      maintenance: (sql, options) => real.maintenance(sql, options),
      readOnly: <R extends object>(sql: string, options?: { protocol?: 'extended' | 'simple' }) =>
        real.readOnly<R>(sql, options),
      ownPids: () => real.ownPids(),
      onSessionsChanged: (listener) => real.onSessionsChanged?.(listener),
      session: (work, options) =>
        real.session(async (session) => {
          const act = atStart;
          atStart = undefined;
          if (act) await act();
          const watched: SqlSession = {
            pid: session.pid,
            query: async <R extends object>(sql: string, params?: readonly unknown[]) => {
              await beforeStatement(sql);
              return session.query<R>(sql, params);
            },
          };
          return work(watched);
        }, options),
    }),
    atSessionStart: (act) => {
      atStart = act;
    },
    before: (prefix, act) => {
      pending.push({ prefix, act });
    },
  };
}
