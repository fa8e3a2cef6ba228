// What `db long-running` and `db connections` offer under their lists: one "terminate them all"
// button for those past the guide's 10 minutes (or the longer threshold typed), otherwise the oldest
// one by one; never a session that only waits for a lock.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Block } from '../../src/chat/message.js';
import { IDLE, terminateOffer } from '../../src/diagnostics/terminate-offer.js';
import {
  closeDiagnostics,
  startDiagnostics,
  type DiagnosticsHarness,
} from '../support/diagnostics-harness.js';
import { policyWith } from '../support/test-app.js';

const MIN = 60_000;
const FOUND = [
  { pid: 101, application: 'report-service', ms: 25 * MIN },
  { pid: 102, application: 'report-service', ms: 14 * MIN },
  { pid: 103, application: 'auth-service', ms: 12 * MIN, waitingOnLock: true },
  { pid: 104, application: 'billing', ms: 11 * MIN },
  { pid: 105, application: 'billing', ms: 6 * MIN },
];

let bot: DiagnosticsHarness;

const buttonsOf = (blocks: Block[]) => blocks.flatMap((b) => (b.kind === 'actions' ? b.buttons : []));
const textOf = (blocks: Block[]) => blocks.map((b) => (b.kind === 'context' ? b.text : '')).join('\n');

beforeAll(async () => {
  bot = await startDiagnostics(
    {},
    { policy: await policyWith((yaml) => yaml.replace('minTerminateAge: 5m', 'minTerminateAge: 1s')) },
  );
});

afterAll(() => closeDiagnostics(bot));

describe('terminate offer', () => {
  test('found over 5 minutes: the button ends only those over 10 minutes, never a lock waiter', async () => {
    const blocks = await terminateOffer(bot.app.services, FOUND, 5 * MIN);
    const buttons = buttonsOf(blocks);
    expect(buttons.map((b) => b.label)).toEqual(['Terminate these 3 queries (over 10m)']);
    expect(await bot.payloadOf(buttons[0]!)).toEqual({
      kind: 'fix.propose',
      payload: {
        command: 'db terminate-long',
        args: { olderThan: '10m' },
        why: 'db long-running: 3 queries running for more than 10 minutes',
      },
    });
    expect(textOf(blocks)).toContain(
      'The button ends the 3 queries running for more than 10 minutes (`db terminate-long`); the 1 younger one stays.',
    );
    expect(textOf(blocks)).toContain(
      '1 of them only waits for a lock (pid 103): ending it frees nothing. `db blocking` shows the session holding the lock',
    );
  });

  test('a longer threshold typed is kept', async () => {
    const blocks = await terminateOffer(bot.app.services, FOUND.slice(0, 1), 20 * MIN);
    expect(buttonsOf(blocks).map((b) => b.label)).toEqual(['Terminate this query']);
    expect(await bot.payloadOf(buttonsOf(blocks)[0]!)).toMatchObject({
      payload: { args: { olderThan: '20m' } },
    });
  });

  test('none past 10 minutes: the three oldest, one by one', async () => {
    const young = FOUND.map((f) => ({ ...f, ms: f.ms / 10 }));
    const blocks = await terminateOffer(bot.app.services, young, 30_000);
    expect(buttonsOf(blocks).map((b) => b.label)).toEqual([
      'Terminate pid 101',
      'Terminate pid 102',
      'Terminate pid 104',
    ]);
    expect(textOf(blocks)).toContain(
      'None has been running for more than 10 minutes, the threshold for ending them all at once (`db terminate-long --older-than 10m`); meanwhile, one at a time.',
    );
  });

  test('only lock waiters: no button at all', async () => {
    const blocks = await terminateOffer(bot.app.services, [FOUND[2]!], 5 * MIN);
    expect(buttonsOf(blocks)).toEqual([]);
    expect(textOf(blocks)).toContain('`db blocking`');
  });

  test('idle sessions: the button is db terminate-idle', async () => {
    const blocks = await terminateOffer(bot.app.services, FOUND.slice(0, 2), 10 * MIN, IDLE);
    const [button] = buttonsOf(blocks);
    expect(button?.label).toBe('Terminate these 2 sessions (over 10m)');
    expect(await bot.payloadOf(button!)).toEqual({
      kind: 'fix.propose',
      payload: {
        command: 'db terminate-idle',
        args: { olderThan: '10m' },
        why: 'db connections: 2 sessions idle for more than 10 minutes',
      },
    });
  });
});
