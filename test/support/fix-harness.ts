// The bot's core with real targets (as main.ts builds them) and a recording chat, for stories of
// fixes: type a fix, read the approval card, press its buttons as someone, read the card again.
import { renderText } from '../../src/chat/console/render-text.js';
import type { Button, Message } from '../../src/chat/message.js';
import type { PostedMessage } from '../../src/chat/platform.js';
import type { ActionOutcome, Reply } from '../../src/commands/handler.js';
import type { Policy } from '../../src/config/policy.js';
import { silentLogger } from '../../src/core/logger.js';
import type { AuditRecord } from '../../src/audit/audit-log.js';
import type { Db } from '../../src/store/db.js';
import { buildTargets } from '../../src/targets/build-targets.js';
import type { Targets } from '../../src/targets/targets.js';
import { createTestDatabase, type TestDatabase } from './databases.js';
import { RecordingPlatform } from './recording-platform.js';
import { openTestDb, startTestApp, testConfig, type TestApp } from './test-app.js';

export interface Card {
  posted: PostedMessage;
  approve: string;
  reject: string;
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
  approvals(): Promise<
    Array<{ id: number; command: string; state: string; result: string | null; approver: string | null }>
  >;
  /** Audit rows of fix events, oldest first. */
  fixEvents(): Promise<AuditRecord[]>;
  close(): Promise<void>;
}

/** A store database for one test file: a real Postgres (several apps can share it, as replicas do). */
export async function createFixStore(): Promise<{ database: TestDatabase; open(): Promise<Db> }> {
  const database = await createTestDatabase('fixstore');
  return {
    database,
    open: () => openTestDb(database.url),
  };
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
}): Promise<FixHarness> {
  const config = testConfig({ OATIE_TARGET_TIMEOUT_MS: '3000', ...options.env });
  const targets = options.targets ?? buildTargets(config, silentLogger);
  const chat = new RecordingPlatform();
  const app = await startTestApp({
    db: options.db,
    config,
    targets,
    chat,
    policy: options.policy,
    now: options.now,
  });
  const db = options.db;
  return {
    app,
    chat,
    targets,
    type: (text, caller = 'alice', channel = 'ops') => app.router.handleText({ text, caller, channel }),
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
      const result = await db.query<{
        id: number;
        command: string;
        state: string;
        result: string | null;
        approver: string | null;
      }>('SELECT id, command, state, result, approver FROM approvals ORDER BY id');
      return result.rows;
    },
    async fixEvents() {
      const records = await app.services.audit.since(new Date(0), 1000);
      return records.filter((r) => r.event.startsWith('fix.')).reverse();
    },
    close: () => app.stop(),
  };
}
