// A request nobody approves in time expires: the durable timer marks it and updates the card, and
// an Approve that comes after its time — timer fired or not — runs nothing.
import {
  repliesText,
  startFixStory,
  type Card,
  type FixHarness,
  type FixStory,
} from '../support/fix-harness.js';
import { eventually } from '../support/oatie-database.js';
import { policyWith } from '../support/test-app.js';

let story: FixStory;
let bot: FixHarness;

beforeAll(async () => {
  const policy = await policyWith((yaml) => yaml.replace('approvalTtl: 15m', 'approvalTtl: 1s'));
  story = await startFixStory({ oatie: 'expiry', policy });
  ({ bot } = story);
});

afterAll(() => story.close());

async function requestTerminate(): Promise<{ pid: number; card: Card }> {
  const { pid } = await story.sleeper();
  await bot.type(`db terminate ${pid}`, 'alice');
  return { pid, card: bot.lastCard() };
}

describe('expiry of a fix request', () => {
  it('is marked expired by its timer, the card says so, and Approve then runs nothing', async () => {
    bot.app.scheduler.start();
    const { pid, card } = await requestTerminate();
    expect(bot.cardText(card)).toContain('(1 second after the request)');
    await eventually(
      'the card to show the expiry',
      () => Promise.resolve(bot.cardText(card).includes('expired') ? true : undefined),
      4000,
    );
    const text = bot.cardText(card);
    expect(text).toContain('⌛ Fix request expired: db terminate');
    expect(text).toContain('Nobody approved it before');
    expect(text).toContain('Nothing ran.');
    expect(text).not.toContain('[Approve]');

    const late = await bot.press(card.approve, 'bob');
    expect(repliesText(late.replies ?? [])).toMatch(
      /This request expired at .*; it cannot be approved\. Nothing ran\./,
    );
    expect(await story.alive(pid)).toBe(true);
    expect((await bot.fixEvents()).map((e) => [e.event, e.actor, e.outcome])).toEqual([
      ['fix.requested', 'alice', 'pending'],
      ['fix.expired', 'oatie-ops', 'expired'],
      ['fix.refused', 'bob', 'already-expired'],
    ]);
    await bot.app.scheduler.stop();
  });

  it('is refused at approval once its time is up even when the timer has not fired yet', async () => {
    const { pid, card } = await requestTerminate();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const late = await bot.press(card.approve, 'bob');
    expect(repliesText(late.replies ?? [])).toContain('it cannot be approved. Nothing ran.');
    expect(bot.cardText(card)).toContain('⌛ Fix request expired');
    expect(await story.alive(pid)).toBe(true);
    const [last] = (await bot.approvals()).slice(-1);
    expect(last).toMatchObject({ state: 'expired', approver: null });

    // The timer fires afterwards and finds nothing to do: one expiry in the audit log.
    await bot.app.scheduler.runDue();
    const expiries = (await bot.fixEvents()).filter(
      (e) => e.event === 'fix.expired' && e.detail?.approvalId === last?.id,
    );
    expect(expiries).toHaveLength(1);
  });
});
