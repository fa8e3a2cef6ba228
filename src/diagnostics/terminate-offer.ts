// What `db long-running` and `db connections` offer for the sessions they found: one button ending
// all those past the fix's threshold (`db terminate-long` for queries, `db terminate-idle` for idle
// sessions; never shorter than the guide's 10 minutes nor the policy's minimum), or else buttons for
// the oldest ones one by one (`db terminate <pid>`). Sessions that only wait for a lock are victims:
// they are never offered, their blocker is (`db blocking`). Every one goes through approval.
import type { Block, Button } from '../chat/message.js';
import type { CommandName } from '../commands/catalog.js';
import { formatDuration } from '../core/duration.js';
import type { Services } from '../core/services.js';
import { durationArg, fixButton, type FixProposal } from './fix-button.js';
import { plural } from './verdict.js';

const MAX_SINGLE_BUTTONS = 3;

/** The threshold of `db terminate-long` and `db terminate-idle` when none is typed: the guide's
 * "kill all long-running queries" uses 10 minutes. */
export const TERMINATE_DEFAULT_MS = 10 * 60_000;

export interface TerminableSession {
  pid: number;
  application: string;
  /** How long it has run its query (or been idle), in milliseconds. */
  ms: number;
  /** Waiting for a lock another session holds: ending it frees nothing. */
  waitingOnLock?: boolean;
}

export interface TerminateKind {
  /** The fix ending them all. */
  command: Extract<CommandName, 'db terminate-long' | 'db terminate-idle'>;
  /** The diagnostic offering it, for the card's "why". */
  source: string;
  noun: readonly [one: string, many: string];
  /** "running" / "idle". */
  state: string;
}

export const LONG_RUNNING: TerminateKind = {
  command: 'db terminate-long',
  source: 'db long-running',
  noun: ['query', 'queries'],
  state: 'running',
};

export const IDLE: TerminateKind = {
  command: 'db terminate-idle',
  source: 'db connections',
  noun: ['session', 'sessions'],
  state: 'idle',
};

async function singleButtons(
  services: Services,
  oldest: readonly TerminableSession[],
  kind: TerminateKind,
): Promise<Button[]> {
  const buttons: Button[] = [];
  for (const session of oldest.slice(0, MAX_SINGLE_BUTTONS)) {
    const proposal: FixProposal = {
      command: 'db terminate',
      args: { pid: String(session.pid) },
      why: `${kind.source}: pid ${session.pid} (${session.application})`,
    };
    buttons.push(await fixButton(services, `Terminate pid ${session.pid}`, proposal, 'danger'));
  }
  return buttons;
}

function lockNote(waiting: readonly TerminableSession[]): Block[] {
  if (waiting.length === 0) return [];
  return [
    {
      kind: 'context',
      text: `${plural(waiting.length, 'of them only waits', 'of them only wait')} for a lock (pid ${waiting.map((s) => s.pid).join(', ')}): ending ${waiting.length === 1 ? 'it' : 'them'} frees nothing. \`db blocking\` shows the session holding the lock and offers to end that one.`,
    },
  ];
}

/** `found` is oldest first; `olderThan` is the threshold the diagnostic used. */
export async function terminateOffer(
  services: Services,
  found: readonly TerminableSession[],
  olderThan: number,
  kind: TerminateKind = LONG_RUNNING,
): Promise<Block[]> {
  const candidates = found.filter((s) => s.waitingOnLock !== true);
  const waiting = found.filter((s) => s.waitingOnLock === true);
  const approval: Block = {
    kind: 'context',
    text: `Terminating needs the approval of someone else; the ${kind.noun[1]} are checked again before anything runs.`,
  };
  if (candidates.length === 0) return lockNote(waiting);
  const threshold = Math.max(olderThan, TERMINATE_DEFAULT_MS, services.policy.fixes.minTerminateAge);
  const over = candidates.filter((s) => s.ms > threshold);
  const [one, many] = kind.noun;
  if (over.length > 0) {
    const all: FixProposal = {
      command: kind.command,
      args: { olderThan: durationArg(threshold) },
      why: `${kind.source}: ${plural(over.length, one, many)} ${kind.state} for more than ${formatDuration(threshold)}`,
    };
    const label =
      over.length === 1
        ? `Terminate this ${one}`
        : `Terminate these ${over.length} ${many} (over ${durationArg(threshold)})`;
    const rest = candidates.length - over.length;
    const restNote: Block[] =
      rest > 0
        ? [
            {
              kind: 'context',
              text: `The button ends the ${plural(over.length, one, many)} ${kind.state} for more than ${formatDuration(threshold)} (\`${kind.command}\`); the ${plural(rest, 'younger one stays', 'younger ones stay')}.`,
            },
          ]
        : [];
    return [
      { kind: 'actions', buttons: [await fixButton(services, label, all, 'danger')] },
      ...restNote,
      ...lockNote(waiting),
      approval,
    ];
  }
  const singles = await singleButtons(services, candidates, kind);
  return [
    { kind: 'actions', buttons: singles },
    {
      kind: 'context',
      text: `None has been ${kind.state} for more than ${formatDuration(threshold)}, the threshold for ending them all at once (\`${kind.command} --older-than ${durationArg(threshold)}\`); meanwhile, one at a time.`,
    },
    ...lockNote(waiting),
    approval,
  ];
}
