// Everything a handler may use, built once by the composition root (src/start-bot.ts).
import type { ActionStore } from '../actions/action-store.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { ChatPlatform } from '../chat/platform.js';
import type { Config } from '../config/env.js';
import type { Policy } from '../config/policy.js';
import type { Outbox } from '../scheduler/outbox.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { Db } from '../store/db.js';
import type { Targets } from '../targets/targets.js';
import type { TemplateRenderer } from '../templates/renderer.js';
import type { Logger } from './logger.js';
import type { WorkInHand } from './work-in-hand.js';

export interface Services {
  config: Config;
  policy: Policy;
  log: Logger;
  /** The bot's own store. */
  db: Db;
  chat: ChatPlatform;
  scheduler: Scheduler;
  /** Chat side effects that must not be lost: enqueue them in the transaction of their cause. */
  outbox: Outbox;
  actions: ActionStore;
  audit: AuditLog;
  templates: TemplateRenderer;
  targets: Targets;
  /** What this process has in hand (graceful shutdown waits for it). */
  work: WorkInHand;
  now(): Date;
}
