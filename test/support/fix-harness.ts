// The bot's core with real targets (as main.ts builds them) and a recording chat, for stories of
// fixes: type a fix, read the approval card, press its buttons as someone, read the card again. A
// fix story adds what each test file needs around it: its own store, an Oatie database, sleepers.
import { renderText } from '../../src/chat/console/render-text.js';
import type { Button, Message } from '../../src/chat/message.js';
import type { PostedMessage } from '../../src/chat/platform.js';
import type { ActionOutcome, Reply } from '../../src/commands/handler.js';
import type { Policy } from '../../src/config/policy.js';
import { silentLogger } from '../../src/core/logger.js';
import type { AuditRecord } from '../../src/audit/audit-log.js';
import type { Db } from '../../src/store/db.js';
import { buildTargets } from '../../src/targets/build-targets.js';
import type { SqlTarget, Targets } from '../../src/targets/targets.js';
import type pg from 'pg';
import { createTestDatabase } from './databases.js';
import { createOatieDatabase, eventually, startQuery, type OatieDatabase } from './oatie-database.js';
import { RecordingPlatform } from './recording-platform.js';
import { openTestDb, startTestApp, testConfig, type TestApp } from './test-app.js';

export interface Card {
  posted: PostedMessage;
  approve: string;
  reject: string;
}

interface ApprovalRow {
  id: number;
  command: string;
  state: string;
  result: string | null;
  approver: string | null;
}

export interface FixHarness {
  app: TestApp;
  chat: RecordingPlatform;
  targets: Targets;
  /** Types a command as `caller` in `channel`; returns what came back (cards are posted, not returned). */
  type(text: string, caller?: string, channel?: string): Promise<Reply[]>;
  /** The approval card posted last, with its button ids. */
  lastCard(): Card;
  /** The card as people see it now (its last update), as console text. */
  cardText(card: Card): string;
  press(actionId: string, caller: string, channel?: string): Promise<ActionOutcome>;
  /** Approval rows of this store, oldest first. */
  approvals(): Promise<ApprovalRow[]>;
  /** Audit rows of fix events, oldest first. */
  fixEvents(): Promise<AuditRecord[]>;
  /** Types a fix as alice that must be refused at plan time: asserts no card was posted; returns the answer. */
  refused(text: string): Promise<string>;
  close(): Promise<void>;
}

/** Console text of a message; buttons print as `[Approve] Approve`. */
export const textOf = (message: Message): string => renderText(message, (b) => b.label);

export const repliesText = (replies: readonly Reply[]): string =>
  replies.map((r) => (r.kind === 'message' ? textOf(r.message) : `[form] ${r.form.title}`)).join('\n');

export async function startFixHarness(options: {
  db: Db;
  env?: Record<string, string>;
  policy?: Policy;
  targets?: Targets;
  now?: () => Date;
  /** Wraps the Oatie database's target (see interposed-postgres.ts). */
  postgres?: (real: SqlTarget) => SqlTarget;
}): Promise<FixHarness> {
  const config = testConfig({ OATIE_TARGET_TIMEOUT_MS: '3000', ...options.env });
  const built = options.targets ?? (await buildTargets(config, silentLogger));
  const wrap = options.postgres;
  const targets: Targets = wrap && built.postgres ? { ...built, postgres: wrap(built.postgres) } : built;
  const chat = new RecordingPlatform();
  const app = await startTestApp({
    db: options.db,
    config,
    targets,
    chat,
    policy: options.policy,
    now: options.now,
  });
  const type: FixHarness['type'] = (text, caller = 'alice', channel = 'ops') =>
    app.router.handleText({ text, caller, channel });
  return {
    app,
    chat,
    targets,
    type,
    lastCard() {
      for (const call of [...chat.calls].reverse()) {
        if (call.op !== 'post') continue;
        const buttons = call.message.blocks.flatMap((b) => (b.kind === 'actions' ? b.buttons : []));
        const find = (label: string): Button | undefined => buttons.find((b) => b.label === label);
        const approve = find('Approve');
        const reject = find('Reject');
        if (approve && reject)
          return {
            posted: { channel: call.channel, id: call.id },
            approve: approve.actionId,
            reject: reject.actionId,
          };
      }
      throw new Error('no approval card was posted');
    },
    cardText(card) {
      let latest: Message | undefined;
      for (const call of chat.calls) {
        if (
          (call.op === 'post' || call.op === 'update') &&
          call.channel === card.posted.channel &&
          call.id === card.posted.id
        )
          latest = call.message;
      }
      if (!latest) throw new Error('the card is gone');
      return textOf(latest);
    },
    press: (actionId, caller, channel = 'ops') => app.router.handleAction({ actionId, caller, channel }),
    async approvals() {
      const result = await options.db.query<ApprovalRow>(
        'SELECT id, command, state, result, approver FROM approvals ORDER BY id',
      );
      return result.rows;
    },
    async fixEvents() {
      const records = await app.services.audit.since(new Date(0), 1000);
      return records.filter((r) => r.event.startsWith('fix.')).reverse();
    },
    async refused(text) {
      const before = chat.calls.length;
      const answer = repliesText(await type(text));
      expect(chat.calls.slice(before).filter((c) => c.op === 'post')).toEqual([]);
      return answer;
    },
    close: () => app.stop(),
  };
}

