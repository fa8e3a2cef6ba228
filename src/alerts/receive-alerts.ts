// An Alertmanager notification, validated, becomes one message per alert group in
// OATIE_ALERTS_CHANNEL: posted once (the process that claims the group posts it, so replicas that
// each receive the notification do not post twice), updated by every repeat, marked resolved by the
// resolved notification. A group that fires again after it was resolved is posted again.
import { createHash } from 'node:crypto';
import { shorten, stripControl } from '../chat/message.js';
import type { AlertPolicy } from '../config/alert-policy.js';
import { describeError } from '../core/errors.js';
import type { Services } from '../core/services.js';
import { AlertAction } from './alert-action-kinds.js';
import { alertGroupMessage } from './alert-messages.js';
import { AlertStore, type AlertDelivery, type AlertGroup } from './alert-store.js';
import type { AlertmanagerPayload } from './alertmanager-payload.js';

const MAX_TITLE = 150;
const MAX_SUMMARY = 1000;
const MAX_LABELS = 30;
const MAX_LABEL = 200;

const clean = (text: string, max: number): string => shorten(stripControl(text).trim(), max);

/** The severity suggested for labels: the first rule of the policy that matches, else its default. */
export function suggestSeverity(policy: AlertPolicy, labels: Record<string, string>): string {
  const rule = policy.severityFromLabels.find((r) => labels[r.label] === r.value);
  return rule?.severity ?? policy.defaultSeverity;
}

/** Only http(s) links are shown: a payload cannot slip another scheme into a message. */
const webLink = (url: string | undefined): string | undefined =>
  url !== undefined && URL.canParse(url) && /^https?:$/.test(new URL(url).protocol) ? url : undefined;

function toDelivery(services: Services, p: AlertmanagerPayload): AlertDelivery {
  const first = p.alerts[0];
  const labels = { ...first?.labels, ...p.commonLabels };
  const name = p.commonLabels.alertname ?? first?.labels.alertname ?? 'Alert';
  const grouped = Object.entries(p.groupLabels).filter(([k]) => k !== 'alertname');
  const title = grouped.length === 0 ? name : `${name} (${grouped.map(([k, v]) => `${k}=${v}`).join(', ')})`;
  const summary =
    p.commonAnnotations.summary ??
    first?.annotations.summary ??
    p.commonAnnotations.description ??
    first?.annotations.description;
  const shownLabels = Object.fromEntries(
    Object.entries(p.commonLabels)
      .slice(0, MAX_LABELS)
      .map(([k, v]) => [clean(k, MAX_LABEL), clean(v, MAX_LABEL)]),
  );
  return {
    groupHash: createHash('sha256').update(p.groupKey).digest('hex'),
    status: p.status,
    title: clean(title, MAX_TITLE),
    summary: summary === undefined ? undefined : clean(summary, MAX_SUMMARY),
    sourceUrl: webLink(first?.generatorURL) ?? webLink(p.externalURL),
    labels: shownLabels,
    severity: suggestSeverity(services.policy.alerts, labels),
    alertsFiring: p.alerts.filter((a) => a.status === 'firing').length,
    at: services.now(),
  };
}

/** Records the notification and posts or updates its message; throws when the chat cannot be
 * reached, so the webhook answers 5xx and Alertmanager sends it again. */
export async function receiveAlerts(services: Services, payload: AlertmanagerPayload): Promise<AlertGroup> {
  const store = new AlertStore(services.db);
  const group = await store.record(toDelivery(services, payload));
  const claimed = await store.claimPost(group.id);
  if (claimed) {
    if (claimed.status === 'resolved') return claimed; // resolved before it was ever posted: nothing to say
    await postGroup(services, store, claimed);
  } else if (group.message) {
    await services.chat.update(group.message, await alertGroupMessage(services, group));
  }
  // Else another process is posting it right now, and posts the latest state when it is done.
  if (group.deliveries === 1 || group.status === 'resolved') {
    await services.audit.record({
      actor: 'alertmanager',
      platform: services.chat.name,
      event: `alert.${group.status}`,
      target: group.title,
      outcome: 'ok',
      detail: { alertGroup: group.id, severity: group.severity, alerts: group.alertsFiring },
    });
  }
  return (await store.get(group.id)) ?? group;
}

async function postGroup(services: Services, store: AlertStore, group: AlertGroup): Promise<void> {
  try {
    const buttons = {
      ack: await services.actions.create(AlertAction.Ack, { alertId: group.id }),
      declare: await services.actions.create(AlertAction.Declare, { alertId: group.id }),
    };
    const channel = await services.chat.resolveChannel(services.config.OATIE_ALERTS_CHANNEL);
    const posted = await services.chat.post(
      channel,
      await alertGroupMessage(services, { ...group, buttons }),
    );
    await store.savePost(group.id, posted, buttons);
    // A repeat or a resolution may have arrived while this was posting: show the latest state.
    const latest = await store.get(group.id);
    if (latest && latest.version !== group.version)
      await services.chat.update(posted, await alertGroupMessage(services, latest));
  } catch (error) {
    await store.releaseClaim(group.id);
    services.log.warn({ alertGroup: group.id, err: describeError(error) }, 'cannot post the alert group');
    throw error;
  }
}

/** Shows a group as it stands now (after a button changed it). */
export async function refreshAlertGroup(services: Services, group: AlertGroup): Promise<void> {
  if (!group.message) return;
  try {
    await services.chat.update(group.message, await alertGroupMessage(services, group));
  } catch (error) {
    services.log.warn({ alertGroup: group.id, err: describeError(error) }, 'cannot update the alert group');
  }
}
