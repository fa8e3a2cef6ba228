// An in-process fake of the Slack Web API (and of response_url), speaking Slack's HTTP protocol so
// Bolt's real WebClient runs unmodified. Records every call with its params; answers like Slack
// (ok, channel, ts …); can be told to answer a Slack error or HTTP 429 with Retry-After, once, to
// fail every Web API call for a while (an outage: HTTP 500, or 429), or to do a call and lose its answer.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitDeadline } from './wait.js';

export interface SlackCall {
  method: string;
  /** Form fields, with JSON-encoded ones (blocks, view) decoded. */
  params: Record<string, unknown>;
  /** Whether the call carried a bot token (the token itself is never kept). */
  authorized: boolean;
  /** Whether the arguments came as a JSON body (the WebClient sends a form). */
  json: boolean;
  /** The HTTP status the fake answered (429 when it rate-limited the call). */
  status: number;
  /** What the fake answered (e.g. the `ts` of a posted message). */
  answer: Record<string, unknown>;
  /** performance.now() when the fake answered (benchmarks). */
  at?: number;
}

export interface ResponseUrlPost {
  id: string;
  body: Record<string, unknown>;
}

type Answer = { status?: number; headers?: Record<string, string>; body: Record<string, unknown> };
type Override = (call: SlackCall) => Answer;

export const BOT_USER_ID = 'U0BOTUSER';
const JSON_FIELD = /^\s*[[{]/;

/** What a posted or updated message shows (its blocks, else its text), as JSON to search in. */
export const textOf = (call: SlackCall): string => JSON.stringify(call.params.blocks ?? call.params.text);

export interface SlackButton {
  action_id: string;
  value?: string;
  style?: string;
  confirm?: unknown;
  text: { text: string };
}

/** The buttons of a posted or updated message, in order. */
export function buttonsOf(call: SlackCall): SlackButton[] {
  const blocks = (call.params.blocks ?? []) as Array<{ type: string; elements?: SlackButton[] }>;
  return blocks.flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []));
}

/** The button labelled `label` of a posted or updated message; throws when there is none. */
export function buttonOf(call: SlackCall, label: string): SlackButton {
  const button = buttonsOf(call).find((b) => b.text.text === label);
  if (!button) throw new Error(`no ${label} button in ${textOf(call)}`);
  return button;
}

/** Where a posted (or updated) message is: its channel and ts. */
export function whereOf(call: SlackCall): { channel: string; ts: string } {
  const ts = call.method === 'chat.update' ? call.params.ts : call.answer.ts;
  return { channel: String(call.answer.channel ?? call.params.channel), ts: String(ts) };
}

/** The channel a conversations.create call made. */
export function createdChannel(call: SlackCall): { id: string; name: string } {
  return call.answer.channel as { id: string; name: string };
}

/** A fresh response_url of a fake Slack listening on `port` (one in another process, too). */
export const responseUrlAt = (port: number): string =>
  `http://127.0.0.1:${port}/response/${randomBytes(6).toString('hex')}`;

export class FakeSlack {
  readonly calls: SlackCall[] = [];
  readonly responses: ResponseUrlPost[] = [];
  /** What apps.connections.open answers (a FakeSocketMode's URL); unset: Socket Mode is off. */
  socketModeUrl: string | undefined;
  /** Channels that exist, by name → id (conversations.list, name_taken). */
  readonly channels = new Map<string, string>([['incidents', 'C0INCIDENTS']]);
  /** Display names users.info answers with. */
  readonly users = new Map<string, string>();
  /** Files uploaded through files.uploadV2, by file id: what was posted to the upload URL. */
  readonly uploads = new Map<string, string>();
  /** Milliseconds every answer waits (a Slack far away; the benchmarks use 50). */
  latencyMs = 0;
  private readonly overrides = new Map<string, Override[]>();
  private outage: { status: number; retryAfterSeconds?: number; only?: readonly string[] } | undefined;
  private server: Server | undefined;
  private port = 0;
  private seq = 0;

