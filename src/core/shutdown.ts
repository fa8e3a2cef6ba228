// Graceful shutdown: on SIGTERM or SIGINT, run the stop steps once, within a deadline, then exit.
import { describeError } from './errors.js';
import type { Logger } from './logger.js';

/** Kubernetes waits terminationGracePeriodSeconds (15 s) before SIGKILL; we promise 10 s. */
const DEADLINE_MS = 9500;

/** Registers `stop` for SIGTERM/SIGINT; a second signal, or the deadline, exits at once. */
export function stopOnSignals(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info({ signal }, 'shutting down');
    setTimeout(() => {
      log.error({ ms: DEADLINE_MS }, 'shutdown took too long; exiting');
      process.exit(1);
    }, DEADLINE_MS).unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: describeError(error) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
