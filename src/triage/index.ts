// The triage domain, as the rest of the bot sees it: its command, its button, and the outbox step
// the declare flow enqueues to triage an incident once its war room exists.
import type { ActionHandler, CommandHandler } from '../commands/handler.js';
import { triage, triageRunAction } from './triage-command.js';

export const triageCommands: readonly CommandHandler[] = [triage];
export const triageActions: readonly ActionHandler[] = [triageRunAction];
export { enqueueDeclarationTriage, triageStepKinds } from './declare-hook.js';
