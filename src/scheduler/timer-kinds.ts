// What runs when a durable timer of each kind is due. Domains list theirs here.
import type { Services } from '../core/services.js';
import type { Timer } from './scheduler.js';
import { approvalTimerKinds } from '../approvals/index.js';
import { incidentTimerKinds } from '../incidents/index.js';

export interface TimerKind {
  kind: string;
  run(timer: Timer, services: Services): Promise<void>;
}

export const timerKinds: readonly TimerKind[] = [...approvalTimerKinds, ...incidentTimerKinds];
