// `triage [symptom]`: alone, the symptoms with the guide's description; with one, the triage card in
// this channel. An unknown symptom gets the list (and a "did you mean"). The symptom menu's buttons
// (posted when an incident's title matches no symptom) run the same triage.
import { z } from 'zod';
import type { Message } from '../chat/message.js';
import { defineAction, defineCommand, toCaller, toChannel } from '../commands/handler.js';
import { closest } from '../commands/suggest.js';
import { symptomIds } from '../config/triage-policy.js';
import type { Services } from '../core/services.js';
import { table } from '../diagnostics/verdict.js';
import { postTriage } from './post-triage.js';
import { findSymptom, symptomById, symptoms } from './symptoms.js';

export const TRIAGE_RUN = 'triage.run';

/** The symptoms as a table: what to type, the guide's problem and its description. */
export function symptomList(intro?: string): Message {
  const blocks: Message['blocks'] = [{ kind: 'header', text: 'Triage: pick the symptom' }];
  if (intro !== undefined) blocks.push({ kind: 'section', text: intro });
  blocks.push(
    table(
      ['symptom', 'guide', 'what it looks like'],
      symptoms.map((s) => [s.id, s.guideSection.split(' › ')[1] ?? s.guideSection, s.description]),
      symptoms.length,
    ),
    {
      kind: 'context',
      text: `\`triage <symptom>\` runs every check the troubleshooting guide lists for it, at once. Also accepted: ${symptoms
        .map((s) => `${s.id} (${s.aliases.join(', ')})`)
        .join('; ')}.`,
    },
  );
  return { text: intro ?? 'Triage: pick the symptom', blocks };
}

function unknownSymptom(word: string): Message {
  const known = symptoms.flatMap((s) => [s.id, ...s.aliases]);
  const guess = closest(word, known);
  const meant = guess === undefined ? undefined : findSymptom(guess)?.id;
  const shown = word.replace(/[^a-z0-9-]/gi, '').slice(0, 40);
  return symptomList(
    `There is no symptom \`${shown}\`.${meant ? ` Did you mean \`triage ${meant}\`?` : ''} The symptoms are:`,
  );
}

export const triage = defineCommand('triage', async ({ args, services, caller, channel }) => {
  if (args.symptom === undefined) return toChannel(symptomList());
  const symptom = findSymptom(args.symptom);
  if (!symptom) return toCaller(unknownSymptom(args.symptom));
  await postTriage(services, channel, symptom, { caller });
  return undefined;
});

/** A button that triages `symptom` where it is pressed. */
export function triageButton(services: Services, symptomId: (typeof symptomIds)[number]) {
  return services.actions.create(TRIAGE_RUN, { symptom: symptomId });
}

const runPayload = z.object({ symptom: z.enum(symptomIds) });

export const triageRunAction = defineAction(TRIAGE_RUN, async ({ payload, services, caller, channel }) => {
  const parsed = runPayload.safeParse(payload);
  if (!parsed.success) return { replies: [toCaller(symptomList('That button is no longer valid.'))] };
  const outcome = await postTriage(services, channel, symptomById(parsed.data.symptom), { caller });
  return { clicked: { note: `${outcome.summary}.` } };
});
