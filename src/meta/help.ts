// `help [topic]`: generated from the catalog, so it is never out of date.
import type { Block, Message } from '../chat/message.js';
import { catalog, commandNames, topics } from '../commands/catalog.js';
import { deepFreeze } from '../core/deep-freeze.js';
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

type Topic = (typeof topics)[number];
const isTopic = (word: string): word is Topic => (topics as readonly string[]).includes(word);

/**
 * The catalog does not change while the bot runs, so each topic's answer is built once and shared,
 * frozen (and so is its Slack rendering: see renderMessage): help is the command typed most.
 */
const answers = new Map<Topic | undefined, Message>();

function helpMessage(topic: Topic | undefined): Message {
  let message = answers.get(topic);
  if (message === undefined) {
    const shown = topic === undefined ? topics : [topic];
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
    message = deepFreeze({ text: 'oatie-ops commands', blocks });
    answers.set(topic, message);
  }
  return message;
}

export const help = defineCommand('help', async ({ args }) => {
  const topic = args.topic;
  if (topic !== undefined && !isTopic(topic)) {
    const guess = closest(topic, topics);
    throw badArgument(
      `There is no help topic \`${topic}\`.${guess ? ` Did you mean \`help ${guess}\`?` : ''}`,
      `help [${topics.join('|')}]`,
    );
  }
  return Promise.resolve(toCaller(helpMessage(topic)));
});
