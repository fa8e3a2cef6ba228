// The `incidents:` section of the policy: who holds the incident rights that reach outside the
// team — publishing on the public status page, and raising an incident to P0 (which pages people and
// may loosen the two-person rule) — and who may declare and act on an incident at all, and which users
// of another chat team are let in. People, `group:<name>` or `*`; defaults keep old policy files valid:
// publishStatusPage and raiseToP0 are not checked against people and groups (a policy without
// `groups.leads` still loads), and a group that does not exist names nobody, so a typo refuses.
import { z } from 'zod';

/**
 * Who holds `declare` or `act`: `*` (everyone in the bot's own workspace), `commander` (who declared the
 * incident), `notified` (the people notified for it: contacts, escalation steps, the declarer), a person
 * key, or `group:<name>`. Their defaults are filled in by incidentRights (act's depends on the groups).
 */
const holders = z.array(z.string().min(1)).min(1);

export const incidentPolicySchema = z
  .strictObject({
    /** Who may post an update to the public status page (`incident update … --public`, the form's box). */
    publishStatusPage: z.array(z.string()).default(['group:leads']),
    /** Who may declare a P0 or raise an incident to P0. */
    raiseToP0: z.array(z.string()).default(['group:sre']),
    /** Who may declare an incident. */
    declare: holders.optional(),
    /** Who may acknowledge, post updates, change the severity and resolve. */
    act: holders.optional(),
    /** Users of another Slack team or Teams tenant who are let in: person keys or platform user ids. */
    otherTeams: z.array(z.string().min(1)).optional(),
  })
  .default({ publishStatusPage: ['group:leads'], raiseToP0: ['group:sre'] });

export type IncidentPolicy = z.infer<typeof incidentPolicySchema>;

export interface IncidentRights {
  declare: string[];
  act: string[];
  otherTeams: string[];
}

/** The section with its defaults: everyone may declare; the commander, the notified and group sre (if any) act. */
export function incidentRights(
  section: IncidentPolicy | undefined,
  groups: Record<string, string[]>,
): IncidentRights {
  return {
    declare: section?.declare ?? ['*'],
    act: section?.act ?? ['commander', 'notified', ...('sre' in groups ? ['group:sre'] : [])],
    otherTeams: section?.otherTeams ?? [],
  };
}

const WORDS = new Set(['*', 'commander', 'notified']);
/** Platform user ids (Slack U…/W…, or a Teams id) may be listed in otherTeams. */
const PLATFORM_ID = /^([UW][A-Z0-9]{2,30}|[0-9a-f-]{8,}|29:[\w-]+)$/;

/** Names every person or group the section refers to that the policy does not define. */
export function checkIncidentsReferences(
  section: IncidentPolicy | undefined,
  people: Record<string, unknown>,
  groups: Record<string, unknown>,
): string | undefined {
  const known = (ref: string) =>
    WORDS.has(ref) || ref in people || (ref.startsWith('group:') && ref.slice('group:'.length) in groups);
  for (const key of ['declare', 'act'] as const) {
    const bad = (section?.[key] ?? []).find((ref) => !known(ref));
    if (bad !== undefined) return `incidents.${key}: unknown person or group "${bad}"`;
  }
  const foreign = (section?.otherTeams ?? []).find((ref) => !(ref in people) && !PLATFORM_ID.test(ref));
  if (foreign !== undefined) return `incidents.otherTeams: "${foreign}" is neither a person nor a user id`;
  return undefined;
}
