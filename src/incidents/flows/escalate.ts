// The escalation timer: while nobody acknowledges, the next person of the chain (on-call → team
// lead → engineering manager) is told in the war room and by direct message, one response time
// after another, until someone acknowledges or the chain is exhausted.
import { pageIncident } from '../paging.js';
import { z } from 'zod';
import type { Button } from '../../chat/message.js';
import type { Services } from '../../core/services.js';
import type { Timer } from '../../scheduler/scheduler.js';
import { IncidentAction } from '../incident-action-kinds.js';
import type { ButtonFrom } from '../incident-forms.js';
import { ackButton, buttonsBlock, incidentMessage } from '../incident-messages.js';
import { bestEffort, postToIncident, recordEvent } from '../incident-lookup.js';
import { BOT_ACTOR, type Incident } from '../incident-model.js';
import { claimEscalation, findIncident } from '../incident-store.js';
import { scheduleNext } from '../incident-timers.js';
import {
  escalationChain,
  nextInChain,
  platformUserId,
  responseDue,
  type ChainStep,
} from '../severity-policy.js';

const payloadSchema = z.object({ incidentId: z.number().int(), step: z.number().int() });

export async function escalateIncident(services: Services, timer: Timer): Promise<void> {
  const payload = payloadSchema.parse(timer.payload);
  const claimed = await services.db.transaction(async (tx) => {
    const current = await findIncident(tx, payload.incidentId);
    // Acknowledged, resolved, or this step already taken: nothing to do.
    if (!current || current.state !== 'open' || current.escalationStep !== payload.step) return undefined;
    const next = nextInChain(services.policy, current.notified);
    if (!(await claimEscalation(tx, current.id, payload.step, next ? [next.person.key] : [])))
      return undefined;
    if (next) {
      const due = responseDue(
        services.policy,
        current.severity,
        services.now(),
        services.config.OATIE_TIMEZONE,
      );
      await scheduleNext(services, tx, 'escalation', { incidentId: current.id, step: payload.step + 1 }, due);
    }
    return { incident: current, next };
  });
  if (claimed) await notifyEscalation(services, claimed.incident, claimed.next);
  if (claimed) await pageIncident(services, claimed.incident, 'not acknowledged: escalated');
}

/** The escalation's own Acknowledge button (not the alert's): acknowledging from it retires it. */
async function escalationAckButton(services: Services, incident: Incident): Promise<Button[]> {
  const [shared] = ackButton(incident);
  if (!shared) return [];
  const from: ButtonFrom = 'escalation';
  const actionId = await services.actions.create(IncidentAction.Ack, { incidentId: incident.id, from });
  return [{ ...shared, actionId }];
}

async function notifyEscalation(
  services: Services,
  incident: Incident,
  next: ChainStep | undefined,
): Promise<void> {
  const platform = services.chat.name;
  const contact = next ? platformUserId(next.person, platform) : undefined;
  const chain = escalationChain(services.policy).flatMap((s) => platformUserId(s.person, platform) ?? []);
  const data = {
    elapsed: services.now().getTime() - incident.startedAt.getTime(),
    contact,
    contactName: next?.person.name,
    role: next?.role,
    chain,
  };
  const buttons = buttonsBlock(await escalationAckButton(services, incident));
  const message = incidentMessage(services, incident, 'escalation', data, buttons);
  await postToIncident(services, incident, message);
  if (contact !== undefined) {
    await bestEffort(services, `message ${next?.person.name ?? contact}`, () =>
      services.chat.directMessage(contact, message),
    );
    if (incident.warRoom)
      await bestEffort(services, 'invite the escalation contact', () =>
        services.chat.invite(incident.channel, [contact]),
      );
  }
  const text = next
    ? `Escalated to ${next.person.name} (${next.role})`
    : 'Escalation chain exhausted: still not acknowledged';
  await recordEvent(services, incident, BOT_ACTOR, 'escalation', text);
}
