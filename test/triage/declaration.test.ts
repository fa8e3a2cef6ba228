// Triage on declaration: `incident p1 Report generation down` posts the reports-failing triage in
// its war room (Oracle BI hanging: that row times out, the card still settles), and the timeline
// says so; a title matching no symptom gets a menu, and picking from it triages in the war room.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { buildTargets } from '../../src/targets/build-targets.js';
import { silentLogger } from '../../src/core/logger.js';
import { FakeOracleBi } from '../support/fake-oracle-bi.js';
import {
  buttonIn,
  eventually,
  startIncidentStory,
  warRoomToday,
  type IncidentStory,
} from '../support/incident-harness.js';
import { policyWith, testConfig } from '../support/test-app.js';

let bi: FakeOracleBi;
let story: IncidentStory;

beforeAll(async () => {
  bi = await FakeOracleBi.start();
  bi.hang = true;
  const policy = await policyWith((yaml) => yaml.replace('deadline: 5s', 'deadline: 1s'));
  const targets = await buildTargets(
    testConfig({ ORACLE_BI_URL: bi.url, OATIE_TARGET_TIMEOUT_MS: '10000' }),
    silentLogger,
  );
  story = await startIncidentStory({ policy, targets, database: 'triagedecl' });
});

afterAll(async () => {
  await story.stop();
  await bi.stop();
});

describe('triage on declaration', () => {
  test('a P1 titled "Report generation down" gets the reports-failing triage in its war room', async () => {
    await story.say('incident p1 Report generation down');
    const room = warRoomToday('report-generation-down');
    // Posted inside the declaration on the happy path; on a loaded machine it may come just after.
    await eventually('the triage card', () =>
      story.posts(room).find((p) => p.includes('Triage: Reports Failing to Generate')),
    );
    const settled = () =>
      story.chat.calls
        .flatMap((c) => (c.op === 'update' && c.channel === room ? [c.message.text] : []))
        // Updates say "n of 6 checks done" until every check has answered or given up.
        .filter((text) => text.startsWith('Triage reports-failing:') && !text.includes('checks done'))
        .pop();
    const final = await eventually('the settled card', settled);
    expect(final).toMatch(
      /^Triage reports-failing: 1 timed out, 5 not configured; most likely: Oracle BI Publisher connection/,
    );

    await story.say('incident timeline', { in: room });
    const timeline = story.posts(room).pop() ?? '';
    expect(timeline).toContain('Triage reports-failing: 1 timed out, 5 not configured');
  });

  test('a title that matches no symptom gets the menu; picking one triages in the war room', async () => {
    await story.say('incident p1 Something is off with the widgets');
    const room = warRoomToday('something-is-off-with-the-widgets');
    await eventually('the symptom menu', () =>
      story.posts(room).find((p) => p.includes('No symptom of the troubleshooting guide matches the title')),
    );
    await story.press(await buttonIn(story.chat, room, 'db-pool'), { in: room, as: 'bob' });
    await eventually('the db-pool triage', () =>
      story.posts(room).some((p) => p.includes('Triage: Connection Pool Exhaustion')),
    );
    await story.say('incident timeline', { in: room });
    const timeline = story.posts(room).pop() ?? '';
    expect(timeline).toContain('No symptom matched the title: symptom menu posted');
    expect(timeline).toContain('Triage db-pool: 3 not configured');
  });

  test('a P3 has no war room: no triage is posted where it was declared', async () => {
    await story.say('incident p3 Report generation down in staging', { in: 'staging' });
    expect(story.posts('staging').some((p) => p.includes('Triage:'))).toBe(false);
  });
});
