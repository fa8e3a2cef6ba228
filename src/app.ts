// Builds the core around a store, a chat platform and targets: the services, the router and the
// scheduler. Used by main.ts and by tests, so both run the same wiring. Domains hand their parts
// here — migrations, timer kinds, outbox step kinds — so that store/ and scheduler/ import no domain.
import { ActionStore } from './actions/action-store.js';
import { approvalNoteMigration, approvalsMigration } from './approvals/approval-schema.js';
import { approvalTimerKinds } from './approvals/index.js';
import { alertsMigration } from './alerts/alert-schema.js';
import { AUDIT_WINDOW_MS, AuditLog } from './audit/audit-log.js';
import { ChatStep, chatStepKinds } from './chat/chat-steps.js';
import type { ChatPlatform } from './chat/platform.js';
import { Router } from './commands/router.js';
import { BotSessions, botSessionsMigration, withBotSessions } from './remediations/bot-sessions.js';
import type { Config } from './config/env.js';
import type { Policy } from './config/policy.js';
import { describeError } from './core/errors.js';
import type { Logger } from './core/logger.js';
import { tmpdir } from 'node:os';
import { platformChecks } from './diagnostics/health.js';
import { HealthMonitor } from './http/health.js';
import { WorkInHand } from './core/work-in-hand.js';
import type { Services } from './core/services.js';
import { incidentsMigration, incidentStepKinds, incidentTimerKinds } from './incidents/index.js';
import { incidentEtaMigration, incidentPagerMigration } from './incidents/incident-schema.js';
import { whatOf, type FailedStep, type Outbox } from './scheduler/outbox.js';
import { Scheduler, type SchedulerOptions } from './scheduler/scheduler.js';
import type { StepKind } from './scheduler/step-kinds.js';
import type { TimerKind } from './scheduler/timer-kinds.js';
import { triageStepKinds } from './triage/index.js';
import { coreMigration, timerPlatformMigration } from './store/core-schema.js';
import { teamsMigration } from './chat/teams/teams-store.js';
import type { Db } from './store/db.js';
import type { Migration } from './store/migrations.js';
import { deliveriesMigration } from './store/delivery-log.js';
import { outboxMigration } from './store/outbox-schema.js';
import type { Targets } from './targets/targets.js';
import type { TemplateRenderer } from './templates/renderer.js';

/** Every migration of the store, in order. A domain appends its own. */
export const migrations: readonly Migration[] = [
  coreMigration,
  approvalsMigration,
  incidentsMigration,
  botSessionsMigration,
  deliveriesMigration,
  approvalNoteMigration,
  alertsMigration,
  timerPlatformMigration,
  teamsMigration,
  incidentEtaMigration,
  outboxMigration,
  incidentPagerMigration,
];

/** What runs when a durable timer of each kind is due. */
export const timerKinds: readonly TimerKind[] = [...approvalTimerKinds, ...incidentTimerKinds];

/** How each kind of outbox step is sent. */
export const stepKinds: readonly StepKind[] = [...chatStepKinds, ...incidentStepKinds, ...triageStepKinds];

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

/** Where reports of failed steps queue: retried until the platform answers, whatever retryFor says. */
const FAILURE_LANE = 'outbox:failures';

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
  const onGiveUp = (tx: Db, step: FailedStep, outbox: Outbox) => reportGiveUp(parts, tx, step, outbox);
  const scheduler = new Scheduler(parts.db, parts.log.child({ part: 'scheduler' }), {
    platform: parts.chat.name,
    ...parts.scheduler,
    outbox: { retryForMs: parts.policy.delivery.retryFor, ...parts.scheduler?.outbox, onGiveUp },
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
    outbox: scheduler.outbox,
    actions: new ActionStore(parts.db),
    audit: new AuditLog(parts.db, now, AUDIT_WINDOW_MS),
    templates: parts.templates,
    targets,
    work,
    now,
  };
  for (const timerKind of timerKinds) scheduler.on(timerKind.kind, (timer) => timerKind.run(timer, services));
  for (const stepKind of stepKinds)
    scheduler.outbox.on(stepKind.kind, (step, context) => stepKind.send(step, services, context));
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

/** A step given up on: audited, and reported in the incidents channel once the platform answers. */
async function reportGiveUp(parts: AppParts, tx: Db, step: FailedStep, outbox: Outbox): Promise<void> {
  const description = whatOf(step);
  await new AuditLog(tx).record({
    actor: 'oatie-ops',
    platform: parts.chat.name,
    event: 'delivery.failed',
    command: step.kind,
    target: step.lane,
    outcome: 'failed',
    detail: { step: step.id, what: description, attempts: step.attempts, error: step.error },
  });
  // A report that cannot be posted (no incidents channel) is not reported again: the audit row stays.
  if (step.kind === ChatStep.ReportFailure) return;
  await outbox.enqueue(tx, {
    kind: ChatStep.ReportFailure,
    lane: FAILURE_LANE,
    retryForMs: null,
    payload: {
      what: description,
      kind: step.kind,
      lane: step.lane,
      error: step.error,
      createdAt: step.createdAt.toISOString(),
      attempts: step.attempts,
    },
  });
}
