// Builds the core around a store, a chat platform and targets: the services, the router and the
// scheduler. Used by main.ts and by tests, so both run the same wiring.
import { ActionStore } from './actions/action-store.js';
import { AuditLog } from './audit/audit-log.js';
import type { ChatPlatform } from './chat/platform.js';
import { Router } from './commands/router.js';
import { BotSessions, withBotSessions } from './remediations/bot-sessions.js';
import type { Config } from './config/env.js';
import type { Policy } from './config/policy.js';
import { describeError } from './core/errors.js';
import type { Logger } from './core/logger.js';
import { tmpdir } from 'node:os';
import { platformChecks } from './diagnostics/health.js';
import { HealthMonitor } from './http/health.js';
import { WorkInHand } from './core/work-in-hand.js';
import type { Services } from './core/services.js';
import { Scheduler, type SchedulerOptions } from './scheduler/scheduler.js';
import { timerKinds } from './scheduler/timer-kinds.js';
import type { Db } from './store/db.js';
import type { Targets } from './targets/targets.js';
import type { TemplateRenderer } from './templates/renderer.js';

export interface AppParts {
  config: Config;
  policy: Policy;
  log: Logger;
  db: Db;
  chat: ChatPlatform;
  templates: TemplateRenderer;
  targets: Targets;
  scheduler?: SchedulerOptions;
  now?: () => Date;
}

export interface App {
  services: Services;
  router: Router;
  scheduler: Scheduler;
  /** The bot's own health (/health, /readyz). */
  health: HealthMonitor;
  /** Stops the timers and waits (at most `waitMs`) for the work in hand; records what did not finish
   * as interrupted, gives back the timer leases and closes the targets. The store stays open. */
  stop(waitMs?: number): Promise<void>;
}

/** The targets as the core sees them: the Oatie database's own pids include other replicas'. */
function withReplicas(parts: AppParts): { targets: Targets; sessions: BotSessions | undefined } {
  const postgres = parts.targets.postgres;
  if (!postgres) return { targets: parts.targets, sessions: undefined };
  const log = parts.log.child({ part: 'bot-sessions' });
  const sessions = new BotSessions(parts.db, postgres, (error) =>
    log.warn({ err: describeError(error) }, 'cannot record the bot’s own database connections'),
  );
  const targets: Targets = {
    ...parts.targets,
    postgres: withBotSessions(postgres, sessions),
    close: () => parts.targets.close(),
  };
  return { targets, sessions };
}

/** How long stopping waits for the work in hand before recording it as interrupted. */
const STOP_WAIT_MS = 5000;

export function buildApp(parts: AppParts): App {
  const now = parts.now ?? (() => new Date());
  const scheduler = new Scheduler(parts.db, parts.log.child({ part: 'scheduler' }), {
    platform: parts.chat.name,
    ...parts.scheduler,
  });
  const { targets, sessions } = withReplicas(parts);
  const work = new WorkInHand();
  sessions?.start();
  const services: Services = {
    config: parts.config,
    policy: parts.policy,
    log: parts.log,
    db: parts.db,
    chat: parts.chat,
    scheduler,
    actions: new ActionStore(parts.db),
    audit: new AuditLog(parts.db, now),
    templates: parts.templates,
    targets,
    work,
    now,
  };
  for (const timerKind of timerKinds) scheduler.on(timerKind.kind, (timer) => timerKind.run(timer, services));
  const health = new HealthMonitor({
    store: async () => {
      await parts.db.query('SELECT 1');
    },
    targets: () => platformChecks(parts.targets),
    backlog: () => scheduler.backlog(),
    diskPath: parts.config.DATABASE_URL === undefined ? parts.config.OATIE_DATA_DIR : tmpdir(),
    timeoutMs: parts.config.OATIE_TARGET_TIMEOUT_MS,
    log: parts.log.child({ part: 'health' }),
    now: () => services.now(),
  });
  return {
    services,
    router: new Router(services),
    scheduler,
    health,
    async stop(waitMs = STOP_WAIT_MS) {
      await Promise.all([scheduler.stop(waitMs), work.drain(waitMs)]);
      const interrupted = await work.interruptRest();
      if (interrupted > 0) parts.log.warn({ interrupted }, 'work interrupted by the shutdown');
      await sessions?.stop();
      await parts.targets.close();
    },
  };
}
