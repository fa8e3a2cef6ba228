// Triage on declaration: one call from the declare flow, once the incident's channel exists. The
// title (and service) pick a symptom by the policy's keywords and its triage is posted there; with
// no match, a menu of symptoms to pick from. Either way the incident's timeline says so.
import type { Button } from '../chat/message.js';
import { describeError } from '../core/errors.js';
import type { Services } from '../core/services.js';
import { recordEvent } from '../incidents/incident-lookup.js';
import { BOT_ACTOR } from '../incidents/incident-model.js';
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
