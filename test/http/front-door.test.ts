// The front door: Slack's requests are acked on a thread of their own, which owns the port. A signed
// command is acked there (with its "working" note) and handed to the main thread; a forged one is
// refused and handed nowhere; every other route reaches the main thread's server; past its admission
// limit the front door forwards Slack's requests to the main thread (whose gate answers "busy"); and an
// ack is written while the main thread is stuck in a long synchronous job.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from '@jest/globals';
import type { PassedRequest } from '../../src/chat/slack/slack-request-gate.js';
import { silentLogger } from '../../src/core/logger.js';
import { openFrontDoor, type FrontDoor } from '../../src/http/front-door.js';
import { eventually } from '../support/incident-harness.js';
import { SIGNING_SECRET, postSigned, slackSignature, slashCommandBody } from '../support/slack-signing.js';

interface Rig {
  url: string;
  acked: PassedRequest[];
  /** Calls `done` for each acked request (frees its place). */
  finish(): void;
  /** What the main thread's server received. */
  inner: Array<{ method: string; url: string; body: string }>;
  stop(): Promise<void>;
}

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

async function startRig(admitLimit = 100): Promise<Rig> {
  const inner: Rig['inner'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      inner.push({ method: req.method ?? '', url: req.url ?? '', body });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`main thread: ${req.method} ${req.url}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const acked: PassedRequest[] = [];
  const dones: Array<() => void> = [];
  const door: FrontDoor = await openFrontDoor({
    port: 0,
    host: '127.0.0.1',
    innerPort: (server.address() as AddressInfo).port,
    slackPath: '/slack/events',
    signingSecret: SIGNING_SECRET,
    bodyLimit: 1024 * 1024,
    admitLimit,
    log: silentLogger,
    onAcked: (request, done) => {
      acked.push(request);
      dones.push(done);
    },
    onFailure: (reason) => {
      throw new Error(reason);
    },
  });
  return {
    url: `http://127.0.0.1:${door.port}`,
    acked,
    inner,
    finish: () => dones.splice(0).forEach((done) => done()),
    async stop() {
      await door.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('the front door', () => {
  test('acks a signed command with its working note and hands it to the main thread; a forged one is refused', async () => {
    rig = await startRig();
    const answer = await postSigned(`${rig.url}/slack/events`, slashCommandBody({ text: 'db connections' }));
    expect(answer).toMatchObject({ status: 200, body: '⏳ Working on it…' });
    const help = await postSigned(`${rig.url}/slack/events`, slashCommandBody({ text: 'help' }));
    expect(help).toMatchObject({ status: 200, body: '' });
    await eventually('both handed on', () => rig?.acked.length === 2);
    const [first] = rig.acked;
    expect(first?.passed).toMatchObject({ type: 'command', body: { text: 'db connections' } });
    expect(first?.deliveryKey).toMatch(/^[0-9a-f]{64}$/);

    const forged = await postSigned(`${rig.url}/slack/events`, slashCommandBody({ text: 'help' }), {
      secret: 'not-the-secret',
    });
    expect(forged.status).toBe(401);
    expect(rig.acked).toHaveLength(2);
    expect(rig.inner).toHaveLength(0);
  });

  test('every other route reaches the main thread, body and all', async () => {
    rig = await startRig();
    const live = await fetch(`${rig.url}/livez`);
    expect(await live.text()).toBe('main thread: GET /livez');
    const teams = await fetch(`${rig.url}/api/messages?x=1`, { method: 'POST', body: '{"type":"message"}' });
    expect(await teams.text()).toBe('main thread: POST /api/messages?x=1');
    expect(rig.inner.at(-1)).toEqual({
      method: 'POST',
      url: '/api/messages?x=1',
      body: '{"type":"message"}',
    });
  });

  test('past its admission limit it forwards Slack requests to the main thread, until places are freed', async () => {
    rig = await startRig(2);
    const body = (n: number) => slashCommandBody({ text: `help ${n}` });
    for (const n of [1, 2]) await postSigned(`${rig.url}/slack/events`, body(n));
    const third = await postSigned(`${rig.url}/slack/events`, body(3));
    // The main thread's gate checks it again and answers (there: "busy, try again").
    expect(third.body).toBe('main thread: POST /slack/events');
    expect(rig.inner[0]?.body).toBe(body(3));
    expect(rig.acked).toHaveLength(2);
    rig.finish();
    const fourth = await postSigned(`${rig.url}/slack/events`, body(4));
    expect(fourth.body).toBe('');
    await eventually('the fourth handed on', () => rig?.acked.length === 3);
  });

  test('acks while the main thread is stuck in a long synchronous job', async () => {
    rig = await startRig();
    const body = slashCommandBody({ text: 'help' });
    const timestamp = Math.floor(Date.now() / 1000);
    const out = join(mkdtempSync(join(tmpdir(), 'front-door-')), 'answer.json');
    // The client runs in its own process: this thread is about to be stuck.
    const client = spawn(
      process.execPath,
      [
        '-e',
        `fetch(process.env.URL, { method: 'POST', body: process.env.BODY, headers: {
           'content-type': 'application/x-www-form-urlencoded',
           'x-slack-request-timestamp': process.env.TS, 'x-slack-signature': process.env.SIG } })
         .then((r) => {
           const fs = require('node:fs');
           fs.writeFileSync(process.env.OUT + '.part', JSON.stringify({ status: r.status, at: Date.now() }));
           fs.renameSync(process.env.OUT + '.part', process.env.OUT);
         });`,
      ],
      {
        env: {
          PATH: process.env.PATH,
          URL: `${rig.url}/slack/events`,
          BODY: body,
          TS: String(timestamp),
          SIG: slackSignature(SIGNING_SECRET, timestamp, body),
          OUT: out,
        },
        stdio: 'inherit',
      },
    );
    // Stuck until the client has written its answer down, for at most 20 s.
    const stuckUntil = Date.now() + 20_000;
    const pause = new Int32Array(new SharedArrayBuffer(4));
    while (!existsSync(out) && Date.now() < stuckUntil) Atomics.wait(pause, 0, 0, 20);
    const unstuckAt = Date.now();
    await eventually('the client reports', () => existsSync(out), 20_000);
    client.kill();
    const report = JSON.parse(readFileSync(out, 'utf8')) as { status: number; at: number };
    rmSync(dirname(out), { recursive: true });
    expect(report.status).toBe(200);
    expect(report.at).toBeLessThanOrEqual(unstuckAt);
    // Handed on once the main thread turns again.
    await eventually('handed on', () => rig?.acked.length === 1);
  });
});
