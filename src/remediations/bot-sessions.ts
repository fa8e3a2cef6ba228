// The bot's own connections to the Oatie database, recognised by the pids its pools hold — this
// process's from the target itself, other replicas' from a record in the shared store — never by
// application_name, which any client can set. Fixes never terminate these.
import { randomUUID } from 'node:crypto';
import type { Db } from '../store/db.js';
import type { Migration } from '../store/migrations.js';
import type { SqlTarget } from '../targets/targets.js';

export const botSessionsMigration: Migration = {
  name: '017-bot-sessions',
  sql: `
CREATE TABLE bot_sessions (
  replica text NOT NULL,
  -- The target's description (host:port/database): pids are per server.
  target text NOT NULL,
  pid integer NOT NULL,
  seen_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (replica, target, pid)
);
`,
};

/** How often a replica says its connections are still its own, and how long that holds without it. */
const HEARTBEAT_MS = 15_000;
const FRESH_SECONDS = 60;

export class BotSessions {
  readonly replica = randomUUID();
  private timer: NodeJS.Timeout | undefined;
  /** The record in flight, so that writes of one replica never overtake each other. */
  private writing: Promise<void> = Promise.resolve();
  /** Set by stop(): the target's pool closing afterwards changes its sessions, and nothing is recorded. */
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly target: SqlTarget,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Records this replica's pids now, whenever they change, and every HEARTBEAT_MS. */
  start(): void {
    this.target.onSessionsChanged?.((pids) => void this.record(pids));
    void this.target.ownPids().then((pids) => this.record(pids));
    this.timer = setInterval(() => {
      void this.target.ownPids().then((pids) => this.record(pids));
    }, HEARTBEAT_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.writing;
    await this.db
      .query('DELETE FROM bot_sessions WHERE replica = $1', [this.replica])
      .catch((error: unknown) => this.onError(error));
  }

  /** Replaces this replica's record with `pids` (seen now). */
  record(pids: readonly number[]): Promise<void> {
    if (this.stopped) return this.writing;
    this.writing = this.writing.then(() =>
      this.db
        .transaction(async (tx) => {
          await tx.query('DELETE FROM bot_sessions WHERE replica = $1 AND target = $2', [
            this.replica,
            this.target.description,
          ]);
          await tx.query('INSERT INTO bot_sessions (replica, target, pid) SELECT $1, $2, unnest($3::int[])', [
            this.replica,
            this.target.description,
            [...pids],
          ]);
        })
        .catch((error: unknown) => this.onError(error)),
    );
    return this.writing;
  }

  /** This process's pids and those other replicas recorded lately, for the same server. */
  async pids(): Promise<number[]> {
    const local = await this.target.ownPids();
    const recorded = await this.db.query<{ pid: number }>(
      `SELECT DISTINCT pid FROM bot_sessions
        WHERE target = $1 AND replica <> $2 AND seen_at > now() - make_interval(secs => $3)`,
      [this.target.description, this.replica, FRESH_SECONDS],
    );
    return [...new Set([...local, ...recorded.rows.map((r) => r.pid)])].sort((a, b) => a - b);
  }
}

/** `target` whose ownPids() also knows the other replicas' connections. */
export function withBotSessions(target: SqlTarget, sessions: BotSessions): SqlTarget {
  return {
    description: target.description,
    query: <R extends object>(sql: string, params?: readonly unknown[]) => target.query<R>(sql, params),
    maintenance: (sql, options) => target.maintenance(sql, options),
    session: (work, options) => target.session(work, options),
    readOnly: <R extends object>(sql: string, options?: { protocol?: 'extended' | 'simple' }) =>
      target.readOnly<R>(sql, options),
    ownPids: () => sessions.pids(),
    onSessionsChanged: (listener) => target.onSessionsChanged?.(listener),
  };
}
