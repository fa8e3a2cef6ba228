// What a domain hands the composition root (src/app.ts) for each kind of outbox step it enqueues:
// how to send it. `send` resolves with what the platform answered (JSON), stored for later steps.
import type { Services } from '../core/services.js';
import type { Step, StepContext } from './outbox.js';

export interface StepKind {
  kind: string;
  send(step: Step, services: Services, context: StepContext): Promise<unknown>;
}
