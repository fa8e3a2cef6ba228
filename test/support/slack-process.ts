// The bot as a real process in Slack mode (HTTP, signature checks on) against the fake Slack, for the
// reliability suite and other process tests: start one or several on one store, ask each a command as
// a user of its own and wait for that user's private answer, stop them cleanly.
import type { FakeSlack, SlackCall } from './fake-slack.js';
import { readyPort, startBot, type BotRun, type RunningBot } from './run-bot.js';
import { postSigned, SIGNING_SECRET, slashCommandBody, type SignedPost } from './slack-signing.js';
import { waitDeadline } from './wait.js';

export interface SlackProcess {
  bot: RunningBot;
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  eventsUrl: string;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<BotRun>;
}

/** Starts the bot (run-bot.ts) with Slack credentials pointing at `fake`, plus `env`, and waits until it is ready. */
export async function startSlackProcess(fake: FakeSlack, env: Record<string, string>): Promise<SlackProcess> {
  const bot = startBot({
    LOG_LEVEL: 'info',
    PORT: '0',
    SLACK_BOT_TOKEN: 'xoxb-process-test',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.url,
    ...env,
  });
  const port = await readyPort(bot, 120_000);
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    bot,
    baseUrl,
    eventsUrl: `${baseUrl}/slack/events`,
    async stop(graceMs = 15_000) {
      if (bot.child.exitCode !== null || bot.child.signalCode !== null) return bot.exited;
      bot.child.kill('SIGTERM');
      const timer = setTimeout(() => bot.child.kill('SIGKILL'), graceMs);
      try {
        return await bot.exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

export interface AskedCommand {
  ack: SignedPost;
  /** The channel the command was sent from (its own). */
  channel: string;
  /** The private answer to the caller (chat.postEphemeral to them, else a post to the command's
   * response_url), as JSON text, once it has come. */
  answer(timeoutMs?: number): Promise<string>;
  /** Whether it has been answered yet. */
  answered(): boolean;
}

/** A command's answer, when there is one: a post in its channel, an ephemeral to its caller, or a
 * response_url post. */
function answerOf(
  fake: FakeSlack,
  since: number,
  user: string,
  channel: string,
  responseId: string,
): string | undefined {
  const call = fake.calls
    .slice(since)
    .find(
      (c: SlackCall) =>
        c.status === 200 &&
        c.params.channel === channel &&
        (c.method === 'chat.postMessage' || (c.method === 'chat.postEphemeral' && c.params.user === user)),
    );
  if (call) return JSON.stringify(call.params.blocks ?? call.params.text);
  const posted = fake.responses.find((r) => r.id === responseId);
  return posted ? JSON.stringify(posted.body) : undefined;
}

let asked = 0;

/**
 * Sends `/oatie <text>` to `to` as a user in a channel used for this one command only, so that its
 * answer (in the channel or private) is told apart from every other's; returns the ack and a way to
 * wait for the answer.
 */
export async function ask(
  fake: FakeSlack,
  to: Pick<SlackProcess, 'eventsUrl'>,
  text: string,
  /** Who asks (a policy person's Slack id, for commands that need one); default a user of its own. */
  as?: string,
): Promise<AskedCommand> {
  asked += 1;
  const user = as ?? `U0ASK${asked}`;
  const channel = `C0ASK${asked}`;
  const since = fake.calls.length;
  const responseUrl = fake.responseUrl();
  const responseId = responseUrl.slice(responseUrl.lastIndexOf('/') + 1);
  const ack = await postSigned(
    to.eventsUrl,
    slashCommandBody({ text, user_id: user, channel_id: channel, response_url: responseUrl }),
  );
  return {
    ack,
    channel,
    answered: () => answerOf(fake, since, user, channel, responseId) !== undefined,
    async answer(timeoutMs = 30_000) {
      const deadline = waitDeadline(timeoutMs);
      for (;;) {
        const found = answerOf(fake, since, user, channel, responseId);
        if (found !== undefined) return found;
        if (Date.now() > deadline)
          throw new Error(`no answer to "${text}" for ${user} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}
