// What `db long-running` offers for the queries it found: one button terminating them all (the
// `db terminate-long` fix, same threshold) when the policy allows that threshold, or else buttons
// for the oldest ones one by one (`db terminate <pid>`). Every one goes through approval.
import type { Block, Button } from '../chat/message.js';
import { formatDuration } from '../core/duration.js';
import type { Services } from '../core/services.js';
import { acceptsArgs, durationArg, fixButton, type FixProposal } from './fix-button.js';
import { plural } from './verdict.js';

const MAX_SINGLE_BUTTONS = 3;

export interface LongRunningQuery {
  pid: number;
  application: string;
}

async function singleButtons(services: Services, oldest: readonly LongRunningQuery[]): Promise<Button[]> {
  const buttons: Button[] = [];
  for (const query of oldest.slice(0, MAX_SINGLE_BUTTONS)) {
    const proposal: FixProposal = {
      command: 'db terminate',
      args: { pid: String(query.pid) },
      why: `db long-running: pid ${query.pid} (${query.application})`,
    };
    buttons.push(await fixButton(services, `Terminate pid ${query.pid}`, proposal, 'danger'));
  }
  return buttons;
}

/** `found` is oldest first. */
export async function terminateOffer(
  services: Services,
  found: readonly LongRunningQuery[],
  olderThan: number,
): Promise<Block[]> {
  const approval: Block = {
    kind: 'context',
    text: 'Terminating needs the approval of someone else; the queries are checked again before anything runs.',
  };
  const terminateAll: FixProposal = {
    command: 'db terminate-long',
    args: { olderThan: durationArg(olderThan) },
    why: `db long-running: ${plural(found.length, 'query', 'queries')} running for more than ${formatDuration(olderThan)}`,
  };
  // The policy's shortest threshold, and the fix's own grammar (at least a minute), both apply.
  if (olderThan >= services.policy.fixes.minTerminateAge && acceptsArgs(terminateAll)) {
    const label = found.length === 1 ? 'Terminate this query' : `Terminate these ${found.length} queries`;
    return [
      { kind: 'actions', buttons: [await fixButton(services, label, terminateAll, 'danger')] },
      approval,
    ];
  }

  const minimum = durationArg(Math.max(services.policy.fixes.minTerminateAge, 60_000));
  const singles = await singleButtons(services, found);
  return [
    ...(singles.length > 0 ? [{ kind: 'actions', buttons: singles } satisfies Block] : []),
    {
      kind: 'context',
      text: `Terminating all at once takes a threshold of at least ${minimum} (\`db long-running --older-than ${minimum}\`); meanwhile, one at a time.`,
    },
    approval,
  ];
}
