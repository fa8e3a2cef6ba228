// Prometheus metrics of the process, served at /metrics: commands by name and outcome, their latency,
// incident response figures, and the outbox: steps waiting to reach the chat platform and the age of the oldest.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CommandObservation } from '../commands/router.js';
import type { ResponseSample } from '../reviews/response-samples.js';
import type { Backlog } from '../scheduler/outbox.js';

export interface Metrics {
  readonly registry: Registry;
  observeCommand(observation: CommandObservation): void;
  /** Incident response figures on /metrics, read from `source` (the store) at each scrape. */
  watchIncidents(source: () => Promise<ResponseSample[]>): void;
  /** Reads the outbox backlog (from the store, shared by every replica) at each scrape. */
  watchOutbox(backlog: () => Promise<Backlog>): void;
  /** Counts the chat requests acked and not yet answered by this process, at each scrape. */
  watchWorkQueue(pending: () => number): void;
}

/** Seconds: 1 minute to 3 days, around the guide's response times (15 minutes to a business day). */
const RESPONSE_BUCKETS = [60, 300, 900, 1800, 3600, 2 * 3600, 4 * 3600, 8 * 3600, 24 * 3600, 72 * 3600];

/** The incident response metrics: histograms by severity and per-severity totals, rebuilt from the store. */
function incidentMetrics(registry: Registry, source: () => Promise<ResponseSample[]>): void {
  let samples: Promise<ResponseSample[]> | undefined;
  // One store read per scrape, shared by the metrics below (prom-client collects them one by one).
  const read = (): Promise<ResponseSample[]> => {
    samples ??= source().finally(() => setTimeout(() => (samples = undefined), 1000).unref());
    return samples;
  };
  const labelNames = ['severity'] as const;
  new Histogram({
    name: 'oatie_incident_time_to_acknowledge_seconds',
    help: 'Time from declaration to the first response (acknowledgement, or resolution without one), incidents of the last year.',
    labelNames,
    buckets: RESPONSE_BUCKETS,
    registers: [registry],
    async collect() {
      const all = await read();
      this.reset();
      for (const s of all)
        if (s.acknowledgeSeconds !== undefined) this.observe({ severity: s.severity }, s.acknowledgeSeconds);
    },
  });
  new Histogram({
    name: 'oatie_incident_time_to_resolve_seconds',
    help: 'Time from declaration to resolution, incidents of the last year.',
    labelNames,
    buckets: RESPONSE_BUCKETS,
    registers: [registry],
    async collect() {
      const all = await read();
      this.reset();
      for (const s of all)
        if (s.resolveSeconds !== undefined) this.observe({ severity: s.severity }, s.resolveSeconds);
    },
  });
  const perSeverity = (name: string, help: string, value: (s: ResponseSample) => number) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const all = await read();
        this.reset();
        for (const s of all) this.inc({ severity: s.severity }, value(s));
      },
    });
  perSeverity(
    'oatie_incident_response_breaches',
    'Incidents of the last year whose first response came after the policy response time (or is overdue).',
    (s) => (s.breached ? 1 : 0),
  );
  perSeverity(
    'oatie_incident_updates_late',
    'Status updates of the last year that came after the update interval, or never came.',
    (s) => s.lateUpdates,
  );
  perSeverity(
    'oatie_incident_escalation_steps',
    'Escalation steps fired for incidents of the last year.',
    (s) => s.escalationSteps,
  );
}

/** A registry per process (not prom-client's global one), so tests can run several bots side by side. */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const commands = new Counter({
    name: 'oatie_commands_total',
    help: 'Commands run, by catalog name (or "unparsed") and outcome (ok or an error code).',
    labelNames: ['command', 'outcome'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'oatie_command_duration_seconds',
    help: 'Time a command handler took, by catalog name.',
    labelNames: ['command'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  let watching = false;
  let readBacklog: (() => Promise<Backlog>) | undefined;
  const read = async (): Promise<Backlog | undefined> => readBacklog?.().catch(() => undefined);
  new Gauge({
    name: 'oatie_outbox_steps',
    help: 'Outbox steps (chat side effects) by state: pending (waiting to be sent or retried) and failed (given up).',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const backlog = await read();
      if (!backlog) return;
      this.set({ state: 'pending' }, backlog.pending);
      this.set({ state: 'failed' }, backlog.failed);
    },
  });
  new Gauge({
    name: 'oatie_outbox_oldest_pending_seconds',
    help: 'Age of the oldest outbox step still waiting to reach the chat platform (0 when none).',
    registers: [registry],
    async collect() {
      const backlog = await read();
      if (backlog) this.set(backlog.oldestPendingSeconds);
    },
  });
  const queues: Array<() => number> = [];
  new Gauge({
    name: 'oatie_work_queue_jobs',
    help: 'Chat requests this process has acked and not finished yet (running or waiting behind the acks).',
    registers: [registry],
    collect() {
      this.set(queues.reduce((sum, pending) => sum + pending(), 0));
    },
  });
  return {
    registry,
    observeCommand({ command, outcome, ms }) {
      commands.inc({ command, outcome });
      latency.observe({ command }, ms / 1000);
    },
    watchIncidents(source) {
      if (watching) return;
      watching = true;
      incidentMetrics(registry, source);
    },
    watchOutbox(backlog) {
      readBacklog = backlog;
    },
    watchWorkQueue(pending) {
      queues.push(pending);
    },
  };
}
