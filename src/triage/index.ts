// The triage domain, as the rest of the bot sees it: its command, its button, and the hook the
// declare flow calls once an incident's war room exists.
import type { ActionHandler, CommandHandler } from '../commands/handler.js';
import { triage, triageRunAction } from './triage-command.js';

export const triageCommands: readonly CommandHandler[] = [triage];
export const triageActions: readonly ActionHandler[] = [triageRunAction];
export { triageNewIncident } from './declare-hook.js';
