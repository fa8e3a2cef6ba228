// Triage on declaration: an outbox step the declare flow enqueues in the incident's lane, after the
// war room's, so it runs once the war room exists — at once on the happy path, or when a Slack outage
// ends and the outbox finally creates the room. The title (and service) pick a symptom by the
// policy's keywords and its triage is posted there; with no match, a menu of symptoms to pick from.
// Either way the incident's timeline says so.
import { z } from 'zod';
import type { Button } from '../chat/message.js';
import { describeError } from '../core/errors.js';
import type { Services } from '../core/services.js';
import { incidentLane, isPending } from '../incidents/incident-delivery.js';
import { recordEvent } from '../incidents/incident-lookup.js';
import { findIncident } from '../incidents/incident-store.js';
import type { StepKind } from '../scheduler/step-kinds.js';
import { BOT_ACTOR, incidentRef } from '../incidents/incident-model.js';
import { matchSymptom } from './match-symptom.js';
import { postTriage } from './post-triage.js';
import { symptomById, symptoms } from './symptoms.js';
import { symptomList, triageButton } from './triage-command.js';

export interface DeclaredIncident {
  id: number;
  title: string;
  service?: string;
  /** The channel the incident lives in (its war room). */
  channel: string;
}

async function postMenu(services: Services, incident: DeclaredIncident): Promise<void> {
  const buttons: Button[] = [];
  for (const s of symptoms) buttons.push({ actionId: await triageButton(services, s.id), label: s.id });
  const list = symptomList('No symptom of the troubleshooting guide matches the title. Pick one to triage:');
  await services.chat.post(incident.channel, {
    text: list.text,
    blocks: [...list.blocks, { kind: 'actions', buttons }],
  });
  await recordEvent(
    services,
    incident,
    BOT_ACTOR,
    'triage',
    'No symptom matched the title: symptom menu posted',
  );
}

const TRIAGE_STEP = 'triage.on-declare';
const triagePayload = z.object({ incidentId: z.number().int() });

/** In the declaration's transaction: triage the incident once its war room exists. */
export async function enqueueDeclarationTriage(tx: Services, incident: { id: number }): Promise<void> {
  await tx.outbox.enqueue(tx.db, {
    kind: TRIAGE_STEP,
    lane: incidentLane(incident.id),
    key: `incident:${incident.id}:triage`,
    payload: { incidentId: incident.id, what: `the triage of ${incidentRef(incident)}` },
  });
}

const declarationTriage: StepKind = {
  kind: TRIAGE_STEP,
  async send(step, services) {
    const { incidentId } = triagePayload.parse(step.payload);
    const incident = await findIncident(services.db, incidentId);
    // A war room given up on (the placeholder stayed), or an incident resolved before the room
    // came: nothing to triage in.
    if (!incident || incident.status === 'resolved' || isPending(incident.channel)) return { skipped: true };
    await triageNewIncident(services, incident);
    return { triaged: true };
  },
};

export const triageStepKinds: readonly StepKind[] = [declarationTriage];

/** Never fails the declaration: a triage that cannot be posted is logged and noted in the timeline. */
export async function triageNewIncident(services: Services, incident: DeclaredIncident): Promise<void> {
  try {
    const matched = matchSymptom(services.policy.triage, incident);
    if (matched === undefined) return await postMenu(services, incident);
    // The outcome joins the timeline inside postTriage (the war room is the incident's channel).
    await postTriage(services, incident.channel, symptomById(matched), { caller: BOT_ACTOR });
  } catch (error) {
    services.log.warn({ incident: incident.id, err: describeError(error) }, 'triage on declaration failed');
  }
}
