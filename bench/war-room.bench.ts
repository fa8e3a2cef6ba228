// War-room time: from `/oatie incident p1 …` to the alert posted in the new war room, with the fake Slack
// taking 50 ms to answer every Web API call, against the floor of the calls that must run one after the
// other (conversations.create, then chat.postMessage of the alert; invitations, topic and the link in
// #incidents can run beside them).
import { startSlackStory } from '../test/support/slack-bot.js';
import { textOf } from '../test/support/fake-slack.js';
import { percentile } from './measure.js';
import type { Result } from './results.js';

const LATENCY_MS = 50;
const SEQUENTIAL_CALLS = 2;
const DECLARATIONS = 8;

export async function run(): Promise<Result[]> {
  const story = await startSlackStory({ database: 'benchwarroom' });
  const { fake } = story;
  fake.latencyMs = LATENCY_MS;
  const times: number[] = [];
  try {
    for (let i = 0; i < DECLARATIONS; i += 1) {
      const title = `Bench outage ${i} ${Date.now()}`;
      const t0 = performance.now();
      await story.slash(`incident p1 ${title}`, { user: 'U0ONCALL01', channel: 'C0GENERAL' });
      const created = await fake.waitFor(
        'conversations.create',
        (c) => c.at !== undefined && c.at > t0,
        30_000,
      );
      const room = (created.answer.channel as { id: string }).id;
      const alert = await fake.waitFor(
        'chat.postMessage',
        (c) => c.params.channel === room && textOf(c).includes('INCIDENT ALERT'),
        30_000,
      );
      times.push((alert.at ?? NaN) - t0);
    }
  } finally {
    await story.stop();
  }
  times.sort((a, b) => a - b);
  // The first declaration warms the process (JIT, connections); the figure is over the rest.
  const floor = SEQUENTIAL_CALLS * LATENCY_MS;
  const p50 = percentile(times, 50);
  return [
    {
      id: 'warroom',
      figure: `war room: declaration → alert posted, Slack answering in ${LATENCY_MS} ms (floor: ${SEQUENTIAL_CALLS} calls in sequence)`,
      value: `p50 ${p50.toFixed(0)} ms, max ${percentile(times, 100).toFixed(0)} ms (floor ${floor} ms; ${(p50 / floor).toFixed(2)}×)`,
      data: { p50, max: percentile(times, 100), floor, runs: times },
    },
  ];
}
