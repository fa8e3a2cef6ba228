// Prometheus metrics of the process, served at /metrics: commands by name and outcome, and their latency.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CommandObservation } from '../commands/router.js';

export interface Metrics {
  readonly registry: Registry;
  observeCommand(observation: CommandObservation): void;
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
  return {
    registry,
    observeCommand({ command, outcome, ms }) {
      commands.inc({ command, outcome });
      latency.observe({ command }, ms / 1000);
    },
  };
}
