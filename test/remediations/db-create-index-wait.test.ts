// `db create-index` while an old transaction stays open: the concurrent build waits for it. The card
// shows the phase and the pid it waits for instead of "Running now" alone, the wait is bounded by
// policy fixes.createIndexTimeout, and the INVALID index left behind is dropped.
import { textOf } from '../support/fix-harness.js';
import { startFixStory, type FixHarness, type FixStory } from '../support/fix-harness.js';
import type { OatieDatabase } from '../support/oatie-database.js';
import { policyWith } from '../support/test-app.js';

let story: FixStory;
let oatie: OatieDatabase;
let bot: FixHarness;

beforeAll(async () => {
  const policy = await policyWith((yaml) =>
    yaml.replace('createIndexTimeout: 30m', 'createIndexTimeout: 3s'),
  );
  story = await startFixStory({ oatie: 'indexwait', policy });
  ({ oatie, bot } = story);
});

afterAll(() => story.close());

describe('db create-index behind a long transaction', () => {
  it('shows what it waits for, gives up at the policy timeout and drops the INVALID index', async () => {
    const reporting = await oatie.client('nightly-report');
    story.track(reporting);
    await reporting.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await reporting.query('SELECT count(*) FROM reports');
    const [{ pid }] = (await reporting.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows as [
      { pid: number },
    ];

    await bot.type('db create-index users last_login_at', 'alice');
    const card = bot.lastCard();
    expect(bot.cardText(card)).toContain(
      'Bounded: gives up after 3 seconds, waits for older transactions included',
    );
    await bot.press(card.approve, 'bob');

    const progress = bot.chat.calls
      .filter((c) => c.op === 'update' && c.id === card.posted.id)
      .map((c) => ('message' in c ? textOf(c.message) : ''))
      .filter((t) => t.includes('Progress:'));
    expect(progress[0]).toContain('⏳ Fix running: db create-index');
    expect(progress.join('\n')).toMatch(
      new RegExp(`Progress: waiting for old snapshots.*waiting for pid ${pid}`),
    );

    const after = bot.cardText(card);
    expect(after).toContain('❌ Fix failed: db create-index');
    expect(after).toMatch(
      new RegExp(
        `CREATE INDEX CONCURRENTLY failed: It gave up within its limit of 3 seconds \\(policy fixes.createIndexTimeout, OATIE_FIX_TIMEOUT_MS\\); last seen: waiting for old snapshots: 0 of 1 older transactions done, waiting for pid ${pid} \\(open transactions\\)\\. `,
      ),
    );
    expect(after).toContain('It left the INVALID index public.idx_users_last_login_at, which was dropped.');
    expect(after).not.toContain('Progress:');
    const left = await oatie.sql("SELECT 1 FROM pg_class WHERE relname = 'idx_users_last_login_at'");
    expect(left).toEqual([]);
    await reporting.query('ROLLBACK');
  });
});
