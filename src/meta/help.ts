// `help [topic]`: generated from the catalog, so it is never out of date.
import type { Block } from '../chat/message.js';
import { catalog, commandNames, topics } from '../commands/catalog.js';
import { badArgument } from '../core/errors.js';
import { defineCommand, toCaller } from '../commands/handler.js';
import { closest } from '../commands/suggest.js';

const TOPIC_TITLES: Record<(typeof topics)[number], string> = {
  incident: 'Incidents',
  oncall: 'On call',
  triage: 'Triage: the guide’s whole diagnosis of a symptom',
  auth: 'Authentication and permissions',
  reports: 'Reports',
  health: 'Health',
  audit: 'Audit',
  db: 'Database',
  k8s: 'Kubernetes',
  logs: 'Logs',
};

function commandsOf(topic: string) {
  return commandNames.filter((n) => catalog[n].words[0] === topic);
}

export const help = defineCommand('help', async ({ args }) => {
  const topic = args.topic;
  if (topic !== undefined && !(topics as readonly string[]).includes(topic)) {
    const guess = closest(topic, topics);
    throw badArgument(
      `There is no help topic \`${topic}\`.${guess ? ` Did you mean \`help ${guess}\`?` : ''}`,
      `help [${topics.join('|')}]`,
    );
  }
  const shown = topic === undefined ? topics : [topic as (typeof topics)[number]];
  const blocks: Block[] = [
    { kind: 'header', text: topic === undefined ? 'oatie-ops commands' : `Help: ${topic}` },
  ];
  for (const t of shown) {
    const lines = commandsOf(t).map((n) => `${catalog[n].usage} — ${catalog[n].summary}`);
    blocks.push({ kind: 'section', text: TOPIC_TITLES[t] }, { kind: 'code', text: lines.join('\n') });
  }
  blocks.push({
    kind: 'context',
    text: 'Fixes run only after someone else approves them. Durations read as 90s, 5m, 1h. `help [topic]` shows one topic.',
  });
  return Promise.resolve(toCaller({ text: 'oatie-ops commands', blocks }));
});
