// What `db long-running` offers under its list: one "terminate them all" button with the same
// threshold when policy and grammar allow it, otherwise the oldest queries one by one.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Block } from '../../src/chat/message.js';
import { terminateOffer } from '../../src/diagnostics/terminate-offer.js';
import {
  closeDiagnostics,
  startDiagnostics,
  type DiagnosticsHarness,
} from '../support/diagnostics-harness.js';
import { policyWith } from '../support/test-app.js';

const FOUND = [
  { pid: 101, application: 'report-service' },
  { pid: 102, application: 'report-service' },
  { pid: 103, application: 'auth-service' },
  { pid: 104, application: 'billing' },
];

let bot: DiagnosticsHarness;

const buttonsOf = (blocks: Block[]) => blocks.flatMap((b) => (b.kind === 'actions' ? b.buttons : []));

beforeAll(async () => {
  bot = await startDiagnostics(
    {},
    { policy: await policyWith((yaml) => yaml.replace('minTerminateAge: 5m', 'minTerminateAge: 1s')) },
  );
});

afterAll(() => closeDiagnostics(bot));

describe('terminate offer', () => {
  test('a threshold the policy and the fix accept: one button for all, same threshold', async () => {
    const blocks = await terminateOffer(bot.app.services, FOUND, 10 * 60_000);
    const buttons = buttonsOf(blocks);
    expect(buttons.map((b) => b.label)).toEqual(['Terminate these 4 queries']);
    expect(await bot.payloadOf(buttons[0]!)).toEqual({
      kind: 'fix.propose',
      payload: {
        command: 'db terminate-long',
        args: { olderThan: '10m' },
        why: 'db long-running: 4 queries running for more than 10 minutes',
      },
    });
  });

  test('under a minute the fix itself refuses the threshold: the three oldest, one by one', async () => {
    const blocks = await terminateOffer(bot.app.services, FOUND, 30_000);
    expect(buttonsOf(blocks).map((b) => b.label)).toEqual([
      'Terminate pid 101',
      'Terminate pid 102',
      'Terminate pid 103',
    ]);
    expect(blocks).toContainEqual({
      kind: 'context',
      text: 'Terminating all at once takes a threshold of at least 1m (`db long-running --older-than 1m`); meanwhile, one at a time.',
    });
  });

  test('one query: "Terminate this query"', async () => {
    const blocks = await terminateOffer(bot.app.services, FOUND.slice(0, 1), 90 * 60_000);
    expect(buttonsOf(blocks).map((b) => b.label)).toEqual(['Terminate this query']);
    expect(await bot.payloadOf(buttonsOf(blocks)[0]!)).toMatchObject({
      payload: { args: { olderThan: '90m' } },
    });
  });
});
