// One row of a triage card: a check, the state it found and one line of evidence, and the fix
// buttons it offers. Checks are made from the existing diagnostics (their handler's finding and fix
// buttons) or from the health checks, never from SQL of their own.
import { shorten, type Button } from '../chat/message.js';
import { catalog, type ArgsOf, type CommandName } from '../commands/catalog.js';
import type { CommandHandler, HandlerResult, Reply } from '../commands/handler.js';
import type { TriageThresholds } from '../config/triage-policy.js';
import { ErrorCode, isOpsError } from '../core/errors.js';
import { maskSecrets } from '../core/secrets.js';
import type { Services } from '../core/services.js';
import type { Check } from '../diagnostics/health-checks.js';
import type { Level } from '../diagnostics/verdict.js';

export type CheckState = 'ok' | 'warning' | 'failing' | 'not configured' | 'timed out';

export interface CheckReport {
  state: CheckState;
  /** One line, masked and shortened. */
  evidence: string;
  /** Fixes the diagnostic offered (stored `fix.propose` actions: pressing one starts an approval). */
  buttons: Button[];
}

export interface CheckContext {
  services: Services;
  thresholds: TriageThresholds;
  caller: string;
  channel: string;
}

export interface TriageCheck<I extends string = string> {
  id: I;
  /** What the row is called on the card. */
  label: string;
  /** The command a person would type to see the whole answer. */
  command(thresholds: TriageThresholds): string;
  /** Checks of one lane run one after another: the Oatie database's checks share its one warm
   * connection, the only one left when its slots are exhausted (a second one would be refused). */
  lane?: 'postgres';
  run(ctx: CheckContext): Promise<CheckReport>;
}

/** Evidence fits one table cell on every platform. */
export const MAX_EVIDENCE = 300;

const STATE_OF: Record<Level, CheckState> = { ok: 'ok', info: 'ok', warn: 'warning', bad: 'failing' };

export const evidenceLine = (text: string): string => shorten(maskSecrets(text), MAX_EVIDENCE);

const report = (state: CheckState, evidence: string, buttons: Button[] = []): CheckReport => ({
  state,
  evidence: evidenceLine(evidence),
  buttons,
});

/** A thrown error as a row: not configured, timed out (the target's own timeout), or failing. */
export function reportError(error: unknown, ctx: CheckContext, checkId: string): CheckReport {
  if (!isOpsError(error)) {
    ctx.services.log.error({ check: checkId, err: String(error) }, 'triage check failed');
    return report('failing', 'the check failed unexpectedly (see the bot’s log)');
  }
  if (error.code === ErrorCode.NotConfigured) return report('not configured', error.message);
  if (error.code === ErrorCode.Timeout) return report('timed out', error.message);
  return report('failing', error.message);
}

const asList = (result: HandlerResult): Reply[] =>
  result === undefined ? [] : Array.isArray(result) ? result : [result];

/** The finding and fix buttons of a diagnostic's answer. */
function reportOfReplies(replies: Reply[]): CheckReport {
  const answer = replies.find((r) => r.kind === 'message');
  if (!answer || answer.kind !== 'message') return report('ok', 'no answer');
  const buttons = answer.message.blocks.flatMap((b) => (b.kind === 'actions' ? b.buttons : []));
  // A diagnostic that answers without a verdict (e.g. "pg_stat_statements is not enabled") informs.
  const finding = answer.finding ?? { level: 'info' as const, text: answer.message.text };
  return report(STATE_OF[finding.level], finding.text, buttons);
}

/**
 * A check that runs a diagnostic's handler with arguments as typed (`{ olderThan: '5m' }`, read by
 * the command's own grammar), and reports its finding and fix buttons.
 */
export function diagnosticCheck<I extends string, K extends CommandName>(
  id: I,
  label: string,
  handler: CommandHandler<K>,
  args: (thresholds: TriageThresholds) => Record<string, string> = () => ({}),
  lane?: TriageCheck['lane'],
): TriageCheck<I> {
  return {
    id,
    label,
    lane,
    command: (thresholds) => typedCommand(handler.name, args(thresholds)),
    async run(ctx) {
      // The grammar's schema turns the typed values into the handler's arguments, defaults included.
      const parsed = catalog[handler.name].schema.parse(args(ctx.thresholds)) as ArgsOf<K>;
      const result = await handler.run({
        name: handler.name,
        args: parsed,
        caller: ctx.caller,
        channel: ctx.channel,
        services: ctx.services,
      });
      return reportOfReplies(asList(result));
    },
  };
}

/** `db long-running --older-than 5m`: the command with these arguments, as a person would type it. */
function typedCommand(name: CommandName, args: Record<string, string>): string {
  const spec = catalog[name];
  const flags: Record<string, { arg: string }> = spec.flags;
  const positional: readonly string[] = spec.positional;
  const words = [...spec.words, ...positional.flatMap((p) => (args[p] === undefined ? [] : [args[p]]))];
  for (const [flag, { arg }] of Object.entries(flags)) {
    const value = args[arg];
    if (value !== undefined) words.push(`--${flag}`, value);
  }
  return words.join(' ');
}

/** A check made of one of the health checks (`health`, `health oracle-bi`): healthy is ok. */
export function healthCheck<I extends string>(
  id: I,
  label: string,
  command: string,
  pick: (services: Services) => Check | undefined,
  lane?: TriageCheck['lane'],
): TriageCheck<I> {
  return {
    id,
    label,
    lane,
    command: () => command,
    async run(ctx) {
      const check = pick(ctx.services);
      if (!check) return report('not configured', 'no such check');
      if (check.missing !== undefined || !check.run) {
        return report('not configured', `not configured (set ${check.missing ?? '?'})`);
      }
      const outcome = await check.run();
      const latency = outcome.latencyMs === undefined ? '' : ` (${outcome.latencyMs} ms)`;
      return report(outcome.healthy ? 'ok' : 'failing', `${outcome.detail}${latency}`);
    },
  };
}
