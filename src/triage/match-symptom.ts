// Which symptom an incident is about, from the words of its title and service: the policy's keywords
// per symptom (the guide's words by default). The symptom with the most (and longest) matches wins.
import { DEFAULT_KEYWORDS, symptomIds, type SymptomId, type TriagePolicy } from '../config/triage-policy.js';

/** Lowercase words separated by single spaces, so "Report  generation-down" contains "report generation". */
const normalise = (text: string): string =>
  ` ${text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()} `;

export function keywordsOf(policy: TriagePolicy, symptom: SymptomId): string[] {
  return policy.keywords[symptom] ?? DEFAULT_KEYWORDS[symptom];
}

export function matchSymptom(
  policy: TriagePolicy,
  incident: { title: string; service?: string },
): SymptomId | undefined {
  const haystack = normalise(`${incident.title} ${incident.service ?? ''}`);
  let best: { id: SymptomId; score: number } | undefined;
  for (const id of symptomIds) {
    const score = keywordsOf(policy, id)
      .map(normalise)
      .filter((k) => k.trim() !== '' && haystack.includes(k))
      .reduce((sum, k) => sum + k.trim().length, 0);
    if (score > 0 && (!best || score > best.score)) best = { id, score };
  }
  return best?.id;
}
