// The bot's core with real targets built from an environment (as main.ts builds them), for
// diagnostics tests: type a command, read what the channel (or the caller) would see.
import { renderText } from '../../src/chat/console/render-text.js';
import type { Button } from '../../src/chat/message.js';
import type { Reply } from '../../src/commands/handler.js';
import type { Policy } from '../../src/config/policy.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Db } from '../../src/store/db.js';
import { buildTargets } from '../../src/targets/build-targets.js';
import type { Targets } from '../../src/targets/targets.js';
import { createTestDatabase, type TestDatabase } from './databases.js';
import { openTestDb, startTestApp, testConfig, type TestApp } from './test-app.js';
import { RecordingPlatform } from './recording-platform.js';
import type { Message } from '../../src/chat/message.js';

export interface Answer {
  replies: Reply[];
  /** Every reply as console text, joined. */
  text: string;
  /** Where the replies went. */
  to: Array<'channel' | 'caller' | 'form'>;
  buttons: Button[];
  ms: number;
}

export interface DiagnosticsHarness {
  app: TestApp;
  /** What the bot posted itself (cards it posts and edits in place, such as triage). */
  chat: RecordingPlatform;
  /** Every version of the messages posted in `channel`, in order: each post, then its edits. */
  cards(channel?: string): Array<{ op: 'post' | 'update'; id: string; message: Message }>;
  targets: Targets;
  run(text: string, caller?: string): Promise<Answer>;
  /** The stored payload of a button (what pressing it would hand to its action). */
  payloadOf(button: Button): Promise<{ kind: string; payload: unknown } | undefined>;
  close(): Promise<void>;
}

let store: { db: Db; database: TestDatabase } | undefined;

/** The bot's own store for this test file: a real Postgres database, migrated once. */
async function sharedStore(): Promise<Db> {
  if (!store) {
    const database = await createTestDatabase('store');
    store = { database, db: await openTestDb(database.url) };
  }
  return store.db;
}

/** Drops the store database; call in afterAll after closing every harness. */
export async function dropStore(): Promise<void> {
  if (!store) return;
  const { db, database } = store;
  store = undefined;
  await db.close();
  await database.drop();
}

function answerOf(replies: Reply[], ms: number): Answer {
  const buttons: Button[] = [];
  const texts = replies.map((reply) => {
    if (reply.kind === 'form') return `[form] ${reply.form.title}`;
    for (const block of reply.message.blocks) if (block.kind === 'actions') buttons.push(...block.buttons);
    return renderText(reply.message, (b) => b.label);
  });
  return {
    replies,
    text: texts.join('\n'),
    to: replies.map((r) => (r.kind === 'form' ? 'form' : r.to)),
    buttons,
    ms,
  };
}

export interface StartOptions {
  policy?: Policy;
  now?: () => Date;
  /** The platform the bot posts on (e.g. one that also records when: bench/triage.bench.ts). */
  chat?: RecordingPlatform;
}

export async function startDiagnostics(
  env: Record<string, string>,
  options: StartOptions = {},
): Promise<DiagnosticsHarness> {
  const config = testConfig({ OATIE_TARGET_TIMEOUT_MS: '2000', ...env });
  const targets = await buildTargets(config, silentLogger);
  const chat = options.chat ?? new RecordingPlatform();
  const app = await startTestApp({
    chat,
    db: await sharedStore(),
    config,
    targets,
    policy: options.policy,
    now: options.now,
  });
  return {
    app,
    chat,
    targets,
    cards: (channel = 'ops') =>
      chat.calls.flatMap((c) =>
        (c.op === 'post' || c.op === 'update') && c.channel === channel
          ? [{ op: c.op, id: c.id, message: c.message }]
          : [],
      ),
    async run(text, caller = 'alice') {
      const started = performance.now();
      const replies = await app.router.handleText({ text, caller, channel: 'ops' });
      return answerOf(replies, performance.now() - started);
    },
    async payloadOf(button) {
      const action = await app.services.actions.get(button.actionId);
      return action ? { kind: action.kind, payload: action.payload } : undefined;
    },
    close: () => app.stop(),
  };
}

/** A bot for one test: starts it, hands it to `story`, and closes it whatever happens. */
export async function withDiagnostics<T>(
  env: Record<string, string>,
  story: (bot: DiagnosticsHarness) => Promise<T>,
  options: StartOptions = {},
): Promise<T> {
  const bot = await startDiagnostics(env, options);
  try {
    return await story(bot);
  } finally {
    await bot.close();
  }
}

/** What a test file opens beside its store: bots and servers (close), fakes (stop), databases (drop). */
type Opened = { close(): Promise<unknown> } | { stop(): Promise<unknown> } | { drop(): Promise<unknown> };

/** For afterAll: closes, stops or drops each thing in the order given (bots before what they use),
 * then drops the store. */
export async function closeDiagnostics(...opened: Opened[]): Promise<void> {
  for (const thing of opened) {
    if ('close' in thing) await thing.close();
    else if ('stop' in thing) await thing.stop();
    else await thing.drop();
  }
  await dropStore();
}
