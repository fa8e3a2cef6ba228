// The approvals domain as the rest of the bot sees it: its commands, buttons, timers and table.
import type { ActionHandler, CommandHandler } from '../commands/handler.js';
import type { TimerKind } from '../scheduler/timer-kinds.js';
import { approveFixAction } from './approve-fix.js';
import { expireTimer } from './expire-fix.js';
import { fixCommandHandlers } from './fix-commands.js';
import { proposeFixAction } from './propose-fix.js';
import { rejectFixAction } from './reject-fix.js';

export { approvalsMigration } from './approval-schema.js';

export const approvalCommandHandlers: readonly CommandHandler[] = fixCommandHandlers;
export const approvalActionHandlers: readonly ActionHandler[] = [
  approveFixAction,
  rejectFixAction,
  proposeFixAction,
];
export const approvalTimerKinds: readonly TimerKind[] = [expireTimer];
