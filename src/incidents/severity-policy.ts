// What the policy file says about a severity, in the terms the incident flows need: who to notify,
// how they are reached on this platform, when a response is due, and who comes next in the chain.
// Roles are filled by whoever holds them at the moment (see role-holders.ts): callers pass the holders.
import type { Severity } from '../commands/args.js';
import type { Person, Policy, RoleName, SeverityPolicy } from '../config/policy.js';
import { nextBusinessDayAt } from './business-day.js';
import { holderOf, OUTSIDE_POLICY, type RoleHolders } from './role-holders.js';

/** When a "next business day" response is due: the start of that day (the guide's P3). */
const BUSINESS_DAY_START = '09:00';

export function severityPolicy(policy: Policy, severity: Severity): SeverityPolicy {
  return policy.severities[severity];
}

/** The people the severity notifies at declaration, each once, in the policy's order. */
export function contactsFor(policy: Policy, holders: RoleHolders, severity: Severity): Person[] {
  return uniquePeople(policy.severities[severity].notify.map((role) => holderOf(holders, role)));
}

export interface ChainStep {
  role: RoleName;
  person: Person;
}

/** The escalation chain (on-call → team lead → engineering manager), roles nobody fills left out. */
export function escalationChain(policy: Policy, holders: RoleHolders): ChainStep[] {
  const steps: ChainStep[] = [];
  for (const role of policy.escalation) {
    const person = holderOf(holders, role);
    if (person && !steps.some((s) => s.person.key === person.key)) steps.push({ role, person });
  }
  return steps;
}

/** The next step of the chain whose person has not been notified yet. */
export function nextInChain(
  policy: Policy,
  holders: RoleHolders,
  notified: readonly string[],
): ChainStep | undefined {
  return escalationChain(policy, holders).find((step) => !notified.includes(step.person.key));
}

/** How a person is addressed on a platform: Slack and Teams ids from the policy, the key on the console. */
export function platformUserId(person: Person, platform: string): string | undefined {
  if (platform === 'slack') return person.slack;
  if (platform === 'teams') return person.teams;
  // Someone only PagerDuty knows has no console name either.
  return person.key.startsWith(OUTSIDE_POLICY) ? undefined : person.key;
}

/** When a response is due for an incident of this severity, counting from `from`. */
export function responseDue(policy: Policy, severity: Severity, from: Date, zone: string): Date {
  const responseTime = policy.severities[severity].responseTime;
  if (responseTime === 'next-business-day') return nextBusinessDayAt(from, BUSINESS_DAY_START, zone);
  return new Date(from.getTime() + responseTime);
}

/** "15 minutes", "1 hour", "next business day": for templates. */
export function responseTimeMs(policy: Policy, severity: Severity): number | undefined {
  const responseTime = policy.severities[severity].responseTime;
  return responseTime === 'next-business-day' ? undefined : responseTime;
}

function uniquePeople(people: ReadonlyArray<Person | undefined>): Person[] {
  const out: Person[] = [];
  for (const p of people) if (p && !out.some((o) => o.key === p.key)) out.push(p);
  return out;
}
