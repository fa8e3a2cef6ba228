// PagerDuty's webhook v3 payload, as far as the bot reads it: the event's id (deliveries are
// deduplicated by it), its type, who acted, and the incident it is about (the incident key is the
// dedup key the bot sent). PagerDuty adds fields over time: unknown ones are ignored, not refused.
import { z } from 'zod';

const reference = z.object({
  id: z.string().min(1),
  type: z.string().optional(),
  summary: z.string().max(500).optional(),
  html_url: z.string().optional(),
});

const incidentData = z.object({
  id: z.string().min(1).max(100),
  type: z.literal('incident'),
  number: z.number().int().optional(),
  title: z.string().max(1024).optional(),
  status: z.string().max(50).optional(),
  html_url: z.string().max(2000).optional(),
  incident_key: z.string().max(255).nullable().optional(),
});

export const pagerWebhookPayload = z.object({
  event: z.object({
    id: z.string().min(1).max(100),
    event_type: z
      .string()
      .regex(/^[a-z_]+\.[a-z_.]+$/, 'expected an event type such as incident.acknowledged'),
    resource_type: z.string().min(1),
    occurred_at: z.iso.datetime({ offset: true }),
    agent: reference.nullable().optional(),
    data: z.object({ id: z.string().min(1), type: z.string().min(1) }).loose(),
  }),
});

export type PagerWebhookEvent = z.infer<typeof pagerWebhookPayload>['event'];
export type PagerIncidentData = z.infer<typeof incidentData>;
export type PagerAgent = z.infer<typeof reference>;

/** The incident an `incident.*` event is about; the reason when its data is not an incident's. */
export function incidentOfEvent(
  event: PagerWebhookEvent,
): { ok: true; incident: PagerIncidentData } | { ok: false; problem: string } {
  const parsed = incidentData.safeParse(event.data);
  if (parsed.success) return { ok: true, incident: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, problem: `event.data.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
}
