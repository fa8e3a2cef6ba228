// Paced load of signed slash commands: `perSecond` requests a second for `durationMs`, each sent on time
// whether or not earlier ones were answered (an open-loop load, as Slack sends), over kept-alive
// connections. Returns each acknowledgement's round trip, sorted, and the requests that failed.
import { Agent, request } from 'node:http';
import { slackSignature, SIGNING_SECRET, slashCommandBody } from '../test/support/slack-signing.js';

export interface LoadResult {
  sent: number;
  ackMs: number[];
  errors: number;
  /** Acks that said "busy" instead of running the command. */
  busy: number;
}

function post(agent: Agent, url: URL, body: string): Promise<{ ms: number; ok: boolean; busy: boolean }> {
  const timestamp = Math.floor(Date.now() / 1000);
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        timeout: 10_000,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          'x-slack-request-timestamp': String(timestamp),
          'x-slack-signature': slackSignature(SIGNING_SECRET, timestamp, body),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () =>
          resolve({
            ms: performance.now() - started,
            ok: res.statusCode === 200,
            busy: text.includes('busy'),
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ ms: performance.now() - started, ok: false, busy: false }));
    req.end(body);
  });
}

export async function pacedLoad(options: {
  url: string;
  perSecond: number;
  durationMs: number;
  text: string;
  /** A fresh response_url per command (the fake Slack records posts to it). */
  responseUrl?: () => string;
}): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const url = new URL(options.url);
  const sends: Array<Promise<{ ms: number; ok: boolean; busy: boolean }>> = [];
  const started = performance.now();
  const total = Math.round((options.perSecond * options.durationMs) / 1000);
  for (let i = 0; i < total; i += 1) {
    const due = started + (i * 1000) / options.perSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const body = slashCommandBody({
      text: options.text,
      user_id: 'U0ONCALL01',
      ...(options.responseUrl ? { response_url: options.responseUrl() } : {}),
    });
    sends.push(post(agent, url, body));
  }
  const results = await Promise.all(sends);
  agent.destroy();
  return {
    sent: total,
    ackMs: results
      .filter((r) => r.ok)
      .map((r) => r.ms)
      .sort((a, b) => a - b),
    errors: results.filter((r) => !r.ok).length,
    busy: results.filter((r) => r.busy).length,
  };
}
