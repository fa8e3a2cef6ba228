// A suggested-fix button under a diagnostic (fix.propose) starts the same flow as typing the fix:
// same validation, same card (with the diagnostic's reason), same approval.
import { mention } from '../../src/chat/message.js';
import { fixButton } from '../../src/diagnostics/fix-button.js';
import { requestFix } from '../../src/approvals/request-fix.js';
import { dbTerminateLong } from '../../src/remediations/db-terminate-long.js';
import {
  repliesText,
  startFixHarness,
  startFixStory,
  type FixHarness,
  type FixStory,
} from '../support/fix-harness.js';
import type { OatieDatabase } from '../support/oatie-database.js';
import { policyWith } from '../support/test-app.js';

let story: FixStory;
let oatie: OatieDatabase;
let bot: FixHarness;

const sleeping = async (app: string): Promise<number> => (await story.sleeper(app)).pid;

beforeAll(async () => {
  const policy = await policyWith((yaml) => yaml.replace('minTerminateAge: 5m', 'minTerminateAge: 1s'));
  story = await startFixStory({ oatie: 'suggested', policy });
  ({ oatie, bot } = story);
});

afterAll(() => story.close());

describe('suggested-fix buttons', () => {
  it('open the approval card of the fix, with the diagnostic as the reason', async () => {
    const pid = await sleeping('blocker');
    const button = await fixButton(bot.app.services, `Terminate ${pid}`, {
      command: 'db terminate',
      args: { pid: String(pid) },
      why: 'db blocking: this backend blocks 3 queries',
    });
    expect(await bot.press(button.actionId, 'alice')).toEqual({
      clicked: { note: `🛠️ ${mention('alice')} proposed this fix — see the approval card` },
    });
    const card = bot.lastCard();
    expect(bot.cardText(card)).toContain(`SELECT pg_terminate_backend(${pid})`);
    expect(bot.cardText(card)).toContain('Why: db blocking: this backend blocks 3 queries');
    await bot.press(card.approve, 'bob');
    await story.ended(pid);
    expect((await bot.fixEvents()).at(-1)).toMatchObject({ event: 'fix.executed', actor: 'bob' });
  });

  it('re-validate their payload with the command’s own schema', async () => {
    const notAFix = await bot.app.services.actions.create('fix.propose', {
      command: 'db connections',
      args: {},
    });
    expect(repliesText((await bot.press(notAFix, 'alice')).replies ?? [])).toContain(
      '`db connections` is not a fix of the catalog.',
    );
    const badPid = await bot.app.services.actions.create('fix.propose', {
      command: 'db terminate',
      args: { pid: '1; DROP TABLE users' },
    });
    expect(repliesText((await bot.press(badPid, 'alice')).replies ?? [])).toContain(
      'bad argument (pid: expected a process id',
    );
    const junk = await bot.app.services.actions.create('fix.propose', 'db terminate 1');
    expect(repliesText((await bot.press(junk, 'alice')).replies ?? [])).toContain(
      'That suggested fix is malformed',
    );
    expect(await bot.approvals()).toHaveLength(1);
  });

  it('terminate-long lists the long queries and terminates those still running them', async () => {
    const first = await sleeping('nightly-export');
    const second = await sleeping('nightly-export');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    // A catalog threshold is at least a minute; the flow after parsing is the same with one second.
    await requestFix(bot.app.services, {
      fix: dbTerminateLong,
      args: { olderThan: 1000 },
      caller: 'alice',
      channel: 'ops',
    });
    const card = bot.lastCard();
    const shown = bot.cardText(card);
    expect(shown).toContain('Terminate 2 backend(s) whose query has run longer than 1 second');
    expect(shown).toContain(`WHERE pid IN (${first}, ${second})`);
    expect(shown).toMatch(new RegExp(`${first}\\s+postgres\\s+nightly-export\\s+active`));
    await oatie.sql('SELECT pg_cancel_backend($1)', [second]);
    await bot.press(card.approve, 'carol');
    await story.ended(first);
    expect(await story.alive(second)).toBe(true);
    const after = bot.cardText(card);
    expect(after).toContain('1 of 2 backend(s) terminated.');
    expect(after).toContain(`terminated: ${first}`);
    expect(after).toContain(`no longer running the listed query (left alone): ${second}`);
  });

  it('terminate-long refuses a threshold under the policy minimum', async () => {
    const strict = await startFixHarness({ db: story.db, env: story.env });
    try {
      const replies = await strict.type('db terminate-long --older-than 2m', 'alice');
      expect(repliesText(replies)).toContain(
        '--older-than must be at least 5 minutes (policy fixes.minTerminateAge).',
      );
    } finally {
      await strict.close();
    }
  });
});
