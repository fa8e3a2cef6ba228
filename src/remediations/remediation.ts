// What a fix is: plan() resolves the arguments against the live system and says exactly what will run;
// recheck() resolves the plan again just before it runs; execute() runs it once and reports.
import type { z } from 'zod';
import type { Field } from '../chat/message.js';
import type { ArgsOf, CommandName } from '../commands/catalog.js';
import type { RiskLevel } from '../config/policy.js';
import type { Services } from '../core/services.js';

/** A plan as stored with its approval request (jsonb) and shown on the approval card. */
export interface Plan<D = unknown> {
  /** One line: what the fix does to what, e.g. "Terminate backend 4242 (app, running 12 minutes)". */
  summary: string;
  /** Exactly what will run: the SQL, the Redis command or the Kubernetes patch. */
  statement: string;
  /** Where it runs: the target's description (host:port/db, namespace/deployment). */
  target: string;
  /** Facts about the object, shown as fields on the card. */
  facts: Field[];
  /** Objects the fix acts on, when there are several (backends to terminate). */
  table?: { columns: string[]; rows: string[][]; omitted?: number };
  /** What the re-check and the execution need: identities resolved from the live system. */
  data: D;
}

export type Recheck = { ok: true } | { ok: false; reason: string };

/** The outcome of an execution, as the card and the audit log show it. */
export interface FixResult {
  ok: boolean;
  /** One or two sentences: what happened, exactly (also when it failed half-way). */
  summary: string;
  /** Output shown as code (backends terminated, rollout status), if any. */
  output?: string;
  /** Set when the run found the object changed since the re-check and ran nothing: why. */
  changed?: string;
}

export interface FixContext {
  services: Services;
  /** Shows what a long fix is doing now on its card (only when it changed; never fails the fix). */
  progress?: (text: string) => Promise<void>;
}

export interface PlanContext<K extends CommandName> extends FixContext {
  args: ArgsOf<K>;
  caller: string;
  channel: string;
}

/** One fix of the catalog, typed by its command and by the data its plan carries. */
export interface Remediation<K extends CommandName, D> {
  command: K;
  /** Used when the policy does not give the command a risk level. */
  risk?: RiskLevel;
  /** Validates the plan's data when it comes back from the store. */
  data: z.ZodType<D>;
  plan(ctx: PlanContext<K>): Promise<Plan<D>>;
  recheck(plan: Plan<D>, ctx: FixContext): Promise<Recheck>;
  execute(plan: Plan<D>, ctx: FixContext): Promise<FixResult>;
}

/** A fix with its types erased, as the registry and the approval flow hold it. */
export interface Fix {
  readonly command: CommandName;
  readonly risk: RiskLevel | undefined;
  /** `args` must be the output of the command's catalog schema (the router's or fix.propose's parse). */
  plan(args: unknown, ctx: Omit<PlanContext<CommandName>, 'args'>): Promise<Plan>;
  recheck(plan: Plan, ctx: FixContext): Promise<Recheck>;
  execute(plan: Plan, ctx: FixContext): Promise<FixResult>;
}

export function defineFix<K extends CommandName, D>(r: Remediation<K, D>): Fix {
  const typed = (plan: Plan): Plan<D> => ({ ...plan, data: r.data.parse(plan.data) });
  return {
    command: r.command,
    risk: r.risk,
    // Both callers parse the arguments with catalog[command].schema before calling: the cast only
    // restores the type that erasure took away.
    plan: (args, ctx) => r.plan({ ...ctx, args: args as ArgsOf<K> }),
    recheck: (plan, ctx) => r.recheck(typed(plan), ctx),
    execute: (plan, ctx) => r.execute(typed(plan), ctx),
  };
}
