// In the console, a button press that did its job prints one line under the pressed message's
// channel saying who did what, and that button cannot be pressed again (as in Slack, where it goes).
import { PassThrough } from 'node:stream';
import { ConsolePlatform } from '../../../src/chat/console/console-platform.js';
import { ConsoleSession } from '../../../src/chat/console/console-session.js';
import { fastPolicy } from '../../support/incident-harness.js';
import { eventually } from '../../support/oatie-database.js';
import { openFreshStore, type FreshStore } from '../../support/fresh-store.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

let store: FreshStore;
let app: TestApp;
let session: ConsoleSession;
let out = '';

beforeAll(async () => {
  store = await openFreshStore();
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  const chat = new ConsolePlatform(stream);
  app = await startTestApp({ db: store.db, chat, policy: await fastPolicy({ p2: { responseTime: '1s' } }) });
  app.scheduler.start();
  session = new ConsoleSession(chat, app.router, { user: 'alice', channel: 'ops' });
});

afterAll(async () => {
  await app.stop();
  await store.close();
});

describe('a finished click in the console', () => {
  it('prints who did what under the escalation, and its Acknowledge cannot be pressed again', async () => {
    await session.runLine('incident p2 Exports stuck');
    const escalation = await eventually('an escalation', () =>
      Promise.resolve(/📟 Escalation[^]*?\[(a\d+)\] Acknowledge/.exec(out) ?? undefined),
    );
    const ref = escalation[1]!;
    const printed = out.length;
    await session.runLine(`as bob press ${ref}`);
    const after = out.slice(printed);
    expect(after).toMatch(/--- #ops \(message \d+\) ✅ @bob acknowledged INC-1 ---\n/);

    const again = out.length;
    await session.runLine(`as carol press ${ref}`);
    expect(out.slice(again)).toContain(`There is no button ${ref}`);
    await session.runLine('incident resolve Worker restarted');
  });
});
