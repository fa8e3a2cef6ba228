// Which handler answers which command, and which handler runs which button. Domains list theirs in
// their own registry file; this one only joins them.
import type { CommandName } from './catalog.js';
import type { ActionHandler, CommandHandler } from './handler.js';
import { help } from '../meta/help.js';
import { audit } from '../meta/audit.js';
import { diagnosticHandlers } from '../diagnostics/index.js';
import { approvalActionHandlers, approvalCommandHandlers } from '../approvals/index.js';
import { incidentActions, incidentCommands } from '../incidents/index.js';
import { reviewCommands } from '../reviews/index.js';
import { triageActions, triageCommands } from '../triage/index.js';
import { alertActions } from '../alerts/index.js';

// Each entry is typed by its command at definition (defineCommand); `run` is a method, so the list
// holds them all as CommandHandler.
const commandHandlers: readonly CommandHandler[] = [
  help,
  audit,
  ...diagnosticHandlers,
  ...approvalCommandHandlers,
  ...incidentCommands,
  ...reviewCommands,
  ...triageCommands,
];

const actionHandlers: readonly ActionHandler[] = [
  ...approvalActionHandlers,
  ...incidentActions,
  ...triageActions,
  ...alertActions,
];

export function handlerFor(name: CommandName): CommandHandler | undefined {
  return commandHandlers.find((h) => h.name === name);
}

export function actionHandlerFor(kind: string): ActionHandler | undefined {
  return actionHandlers.find((h) => h.kind === kind);
}
