// The Alertmanager webhook payload, version 4
// (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config), validated at the door.
import { z } from 'zod';

const labelSet = z.record(z.string(), z.string());

const alert = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelSet,
  annotations: labelSet.default({}),
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
});

export const alertmanagerPayload = z.object({
  version: z.literal('4', { error: 'expected an Alertmanager webhook of version "4"' }),
  groupKey: z.string().min(1).max(10_000),
  truncatedAlerts: z.number().int().min(0).default(0),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: labelSet.default({}),
  commonLabels: labelSet.default({}),
  commonAnnotations: labelSet.default({}),
  externalURL: z.string().default(''),
  alerts: z.array(alert).min(1).max(1000),
});

export type AlertmanagerPayload = z.infer<typeof alertmanagerPayload>;

/** The first problem of a payload that does not validate, as one line for the 400 answer. */
export function payloadProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue?.message ?? 'invalid payload'}`;
}
