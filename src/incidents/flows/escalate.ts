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
import { ChatStep } from '../../chat/chat-steps.js';
import { changeIncident, enqueueForIncident, postInIncident } from '../incident-delivery.js';
import { recordEvent } from '../incident-lookup.js';
import { BOT_ACTOR, type Incident } from '../incident-model.js';
import { claimEscalation, findIncident } from '../incident-store.js';
import { scheduleNext } from '../incident-timers.js';
import { resolveRoles, type RoleHolders } from '../role-holders.js';
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
  // Whoever holds each role now (a rotation may have handed off since the declaration).
  const holders = await resolveRoles(services, services.now());
  await changeIncident(services, async (tx) => {
    const current = await findIncident(tx.db, payload.incidentId);
    // Acknowledged, resolved, or this step already taken: nothing to do.
    if (!current || current.state !== 'open' || current.escalationStep !== payload.step) return undefined;
    const next = nextInChain(tx.policy, holders, current.notified);
    if (!(await claimEscalation(tx.db, current.id, payload.step, next ? [next.person.key] : [])))
      return undefined;
    if (next) {
      const due = responseDue(tx.policy, current.severity, tx.now(), tx.config.OATIE_TIMEZONE);
      await scheduleNext(tx, tx.db, 'escalation', { incidentId: current.id, step: payload.step + 1 }, due);
    }
    await notifyEscalation(tx, current, next, holders);
    await pageIncident(tx, current, 'not acknowledged: escalated');
    return current;
  });
}

/** The escalation's own Acknowledge button (not the alert's): acknowledging from it retires it. */
async function escalationAckButton(tx: Services, incident: Incident): Promise<Button[]> {
  const [shared] = ackButton(incident);
  if (!shared) return [];
  const from: ButtonFrom = 'escalation';
  const actionId = await tx.actions.create(IncidentAction.Ack, { incidentId: incident.id, from });
  return [{ ...shared, actionId }];
}

/** The escalation in the incident's channel, to the next person directly, and their invitation. */
async function notifyEscalation(
  tx: Services,
  incident: Incident,
  next: ChainStep | undefined,
  holders: RoleHolders,
): Promise<void> {
  const platform = tx.chat.name;
  const contact = next ? platformUserId(next.person, platform) : undefined;
  const chain = escalationChain(tx.policy, holders).flatMap((s) => platformUserId(s.person, platform) ?? []);
  const data = {
    elapsed: tx.now().getTime() - incident.startedAt.getTime(),
    contact,
    contactName: next?.person.name,
    role: next?.role,
    chain,
  };
  const buttons = buttonsBlock(await escalationAckButton(tx, incident));
  const message = incidentMessage(tx, incident, 'escalation', data, buttons);
  await postInIncident(tx, incident, message, 'an escalation');
  if (contact !== undefined) {
    const name = next?.person.name ?? contact;
    const dm = { kind: ChatStep.DirectMessage, user: contact, message } as const;
    await enqueueForIncident(tx, incident, dm, `the escalation message to ${name}`);
    if (incident.warRoom) {
      const invite = { kind: ChatStep.Invite, channel: incident.channel, users: [contact] } as const;
      await enqueueForIncident(tx, incident, invite, `the invitation of ${name}`);
    }
  }
  const text = next
    ? `Escalated to ${next.person.name} (${next.role})`
    : 'Escalation chain exhausted: still not acknowledged';
  await recordEvent(tx, incident, BOT_ACTOR, 'escalation', text);
}
