// The suggested-fix button under a diagnostic (`fix.propose`): its stored payload names a fix of the
// catalog and its arguments as typed; pressing it starts the same flow as typing the command.
import { z } from 'zod';
import { mention } from '../chat/message.js';
import { catalog, type CommandName } from '../commands/catalog.js';
import { defineAction, type ActionContext, type ActionOutcome } from '../commands/handler.js';
import { badArgument } from '../core/errors.js';
import { FIX_PROPOSE } from '../diagnostics/fix-button.js';
import { fixFor } from '../remediations/index.js';
import { requestFix } from './request-fix.js';

/** What diagnostics store: `{ command: 'db terminate', args: { pid: '4242' }, why?: 'db long-running: …' }`.
 * Arguments are as a person would type them (strings); numbers and lists of words are accepted too. */
export const proposal = z.object({
  command: z.string().max(60),
  args: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])).default({}),
  why: z.string().trim().min(1).max(300).optional(),
});

const asTyped = (value: string | number | boolean | string[]): string | boolean =>
  typeof value === 'number' ? String(value) : Array.isArray(value) ? value.join(',') : value;

async function propose(ctx: ActionContext): Promise<ActionOutcome> {
  const parsed = proposal.safeParse(ctx.payload);
  if (!parsed.success) throw badArgument('That suggested fix is malformed; type the fix command instead.');
  const { command, args, why } = parsed.data;
  const fix = fixFor(command);
  if (!fix || !(command in catalog) || catalog[command as CommandName].kind !== 'fix') {
    throw badArgument(`\`${command.slice(0, 60)}\` is not a fix of the catalog.`);
  }
  // The same validation as typed text: the command's own schema, never the payload's word for it.
  const spec = catalog[fix.command];
  const typed = spec.schema.safeParse(
    Object.fromEntries(Object.entries(args).map(([k, v]) => [k, asTyped(v)])),
  );
  if (!typed.success) {
    const issue = typed.error.issues[0];
    throw badArgument(
      `The suggested fix has a bad argument (${String(issue?.path[0] ?? '?')}: ${issue?.message ?? 'invalid'}).`,
      spec.usage,
    );
  }
  await requestFix(ctx.services, { fix, args: typed.data, caller: ctx.caller, channel: ctx.channel, why });
  // The card is posted: a second press would only make a second card, so the button goes.
  return { clicked: { note: `🛠️ ${mention(ctx.caller)} proposed this fix — see the approval card` } };
}

export const proposeFixAction = defineAction(FIX_PROPOSE, propose);
