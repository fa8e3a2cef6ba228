// What /slack/events checks before any work, against the real Bolt app on a real Postgres store with
// correctly signed requests: a timestamp more than 5 minutes away in either direction is refused; a body
// declared or sent larger than the limit is refused without being read; the same signed declaration
// delivered twice (a replay, Slack's retry, or to a second replica on the same store) opens one incident;
// a signed but malformed payload is answered at once instead of timing out.
import { request } from 'node:http';
import type { Db } from '../../../src/store/db.js';
import { SLACK_BODY_LIMIT } from '../../../src/chat/slack/slack-request-gate.js';
import { textOf, type FakeSlack } from '../../support/fake-slack.js';
import {
  startSlackBot,
  startSlackStory,
  type RunningSlackBot,
  type SlackStory,
} from '../../support/slack-bot.js';
import {
  SIGNING_SECRET,
  interactionBody,
  postSigned,
  slackSignature,
  slashCommandBody,
  viewSubmissionBody,
} from '../../support/slack-signing.js';
import { openTestDb } from '../../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../../support/databases.js';

let story: SlackStory;
let fake: FakeSlack;

beforeAll(async () => {
  story = await startSlackStory({ database: 'slack_checks' });
  fake = story.fake;
});
afterAll(() => story.stop());

const now = () => Math.floor(Date.now() / 1000);
const countIncidents = async (db: Db, title: string) =>
  (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents WHERE title = $1', [title]))
    .rows[0]?.n;

/** A declaration's body as Slack would post it (its own response_url and trigger, like every real one). */
const declaration = (title: string, channel = 'C0CHECKS') =>
  slashCommandBody({ text: `incident p2 ${title}`, channel_id: channel, response_url: fake.responseUrl() });

/** Waits for the incident's announcement in #incidents: the declaration's last message. */
const announced = (title: string) =>
  fake.waitFor(
    'chat.postMessage',
    (c) => c.params.channel === 'C0INCIDENTS' && textOf(c).includes(title),
    8000,
  );

/**
 * Sends headers declaring `declared` bytes (or chunked) and only `sent` bytes of body, never ending it:
 * an answer proves the server decided without reading (or without reading past the limit).
 */
function postUnfinished(
  url: string,
  options: { declared?: number; sent: number; signed?: boolean },
): Promise<number> {
  return new Promise((resolve, reject) => {
    const timestamp = now();
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (options.declared !== undefined) headers['content-length'] = String(options.declared);
    if (options.signed !== false) {
      headers['x-slack-request-timestamp'] = String(timestamp);
      headers['x-slack-signature'] = slackSignature(SIGNING_SECRET, timestamp, 'whatever');
    }
    const req = request(url, { method: 'POST', headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
    req.setTimeout(8000, () => reject(new Error('no answer: the server waited for the body')));
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    const write = () => {
      while (sent < options.sent) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', write);
      }
    };
    write();
  });
}

describe('timestamps', () => {
  it('refuses a correctly signed request stamped 10 minutes in the future (401), and runs nothing', async () => {
    const body = declaration('Future stamped');
    const answer = await postSigned(story.slack.eventsUrl, body, { timestamp: now() + 600 });
    expect(answer.status).toBe(401);
    expect(await countIncidents(story.db, 'Future stamped')).toBe(0);
  });

  it('refuses one stamped an hour ahead or 10 minutes ago, and takes one 4 minutes ahead', async () => {
    expect(
      (await postSigned(story.slack.eventsUrl, declaration('An hour ahead'), { timestamp: now() + 3600 }))
        .status,
    ).toBe(401);
    expect(
      (await postSigned(story.slack.eventsUrl, declaration('Ten minutes ago'), { timestamp: now() - 600 }))
        .status,
    ).toBe(401);
    const ahead = await postSigned(story.slack.eventsUrl, declaration('Four minutes ahead', 'C0AHEAD'), {
      timestamp: now() + 240,
    });
    expect(ahead.status).toBe(200);
    await announced('Four minutes ahead');
  });

  it('refuses a wrong signature and missing signature headers (401)', async () => {
    const body = declaration('Forged');
    expect((await postSigned(story.slack.eventsUrl, body, { secret: 'not-the-secret' })).status).toBe(401);
    const unsigned = await fetch(story.slack.eventsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(unsigned.status).toBe(401);
    expect(await countIncidents(story.db, 'Forged')).toBe(0);
  });
});

describe('body size', () => {
  it('refuses a declared 3.9 MB body with 413 before reading it', async () => {
    const status = await postUnfinished(story.slack.eventsUrl, { declared: 3_900_000, sent: 64 * 1024 });
    expect(status).toBe(413);
  });

  it('refuses an unsigned 3.9 MB body with 401 before reading it', async () => {
    const status = await postUnfinished(story.slack.eventsUrl, {
      declared: 3_900_000,
      sent: 64 * 1024,
      signed: false,
    });
    expect(status).toBe(401);
  });

  it('stops reading a chunked body (no declared length) once it passes the limit', async () => {
    const status = await postUnfinished(story.slack.eventsUrl, { sent: SLACK_BODY_LIMIT + 256 * 1024 });
    expect(status).toBe(413);
  });
});

describe('a delivery acted on once', () => {
  it('opens one incident for the same signed declaration sent twice (same signature and timestamp)', async () => {
    const body = declaration('Replayed declaration', 'C0REPLAY');
    const timestamp = now();
    const first = await postSigned(story.slack.eventsUrl, body, { timestamp });
    const again = await postSigned(story.slack.eventsUrl, body, { timestamp });
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.body).toBe('');
    await announced('Replayed declaration');
    expect(await countIncidents(story.db, 'Replayed declaration')).toBe(1);
    const announcements = fake
      .callsTo('chat.postMessage')
      .filter((c) => c.params.channel === 'C0INCIDENTS' && textOf(c).includes('Replayed declaration'));
    expect(announcements).toHaveLength(1);
  });

  it('ignores Slack’s retry of the same body (new timestamp, X-Slack-Retry-Num: 1)', async () => {
    const body = declaration('Retried declaration', 'C0RETRY');
    expect((await postSigned(story.slack.eventsUrl, body)).status).toBe(200);
    const retry = await postSigned(story.slack.eventsUrl, body, {
      timestamp: now() + 2,
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect(retry.status).toBe(200);
    await announced('Retried declaration');
    expect(await countIncidents(story.db, 'Retried declaration')).toBe(1);
  });

  describe('two replicas on one Postgres store', () => {
    let database: TestDatabase;
    const dbs: Db[] = [];
    const replicas: RunningSlackBot[] = [];

    beforeAll(async () => {
      database = await createTestDatabase('slack_replicas');
      for (let i = 0; i < 2; i++) dbs.push(await openTestDb(database.url));
      for (const db of dbs) replicas.push(await startSlackBot({ fake, db }));
    });
    afterAll(async () => {
      for (const replica of replicas) await replica.stop();
      for (const db of dbs) await db.close();
      await database.drop();
    });

    it('opens one incident when the same signed declaration reaches both at once', async () => {
      const body = declaration('Declared to both replicas', 'C0BOTH');
      const timestamp = now();
      const answers = await Promise.all(replicas.map((r) => postSigned(r.eventsUrl, body, { timestamp })));
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      await announced('Declared to both replicas');
      expect(await countIncidents(dbs[0] as Db, 'Declared to both replicas')).toBe(1);
      const rows = await (dbs[0] as Db).query('SELECT key FROM request_deliveries');
      expect(rows.rowCount).toBe(1);
    });
  });
});

describe('signed but malformed payloads are answered at once', () => {
  it('payload={} gets a 400, not a timeout', async () => {
    const answer = await postSigned(story.slack.eventsUrl, 'payload=%7B%7D');
    expect(answer.status).toBe(400);
  });

  it('block_actions without a user: the clicker is told on the response_url', async () => {
    const responseUrl = fake.responseUrl();
    const body = interactionBody({
      type: 'block_actions',
      response_url: responseUrl,
      actions: [{ type: 'button', action_id: 'x1' }],
    });
    expect((await postSigned(story.slack.eventsUrl, body)).status).toBe(200);
    const told = await fake.waitForResponse((p) => responseUrl.endsWith(p.id));
    expect(told.body).toMatchObject({ response_type: 'ephemeral' });
    expect(String(told.body.text)).toContain('That click could not be read');
  });

  it('block_actions with no actions: told on the response_url; without one, a 400', async () => {
    const responseUrl = fake.responseUrl();
    const user = { id: 'U0NOACTIONS' };
    const withUrl = interactionBody({ type: 'block_actions', user, actions: [], response_url: responseUrl });
    expect((await postSigned(story.slack.eventsUrl, withUrl)).status).toBe(200);
    await fake.waitForResponse((p) => responseUrl.endsWith(p.id));
    const without = interactionBody({ type: 'block_actions', user, trigger_id: 't.noactions' });
    expect((await postSigned(story.slack.eventsUrl, without)).status).toBe(400);
  });

  it('a view_submission with an unknown callback_id replaces the modal with a message', async () => {
    const body = viewSubmissionBody({
      user: 'U0OLDFORM',
      view: { callback_id: 'some_old_form', private_metadata: '{}' },
      values: {},
    });
    const answer = await postSigned(story.slack.eventsUrl, body);
    expect(answer.status).toBe(200);
    const json = JSON.parse(answer.body) as { response_action: string; view: { blocks: unknown[] } };
    expect(json.response_action).toBe('update');
    expect(JSON.stringify(json.view.blocks)).toContain('not one the bot handles');
  });
});
