// What a domain hands the composition root (src/app.ts) for each kind of durable timer it uses.
import type { Services } from '../core/services.js';
import type { Timer } from './scheduler.js';

export interface TimerKind {
  kind: string;
  run(timer: Timer, services: Services): Promise<void>;
}
