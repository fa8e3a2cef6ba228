// The buttons of an alert group: Acknowledge (the first click wins) and Declare incident (opens the
// incident with the alert as title, service and impact, and links them; of two clicks at the same
// instant, on one replica or two, the first link wins and the other declaration is rolled back). The
// group is looked up again from the stored action's id, never trusted from the click.
import { z } from 'zod';
import { mention, textMessage } from '../chat/message.js';
import { defineAction, toCaller, type ActionContext, type ActionOutcome } from '../commands/handler.js';
import { severity as severityArg } from '../commands/args.js';
import { notFound } from '../core/errors.js';
import { declareIncident } from '../incidents/flows/declare.js';
import { authorizeIncident } from '../incidents/incident-access.js';
import { recordEvent } from '../incidents/incident-lookup.js';
import { incidentRef } from '../incidents/incident-model.js';
import { AlertAction } from './alert-action-kinds.js';
import { AlertStore, type AlertGroup } from './alert-store.js';
import { refreshAlertGroup } from './receive-alerts.js';

const alertPayload = z.object({ alertId: z.number().int().positive() });

async function groupOf(ctx: ActionContext): Promise<AlertGroup> {
  const group = await new AlertStore(ctx.services.db).get(alertPayload.parse(ctx.payload).alertId);
  if (!group) throw notFound('This alert is no longer known.');
  return group;
}

const say = (text: string): ActionOutcome => ({ replies: [toCaller(textMessage(text))] });

/** Thrown in a declaration's transaction when another declaration linked the group first: rolls it back. */
class DeclaredMeanwhile extends Error {}

const declaredAlready = (incidentId: number | undefined): ActionOutcome =>
  say(
    `${incidentId === undefined ? 'An incident' : incidentRef({ id: incidentId })} was declared from this alert already.`,
  );

const acknowledge = defineAction(AlertAction.Ack, async (ctx) => {
  const group = await groupOf(ctx);
  const acked = await new AlertStore(ctx.services.db).acknowledge(group.id, ctx.caller, ctx.services.now());
  if (!acked)
    return say(`${group.title} was acknowledged already by ${mention(group.acknowledgedBy ?? '')}.`);
  await refreshAlertGroup(ctx.services, acked);
  return {};
});

const declare = defineAction(AlertAction.Declare, async (ctx) => {
  await authorizeIncident(ctx.services, ctx, { right: 'declare', command: 'incident declare (alert)' });
  const group = await groupOf(ctx);
  if (group.incidentId !== undefined) return declaredAlready(group.incidentId);
  if (group.status === 'resolved') return say(`${group.title} is resolved: nothing to declare.`);
  const store = new AlertStore(ctx.services.db);
  const declaring = declareIncident(ctx.services, {
    severity: severityArg.parse(group.severity),
    title: group.title,
    service: group.labels.service ?? group.labels.job ?? group.labels.app,
    impact: group.summary ?? group.title,
    caller: ctx.caller,
    channel: ctx.channel,
    // In the declaration's transaction: the link and its timeline event commit with the incident.
    linked: async (incident, tx) => {
      // The row is locked until this commits: a declaration at the same instant waits here, then
      // finds the group linked and is rolled back (no second incident, war room or page).
      if (!(await new AlertStore(tx.db).linkIncident(group.id, incident.id))) throw new DeclaredMeanwhile();
      const source = group.sourceUrl === undefined ? '' : ` (${group.sourceUrl})`;
      await recordEvent(
        tx,
        incident,
        ctx.caller,
        'action',
        `Declared from the alert ${group.title}${source}`,
      );
    },
  });
  const replies = await declaring.catch((error: unknown) => {
    if (error instanceof DeclaredMeanwhile) return undefined;
    throw error;
  });
  if (replies === undefined) return declaredAlready((await store.get(group.id))?.incidentId);
  const linked = await store.get(group.id);
  if (linked) await refreshAlertGroup(ctx.services, linked);
  const ref = linked?.incidentId === undefined ? 'an incident' : incidentRef({ id: linked.incidentId });
  return { replies, clicked: { note: `🚨 ${mention(ctx.caller)} declared ${ref} from this alert` } };
});

export const alertActions = [acknowledge, declare];
