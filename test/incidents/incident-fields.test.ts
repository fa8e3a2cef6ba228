// What the incident messages say follows what people typed: service and impact at declaration, an
// ETA with an update, the fix and the prevention at resolution, the review meeting's link — and an
// incident named `INC-n` is acted on from any channel. In the console, the user follows the
// invitation into the war room, so the next `incident …` needs no reference.
import { PassThrough } from 'node:stream';
import { ConsolePlatform } from '../../src/chat/console/console-platform.js';
import { ConsoleSession } from '../../src/chat/console/console-session.js';
import { textOf } from '../support/fix-harness.js';
import {
  fastPolicy,
  startIncidentStory,
  warRoomToday,
  type IncidentStory,
} from '../support/incident-harness.js';
import { openFreshStore } from '../support/fresh-store.js';
import { startTestApp } from '../support/test-app.js';

describe('incident fields and references', () => {
  let h: IncidentStory;
  const room = warRoomToday('exports-fail');
  const alertNow = (): string => {
    const update = h.chat.calls.filter((c) => c.op === 'update').at(-1);
    return update && 'message' in update ? textOf(update.message) : (h.posts(room)[0] ?? '');
  };

  beforeAll(async () => {
    h = await startIncidentStory({ database: 'incidents_fields', policy: await fastPolicy({}) });
  });
  afterAll(() => h.stop());

  it('declares with a service and an impact: the alert says them instead of "to be determined"', async () => {
    await h.say('incident p1 Exports fail --service "Report Export" --impact "No CSV exports for any org"', {
      as: 'alice',
      in: 'ops',
    });
    const alert = h.posts(room)[0] ?? '';
    expect(alert).toContain('Service: Report Export');
    expect(alert).toContain('Impact: No CSV exports for any org');
    expect(alert).toContain('ETA for Resolution: TBD');
    expect(alert).toContain('- Assess the impact and find the cause');
  });

  it('updates INC-1 from another channel with an ETA: the alert shows it, Next Steps follow the status', async () => {
    await h.say('incident update INC-1 monitoring Workers restarted, queue draining --eta 45m', {
      as: 'bob',
      in: 'ops',
    });
    const update = h.posts(room).find((p) => p.startsWith('📣')) ?? '';
    expect(update).toContain('📣 INC-1 update: MONITORING\n\nWorkers restarted, queue draining');
    expect(update).toMatch(/ETA for Resolution: \d\d:\d\d UTC/);
    const alert = alertNow();
    expect(alert).toMatch(/ETA for Resolution: \d\d:\d\d UTC/);
    expect(alert).toContain(
      '- Watch the recovery; resolve with `incident resolve <root cause>` once it holds',
    );
    expect(alert).not.toContain('find the cause');
    expect(alert).toMatch(/Updates:\n- \d\d:\d\d UTC — Workers restarted, queue draining/);
  });

  it('changing the severity is an action taken; a command naming an unknown incident says so', async () => {
    await h.say('incident severity INC-1 p2', { as: 'alice', in: 'ops' });
    expect(alertNow()).toMatch(/Actions Taken:\n(- .*\n)*- Severity changed P1 → P2/);
    await h.say('incident ack INC-99', { as: 'alice', in: 'ops' });
    expect(h.privately('alice').at(-1)).toContain('INC-99 does not exist.');
  });

  it('resolves INC-1 from #ops with the fix and the prevention, and the review meeting link', async () => {
    await h.say(
      'incident resolve INC-1 A full disk on the export worker --fix "Freed 40 GB, moved exports to the bucket" --prevention "Disk alert at 80%"',
      { as: 'alice', in: 'ops' },
    );
    const resolved = h.posts(room).at(-1) ?? '';
    expect(resolved).toContain('Service: Report Export');
    expect(resolved).toContain('Root Cause:\nA full disk on the export worker');
    expect(resolved).toContain('Resolution:\nFreed 40 GB, moved exports to the bucket');
    expect(resolved).toContain('Prevention:\nDisk alert at 80%');
    expect(resolved).toMatch(/Meeting link: https:\/\/\S+/);
  });

  it('without a reference, outside the war room: the answer says how to name the incident', async () => {
    await h.say('incident timeline', { as: 'alice', in: 'ops' });
    expect(h.privately('alice').at(-1)).toContain('`incident resolve INC-n <root cause>`');
  });
});

describe('the console after a declaration', () => {
  it('moves its user into the war room the declaration invited them to', async () => {
    const store = await openFreshStore('incidents_console_follow');
    let out = '';
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    const chat = new ConsolePlatform(stream);
    const app = await startTestApp({ db: store.db, chat, policy: await fastPolicy({}) });
    try {
      const session = new ConsoleSession(chat, app.router, { user: 'alice', channel: 'console' });
      await session.runLine('incident p1 Login broken');
      const room = warRoomToday('login-broken');
      expect(session.currentChannel).toBe(room);
      expect(out).toContain(`You were invited: you are now in #${room}.`);
      const before = out.length;
      await session.runLine('incident resolve Expired certificate renewed');
      expect(out.slice(before)).toContain('✅ INCIDENT RESOLVED ✅');
      expect(out.slice(before)).not.toContain('No incident lives in this channel');
    } finally {
      await app.stop();
      await store.close();
    }
  });
});
