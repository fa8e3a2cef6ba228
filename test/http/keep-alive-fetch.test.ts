// The fetch the Slack adapter answers through (src/http/keep-alive-fetch.ts), against a real HTTP
// server: what it sends and gets back is what Node's fetch would send and give, connections are kept
// alive between calls, and a server that stalls, cuts the answer or is given up on never leaves a
// call hanging.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { keepAliveFetch } from '../../src/http/keep-alive-fetch.js';

interface Seen {
  method: string;
  headers: IncomingMessage['headers'];
  body: string;
  socket: number;
}

describe('keepAliveFetch', () => {
  let server: Server;
  let base: string;
  let handle: (req: IncomingMessage, res: ServerResponse, seen: Seen) => void;
  const seen: Seen[] = [];
  const sockets = new WeakMap<object, number>();
  let nextSocket = 0;
  const fetchIt = keepAliveFetch({ timeoutMs: 5000 });

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (!sockets.has(req.socket)) sockets.set(req.socket, (nextSocket += 1));
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const one = {
          method: req.method ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
          socket: sockets.get(req.socket) ?? 0,
        };
        seen.push(one);
        handle(req, res, one);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(() => {
    seen.length = 0;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the method, headers and body, and gives back the status, headers and body', async () => {
    handle = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-oauth-scopes': 'chat:write' });
      res.end('{"ok":true}');
    };
    const response = await fetchIt(`${base}/api/chat.postEphemeral`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Bearer xoxb-1' },
      body: 'channel=C1&text=h%C3%A9',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-oauth-scopes')).toBe('chat:write');
    expect(await response.json()).toEqual({ ok: true });
    expect(seen[0]).toMatchObject({ method: 'POST', body: 'channel=C1&text=h%C3%A9' });
    expect(seen[0]?.headers).toMatchObject({
      authorization: 'Bearer xoxb-1',
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': String(Buffer.byteLength('channel=C1&text=h%C3%A9')),
    });
  });

  it('gives a refusal (429 with Retry-After) as an answer, not an error, and a 204 without a body', async () => {
    handle = (req, res) => {
      if (req.url === '/busy') {
        res.writeHead(429, { 'retry-after': '3' });
        res.end('slow down');
      } else {
        res.writeHead(204);
        res.end();
      }
    };
    const busy = await fetchIt(`${base}/busy`, { method: 'POST', body: 'x' });
    expect(busy.status).toBe(429);
    expect(busy.ok).toBe(false);
    expect(busy.headers.get('retry-after')).toBe('3');
    expect(await busy.text()).toBe('slow down');
    const empty = await fetchIt(`${base}/empty`);
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
  });

  it('answers a plain call (no Response built) with the status, a header and the text, on the same connections', async () => {
    handle = (req, res) => {
      res.writeHead(req.url === '/busy' ? 429 : 200, {
        'retry-after': '2',
        'content-type': 'application/json',
      });
      res.end('{"ok":"é"}');
    };
    const ok = await fetchIt.plain(`${base}/api/chat.postEphemeral`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: 'Bearer xoxb-1' },
      body: '{"text":"é"}',
    });
    expect(ok).toMatchObject({ status: 200, text: '{"ok":"é"}' });
    const busy = await fetchIt.plain(`${base}/busy`, { method: 'POST', headers: {}, body: 'x' });
    expect(busy.status).toBe(429);
    expect(busy.header('Retry-After')).toBe('2');
    expect(busy.header('x-missing')).toBeUndefined();
    expect(seen[0]?.body).toBe('{"text":"é"}');
    expect(seen[0]?.headers).toMatchObject({ authorization: 'Bearer xoxb-1', 'content-length': '13' });
    expect(seen[1]?.socket).toBe(seen[0]?.socket);
  });

  it('gives up on a plain call at its deadline too', async () => {
    const quick = keepAliveFetch({ timeoutMs: 100 });
    handle = () => undefined; // never answers
    await expect(
      quick.plain(`${base}/stall`, { method: 'POST', headers: {}, body: 'x' }),
    ).rejects.toMatchObject({
      name: 'TimeoutError',
    });
  });

  it('keeps the connection alive: calls one after the other share it', async () => {
    handle = (_req, res) => res.end('ok');
    for (let i = 0; i < 3; i += 1)
      await (await fetchIt(`${base}/again`, { method: 'POST', body: 'x' })).text();
    expect(seen.map((s) => s.socket)).toEqual([seen[0]?.socket, seen[0]?.socket, seen[0]?.socket]);
  });

  it('gives up on a server that does not answer, at its deadline', async () => {
    const quick = keepAliveFetch({ timeoutMs: 100 });
    handle = () => undefined; // never answers
    await expect(quick(`${base}/stall`, { method: 'POST', body: 'x' })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
  });

  it('stops when the caller’s signal aborts', async () => {
    handle = () => undefined;
    const controller = new AbortController();
    const call = fetchIt(`${base}/stall`, { method: 'POST', body: 'x', signal: controller.signal });
    await waitForRequest();
    controller.abort(new Error('given up by the caller'));
    await expect(call).rejects.toThrow('given up by the caller');
  });

  it('fails when the connection is cut before the whole answer came', async () => {
    handle = (_req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      setImmediate(() => res.socket?.destroy());
    };
    await expect(fetchIt(`${base}/cut`, { method: 'POST', body: 'x' })).rejects.toThrow();
  });

  it('gives a form with files to the platform’s fetch, which still sends it', async () => {
    handle = (_req, res) => res.end('stored');
    const form = new FormData();
    form.append('file', new Blob(['report']), 'report.txt');
    const response = await fetchIt(`${base}/upload`, { method: 'POST', body: form });
    expect(await response.text()).toBe('stored');
    expect(seen[0]?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(seen[0]?.body).toContain('report');
  });

  async function waitForRequest(): Promise<void> {
    while (seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }
});
