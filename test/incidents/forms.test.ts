// On a platform with forms (Slack modals), a declaration, update or resolution that lacks its text
// opens a form; the submitted values do the rest. Without a form handle, the usage is the answer.
import type { Form } from '../../src/chat/message.js';
import {
  buttonIn,
  fastPolicy,
  startIncidentStory,
  warRoomToday,
  type IncidentStory,
} from '../support/incident-harness.js';
import { RecordingPlatform } from '../support/recording-platform.js';

describe('incident forms', () => {
  let h: IncidentStory;
  const room = warRoomToday('scheduled-reports-not-sent');
  const lastForm = (): Form => {
    const call = h.chat.calls.filter((c) => c.op === 'form').at(-1);
    if (call?.op !== 'form') throw new Error('no form opened');
    return call.form;
  };

  beforeAll(async () => {
    const chat = new RecordingPlatform();
    chat.supportsForms = true;
    h = await startIncidentStory({ database: 'incidents_forms', policy: await fastPolicy({}), chat });
  });
  afterAll(() => h.stop());

  it('opens the declare form for a bare `incident`, and declares from its values', async () => {
    await h.say('incident', { trigger: 'T1' });
    const form = lastForm();
    expect(form.fields.map((f) => f.name)).toEqual(['severity', 'title', 'service', 'impact']);
    expect(form.fields[0]?.options?.map((o) => o.label)).toEqual([
      'P0: Critical',
      'P1: High',
      'P2: Medium',
      'P3: Low',
    ]);

    await h.press(form.actionId, { values: { severity: 'p9', title: 'x' } });
    expect(h.privately('alice').at(-1)).toContain('severity: expected p0, p1, p2 or p3.');

    await h.press(form.actionId, {
      as: 'alice',
      in: 'slack-modal',
      values: {
        severity: 'p1',
        title: 'Scheduled reports not sent',
        service: 'Report Scheduler',
        impact: 'No scheduled emails since 09:00',
      },
    });
    const alert = h.posts(room)[0] ?? '';
    expect(alert).toContain('Service: Report Scheduler');
    expect(alert).toContain('Impact: No scheduled emails since 09:00');
    // Declared from #ops, where the form was opened, not from wherever the submission came.
    expect(h.posts('ops').at(-1)).toContain(`War room: #${room}`);
  });

  it('opens the update form from the Post update button and posts the submitted update', async () => {
    await h.press(await buttonIn(h.chat, room, 'Post update'), { in: room, trigger: 'T2' });
    const form = lastForm();
    expect(form.title).toBe('Update INC-1');
    expect(form.fields.map((f) => f.name)).toEqual(['status', 'text', 'eta', 'public']);
    await h.press(form.actionId, {
      in: room,
      values: {
        status: 'identified',
        text: 'The mail relay rejects our TLS version',
        public: 'no',
        eta: '45m',
      },
    });
    expect(h.posts(room).at(-1)).toContain(
      '📣 INC-1 update: IDENTIFIED\n\nThe mail relay rejects our TLS version',
    );
    // The ETA field is the typed --eta: same grammar, same result.
    expect(h.posts(room).at(-1)).toContain('ETA for Resolution:');
  });

  it('opens the resolution form (root cause, resolution, prevention) and resolves with them', async () => {
    await h.say('incident resolve', { in: room, trigger: 'T3' });
    const form = lastForm();
    expect(form.fields.map((f) => f.name)).toEqual(['rootCause', 'resolution', 'prevention']);
    await h.press(form.actionId, {
      in: room,
      values: {
        rootCause: 'The relay dropped TLS 1.2 overnight.',
        resolution: '- Re-enabled TLS 1.2 on the relay\n- Re-sent the missed reports',
        prevention: '- Alert on relay handshake failures',
      },
    });
    const resolved = h.posts(room).at(-1) ?? '';
    expect(resolved).toContain('Root Cause:\nThe relay dropped TLS 1.2 overnight.');
    expect(resolved).toContain(
      'Resolution:\n- Re-enabled TLS 1.2 on the relay\n- Re-sent the missed reports',
    );
    expect(resolved).toContain('Prevention:\n- Alert on relay handshake failures');
  });

  it('answers with the usage when the platform gave no form handle, or the update is not public-ready', async () => {
    await h.say('incident p1', { in: 'ops' });
    expect(h.privately('alice').at(-1)).toContain('incident p0|p1|p2|p3 <title>');
    await h.say('incident p2 Slow exports', { in: 'exports' });
    await h.say('incident update identified Index missing --public', { in: 'exports', as: 'bob' });
    expect(h.posts('exports').at(-1)).toContain('📣 INC-2 update: IDENTIFIED');
    expect(h.privately('bob').at(-1)).toContain(
      'not on the status page: it is not configured (set STATUSPAGE_API_KEY and STATUSPAGE_PAGE_ID)',
    );
  });
});
