// The policy's `alerts` key: which severity the bot suggests for an Alertmanager alert group, from
// its labels (first rule that matches wins). Defaults, so policy files without the key still load.
import { z } from 'zod';

const severityName = z.enum(['p0', 'p1', 'p2', 'p3']);

const rule = z.strictObject({
  label: z.string().min(1),
  value: z.string(),
  severity: severityName,
});

export const DEFAULT_ALERT_RULES: Array<z.infer<typeof rule>> = [
  { label: 'severity', value: 'critical', severity: 'p1' },
  { label: 'severity', value: 'page', severity: 'p1' },
  { label: 'severity', value: 'error', severity: 'p2' },
  { label: 'severity', value: 'warning', severity: 'p3' },
];

export const alertPolicySchema = z
  .strictObject({
    severityFromLabels: z.array(rule).default(DEFAULT_ALERT_RULES),
    defaultSeverity: severityName.default('p3'),
  })
  .default({ severityFromLabels: DEFAULT_ALERT_RULES, defaultSeverity: 'p3' });

export type AlertPolicy = z.infer<typeof alertPolicySchema>;
