// The `incidents:` section of the policy: who holds the incident rights that reach outside the
// team — publishing on the public status page, and raising an incident to P0 (which pages people and
// may loosen the two-person rule). People, `group:<name>` or `*`; defaults keep old policy files valid.
import { z } from 'zod';

export const incidentPolicySchema = z
  .strictObject({
    /** Who may post an update to the public status page (`incident update … --public`, the form's box). */
    publishStatusPage: z.array(z.string()).default(['group:leads']),
    /** Who may declare a P0 or raise an incident to P0. */
    raiseToP0: z.array(z.string()).default(['group:sre']),
  })
  .default({ publishStatusPage: ['group:leads'], raiseToP0: ['group:sre'] });

export type IncidentPolicy = z.infer<typeof incidentPolicySchema>;