  static async start(): Promise<FakeSlack> {
    const fake = new FakeSlack();
    const server = createServer((req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.server = server;
    fake.port = (server.address() as AddressInfo).port;
    return fake;
  }

  /** The Web API base address, for SLACK_API_URL. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  /** A fresh response_url (as Slack puts in commands and clicks); posts to it land in `responses`. */
  responseUrl(): string {
    return responseUrlAt(this.port);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  callsTo(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** A posted message as Slack shows it now: its latest chat.update, else the post itself. */
  current(posted: SlackCall): SlackCall {
    const { channel, ts } = whereOf(posted);
    const updates = this.callsTo('chat.update').filter(
      (c) => c.params.channel === channel && c.params.ts === ts,
    );
    return updates.at(-1) ?? posted;
  }

  /** The next call of `method` answers `{ ok: false, error }` (e.g. name_taken, not_in_channel). */
  failNext(method: string, error: string): void {
    this.once(method, () => ({ body: { ok: false, error } }));
  }

  /** The next call of `method` answers HTTP 429 with Retry-After (seconds). */
  rateLimitNext(method: string, retryAfterSeconds = 1): void {
    this.once(method, () => ({
      status: 429,
      headers: { 'retry-after': String(retryAfterSeconds) },
      body: { ok: false, error: 'ratelimited' },
    }));
  }

  /**
   * From now on every Web API call (of `only`, when given) answers HTTP `status` without doing
   * anything (429 with Retry-After when given), until `recover()`. response_url posts still work.
   */
  fail(status = 500, options: { retryAfterSeconds?: number; only?: readonly string[] } = {}): void {
    this.outage = { status, ...options };
  }

  /** Ends the outage started by `fail`. */
  recover(): void {
    this.outage = undefined;
  }

  /** The next call of `method` is done (a channel created, a message posted) but answered HTTP 500. */
  loseAnswerNext(method: string): void {
    this.once(method, (call) => {
      this.answer(call);
      return { status: 500, body: { ok: false, error: 'internal_error' } };
    });
  }

  /** Successful calls of `method` (answered 200 and ok). */
  okCalls(method: string): SlackCall[] {
    return this.callsTo(method).filter((c) => c.status === 200 && c.answer.ok === true);
  }

  /** Waits until a call of `method` matching `predicate` has arrived, and returns it. */
  async waitFor(
    method: string,
    predicate: (call: SlackCall) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<SlackCall> {
    const deadline = waitDeadline(timeoutMs);
    for (;;) {
      const found = this.calls.find((c) => c.method === method && predicate(c));
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(
          `no ${method} within ${timeoutMs} ms; calls: ${this.calls.map((c) => c.method).join(', ') || 'none'}`,
        );
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Waits for a post to a response_url. */
  async waitForResponse(
    predicate: (post: ResponseUrlPost) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<ResponseUrlPost> {
    const deadline = waitDeadline(timeoutMs);
    for (;;) {
      const found = this.responses.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no response_url post within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private once(method: string, override: Override): void {
    this.overrides.set(method, [...(this.overrides.get(method) ?? []), override]);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    if (path.startsWith('/upload/')) {
      this.uploads.set(path.slice('/upload/'.length), raw);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`OK - ${raw.length}`);
      return;
    }
    if (path.startsWith('/response/')) {
      this.responses.push({
        id: path.slice('/response/'.length),
        body: JSON.parse(raw || '{}') as Record<string, unknown>,
      });
      return send(res, { body: { ok: true } });
    }
    const method = path.replace(/^\/api\//, '');
    // apps.connections.open (Socket Mode) takes the app-level token; every other method the bot token.
    const token = method === 'apps.connections.open' ? /^Bearer xapp-/ : /^Bearer xoxb-/;
    const authorized = token.test(req.headers.authorization ?? '');
    const call: SlackCall = {
      method,
      params: parseParams(raw, req.headers['content-type'] ?? ''),
      authorized,
      json: (req.headers['content-type'] ?? '').includes('application/json'),
      status: 200,
      answer: {},
    };
    const answer = this.outageAnswer(method) ??
      this.overrides.get(method)?.shift()?.(call) ?? {
        body: authorized ? this.answer(call) : { ok: false, error: 'not_authed' },
      };
    call.status = answer.status ?? 200;
    call.answer = answer.body;
    call.at = performance.now();
    this.calls.push(call);
    send(res, answer);
  }

  private outageAnswer(method: string): Answer | undefined {
    const outage = this.outage;
    if (!outage || (outage.only && !outage.only.includes(method))) return undefined;
    const headers =
      outage.retryAfterSeconds === undefined
        ? undefined
        : { 'retry-after': String(outage.retryAfterSeconds) };
    return { status: outage.status, headers, body: { ok: false, error: 'fake_outage' } };
  }

  private ts(): string {
    this.seq += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(this.seq).padStart(6, '0')}`;
  }

  private answer({ method, params }: SlackCall): Record<string, unknown> {
    const p = (name: string) => {
      const value = params[name];
      return typeof value === 'string' ? value : '';
    };
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://oatie.slack.com/',
          team: 'Oatie',
          user: 'oatie-ops',
          team_id: 'T0OATIE',
          user_id: BOT_USER_ID,
          bot_id: 'B0BOT',
        };
      case 'chat.postMessage':
        return { ok: true, channel: p('channel'), ts: this.ts(), message: { text: p('text') } };
      case 'chat.update':
        return { ok: true, channel: p('channel'), ts: p('ts'), text: p('text') };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.ts() };
      case 'conversations.open':
        return {
          ok: true,
          channel: {
            id: `D${p('users')
              .replace(/[^A-Z0-9]/g, '')
              .slice(0, 10)}`,
          },
        };
      case 'conversations.create':
        return this.createChannel(p('name'));
      case 'conversations.setTopic':
      case 'conversations.invite':
        return { ok: true, channel: { id: p('channel') } };
      case 'conversations.list':
        return {
          ok: true,
          channels: [...this.channels].map(([name, id]) => ({ id, name })),
          response_metadata: { next_cursor: '' },
        };
      case 'users.info':
        return this.userInfo(p('user'));
      case 'files.getUploadURLExternal': {
        this.seq += 1;
        const id = `F0FILE${this.seq}`;
        return { ok: true, file_id: id, upload_url: `http://127.0.0.1:${this.port}/upload/${id}` };
      }
      case 'files.completeUploadExternal': {
        const files = (Array.isArray(params.files) ? params.files : []) as Array<{
          id: string;
          title?: string;
        }>;
        return {
          ok: true,
          files: files.map((f) => ({
            id: f.id,
            title: f.title,
            permalink: `https://oatie.slack.com/files/${f.id}`,
          })),
        };
      }
      case 'apps.connections.open':
        return this.socketModeUrl === undefined
          ? { ok: false, error: 'socket_mode_not_enabled' }
          : { ok: true, url: this.socketModeUrl };
      case 'views.open':
        return { ok: true, view: { id: `V${this.ts().replace('.', '')}` } };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  private createChannel(name: string): Record<string, unknown> {
    if (this.channels.has(name)) return { ok: false, error: 'name_taken' };
    this.seq += 1;
    const id = `C0NEW${this.seq}`;
    this.channels.set(name, id);
    return { ok: true, channel: { id, name, is_channel: true } };
  }

  private userInfo(id: string): Record<string, unknown> {
    const name = this.users.get(id) ?? id.toLowerCase();
    return {
      ok: true,
      user: { id, name, real_name: name, profile: { display_name: name, real_name: name } },
    };
  }
}

function parseParams(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.includes('application/json')) return JSON.parse(raw || '{}') as Record<string, unknown>;
  const params: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    if (key === 'token') continue;
    params[key] = JSON_FIELD.test(value) ? safeJson(value) : value;
  }
  return params;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function send(res: ServerResponse, answer: Answer): void {
  res.writeHead(answer.status ?? 200, {
    'content-type': 'application/json; charset=utf-8',
    ...answer.headers,
  });
  res.end(JSON.stringify(answer.body));
}
