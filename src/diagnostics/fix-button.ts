// Buttons under a diagnostic that propose a fix: pressing one starts the approval flow of that fix
// (the `fix.propose` action). The payload holds the fix command and its arguments as typed, so the
// fix re-validates them with the catalog like any typed command.
import type { Block, Button, ButtonStyle } from '../chat/message.js';
import { catalog, type CommandName } from '../commands/catalog.js';
import type { Services } from '../core/services.js';

export const FIX_PROPOSE = 'fix.propose';

export interface FixProposal {
  command: CommandName;
  args: Record<string, string>;
  /** Why the diagnostic suggests it, shown on the approval card (at most 300 characters). */
  why?: string;
}

/** Whether the fix's own grammar accepts these arguments (a button that could only fail is not shown). */
export function acceptsArgs(proposal: FixProposal): boolean {
  return catalog[proposal.command].schema.safeParse(proposal.args).success;
}

/** A button proposing the fix. Check `acceptsArgs` first when the arguments come from data. */
export async function fixButton(
  services: Services,
  label: string,
  proposal: FixProposal,
  style: ButtonStyle = 'primary',
): Promise<Button> {
  const actionId = await services.actions.create(FIX_PROPOSE, proposal);
  return { actionId, label, style };
}

export interface OfferedFix {
  label: string;
  proposal: FixProposal;
  style?: ButtonStyle;
}

/** Buttons proposing `fixes`, in order, with `note` (what happens next) under them; nothing when none. */
export async function fixOffer(
  services: Services,
  fixes: readonly OfferedFix[],
  note: string,
): Promise<Block[]> {
  if (fixes.length === 0) return [];
  const buttons: Button[] = [];
  for (const fix of fixes) buttons.push(await fixButton(services, fix.label, fix.proposal, fix.style));
  return [
    { kind: 'actions', buttons },
    { kind: 'context', text: note },
  ];
}

/** A duration as the grammar reads it back (`5m`, `2h`, `90s`), for fix arguments. */
export function durationArg(ms: number): string {
  const units: Array<[number, string]> = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
  ];
  const unit = units.find(([size]) => ms % size === 0);
  return unit ? `${ms / unit[0]}${unit[1]}` : `${Math.ceil(ms / 1000)}s`;
}