/** One test file's fix story: the bot on a store of its own and, when asked for, the Oatie database
 * its fixes act on (OATIE_DATABASE_URL is set for it). Close it in afterAll. */
export interface FixStory {
  bot: FixHarness;
  /** The bot's store. */
  db: Db;
  /** The Oatie database; only for a story started with `oatie`. */
  oatie: OatieDatabase;
  /** The environment the bot was started with, for another bot on the same targets. */
  env: Record<string, string>;
  /** Another connection to the store, as a second replica would have; the caller closes it. */
  openStore(): Promise<Db>;
  /** A client of the Oatie database running `SELECT pg_sleep(60)` as `app`; ended by close(). */
  sleeper(app?: string): Promise<{ client: pg.Client; pid: number; done: Promise<unknown> }>;
  /** Whether a backend with this pid is still connected to the Oatie database. */
  alive(pid: number): Promise<boolean>;
  /** Waits until that backend has ended; fails after 5 s. */
  ended(pid: number): Promise<void>;
  /** Ends `client` when the story closes. */
  track(client: { end(): Promise<void> }): void;
  close(): Promise<void>;
}

export async function startFixStory(
  options: {
    /** Names a fresh Oatie database (sample schema, empty) for this story. */
    oatie?: string;
    env?: Record<string, string>;
    policy?: Policy;
    now?: () => Date;
    /** Wraps the Oatie database's target (see interposed-postgres.ts). */
    postgres?: (real: SqlTarget) => SqlTarget;
  } = {},
): Promise<FixStory> {
  const oatie = options.oatie === undefined ? undefined : await createOatieDatabase(options.oatie);
  const storeDatabase = await createTestDatabase('fixstore');
  const db = await openTestDb(storeDatabase.url);
  const env = { ...(oatie && { OATIE_DATABASE_URL: oatie.url }), ...options.env };
  const bot = await startFixHarness({
    db,
    env,
    policy: options.policy,
    now: options.now,
    postgres: options.postgres,
  });
  const clients: Array<{ end(): Promise<void> }> = [];
  const oatieDatabase = (): OatieDatabase => {
    if (!oatie) throw new Error('this fix story has no Oatie database: start it with `oatie`');
    return oatie;
  };
  const alive = async (pid: number): Promise<boolean> =>
    (await oatieDatabase().sql('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).length > 0;
  return {
    bot,
    db,
    get oatie() {
      return oatieDatabase();
    },
    env,
    openStore: () => openTestDb(storeDatabase.url),
    async sleeper(app = 'report-worker') {
      const started = await startQuery(oatieDatabase(), app, 'SELECT pg_sleep(60)');
      clients.push(started.client);
      return started;
    },
    alive,
    async ended(pid) {
      await eventually(`backend ${pid} to end`, async () => ((await alive(pid)) ? undefined : true));
    },
    track: (client) => void clients.push(client),
    async close() {
      await bot.close();
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
      await db.close();
      await oatie?.drop();
      await storeDatabase.drop();
    },
  };
}
