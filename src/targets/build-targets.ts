// Builds the clients of the configured targets (adapters); unconfigured targets stay absent.
import type { Config } from '../config/env.js';
import type { Logger } from '../core/logger.js';
import type { Targets } from './targets.js';

export function buildTargets(_config: Config, _log: Logger): Targets {
  return { close: () => Promise.resolve() };
}
