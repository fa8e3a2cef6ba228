// One command handler per fix of the registry: typing the fix plans it and posts the approval card.
import { defineCommand, type CommandHandler } from '../commands/handler.js';
import { fixes } from '../remediations/index.js';
import { requestFix } from './request-fix.js';

export const fixCommandHandlers: readonly CommandHandler[] = fixes.map((fix) =>
  defineCommand(fix.command, async (ctx) => {
    await requestFix(ctx.services, { fix, args: ctx.args, caller: ctx.caller, channel: ctx.channel });
    return undefined;
  }),
);
