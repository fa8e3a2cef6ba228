// The fake Slack of the ack benchmark in its own process: the load generator then times acks on an
// event loop that does nothing else (in one process, serving the bot's answers delayed the timing of
// the bot's acks, and not the bare app's, which sends none). Sends {"port"} when listening, then
// answers each "delivered" message with how many answers (response_url posts and ephemerals) came.
import { FakeSlack } from '../test/support/fake-slack.js';

const fake = await FakeSlack.start();
const send = (message: unknown) => process.send?.(message);
send({ port: Number(new URL(fake.url).port) });
process.on('message', (message) => {
  if (message === 'delivered')
    send({ delivered: fake.responses.length + fake.callsTo('chat.postEphemeral').length });
});
process.on('disconnect', () => void fake.stop().then(() => process.exit(0)));
