// The floor the bot's acks are compared to: a bare Bolt app over HTTP that only acks /oatie. Run as its
// own process by the ack benchmark; prints {"port": n} on standard output when listening.
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { SIGNING_SECRET } from '../test/support/slack-signing.js';

const receiver = new HTTPReceiver({ signingSecret: SIGNING_SECRET, endpoints: '/slack/events' });
// botId and botUserId given: Bolt needs no auth.test call before the first listener runs.
const app = new App({
  token: 'xoxb-bare',
  botId: 'B0BARE',
  botUserId: 'U0BARE',
  receiver,
  logLevel: LogLevel.ERROR,
});
app.command(/.*/, async ({ ack }) => {
  await ack();
});
const server = await receiver.start(0);
const address = server.address();
process.stdout.write(
  `${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`,
);
process.on('SIGTERM', () => process.exit(0));
