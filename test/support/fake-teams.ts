// An in-process fake of the Bot Framework connector (the `serviceUrl` Teams gives the bot), speaking
// its REST protocol so botbuilder's real ConnectorClient runs unmodified. Records every call the bot
// makes under /v3/conversations/… and /v3/teams/…; answers like the connector (activity ids,
// new conversation ids); can be told to fail the next calls with a status and Retry-After.
import { HttpFake, json, type Answer, type RecordedRequest } from './http-fake.js';

export interface TeamsCall {
  method: 'send' | 'update' | 'create' | 'channels';
  /** The conversation the call is about (for create: the new one). */
  conversation: string;
  /** The activity id: given by the fake for send/create, from the path for update. */
  activityId: string;
  body: Record<string, unknown>;
  status: number;
  /** When the fake received it (performance.now(), for benchmarks). */
  at?: number;
}

export interface CardJson {
  type: string;
  body: Array<Record<string, unknown>>;
  msteams?: { entities?: Array<{ text: string; mentioned: { id: string } }> };
}

/** The Adaptive Card an activity (or an invoke answer) carries. */
export function cardOf(body: Record<string, unknown>): CardJson {
  const attachments = body.attachments as Array<{ contentType: string; content: CardJson }> | undefined;
  const card = attachments?.[0]?.content;
  if (!card) throw new Error(`no card in ${JSON.stringify(body).slice(0, 300)}`);
  return card;
}

/** Everything a card shows, as text to search in. */
export const cardText = (card: CardJson): string => JSON.stringify(card.body).replace(/\u00a0/g, ' ');

interface ExecuteAction {
  type: string;
  title: string;
  verb?: string;
  data?: { actionId: string };
  card?: CardJson;
}

/** The Action.Execute buttons of a card, opened confirmations included, by title. */
export function buttonsOf(card: CardJson): ExecuteAction[] {
  const found: ExecuteAction[] = [];
  const walk = (elements: Array<Record<string, unknown>>) => {
    for (const element of elements) {
      if (element.type !== 'ActionSet') continue;
      for (const action of element.actions as ExecuteAction[]) {
        if (action.type === 'Action.Execute') found.push(action);
        if (action.type === 'Action.ShowCard' && action.card) {
          const inner = buttonsOf(action.card).map((a) => ({ ...a, title: action.title }));
          found.push(...inner);
        }
      }
    }
  };
  walk(card.body);
  return found;
}

export class FakeConnector extends HttpFake {
  readonly calls: TeamsCall[] = [];
  /** Channels GET /v3/teams/{team}/conversations lists. */
  readonly channels: Array<{ id: string; name?: string }> = [];
  private readonly failures: Array<{ status: number; retryAfter?: string }> = [];
  private seq = 0;

  private held: Promise<void> | undefined;

  /** Holds every answer back (the calls are recorded) until the returned function is called. */
  holdAnswers(): () => void {
    let release = (): void => undefined;
    this.held = new Promise((resolve) => {
      release = resolve;
    });
    return () => {
      this.held = undefined;
      release();
    };
  }

  /** The next `times` calls answer `status` (with Retry-After when given). */
  failNext(status: number, times = 1, retryAfter?: string): void {
    for (let i = 0; i < times; i += 1) this.failures.push({ status, retryAfter });
  }

  /** Messages sent to a conversation (its latest content when since updated), in order. */
  sentTo(conversation: string): TeamsCall[] {
    return this.calls
      .filter((c) => c.method === 'send' && c.conversation === conversation && c.status < 300)
      .map((c) => this.current(c));
  }

  /** A sent message as it stands now: its last successful update, else as sent. */
  current(sent: TeamsCall): TeamsCall {
    const updates = this.calls.filter(
      (c) => c.method === 'update' && c.activityId === sent.activityId && c.status < 300,
    );
    return updates.at(-1) ?? sent;
  }

  /** Waits until `predicate` finds a call (bounded: fails after `ms`). */
  async waitFor(predicate: (call: TeamsCall) => boolean, ms = 15_000): Promise<TeamsCall> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.calls.find((c) => c.status < 300 && predicate(c));
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(
          `no such Teams call within ${ms} ms; calls: ${this.calls.map((c) => `${c.method} ${c.conversation} ${c.status}`).join(' | ')}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  protected override answer(request: RecordedRequest): Answer | undefined {
    const body = (request.body ? JSON.parse(request.body) : {}) as Record<string, unknown>;
    const path = request.path.split('/').map(decodeURIComponent);
    const classified = this.classify(request.method, path, body);
    if (!classified) return undefined;
    const call = { ...classified, at: performance.now() };
    const failure = this.failures.shift();
    if (failure) {
      this.calls.push({ ...call, status: failure.status });
      return {
        status: failure.status,
        body: JSON.stringify({ error: { code: 'Throttled', message: 'fake failure' } }),
        contentType: 'application/json',
        ...(failure.retryAfter === undefined ? {} : { headers: { 'retry-after': failure.retryAfter } }),
      };
    }
    this.calls.push(call);
    const after = this.held ? { after: this.held } : {};
    if (call.method === 'create')
      return { ...json(201, { id: call.conversation, activityId: call.activityId }), ...after };
    if (call.method === 'channels') return { ...json(200, { conversations: this.channels }), ...after };
    return { ...json(200, { id: call.activityId }), ...after };
  }

  private classify(method: string, path: string[], body: Record<string, unknown>): TeamsCall | undefined {
    // ['', 'v3', 'conversations', id, 'activities', activityId?]
    if (path[1] !== 'v3') return undefined;
    if (path[2] === 'teams' && path[4] === 'conversations' && method === 'GET')
      return { method: 'channels', conversation: path[3] ?? '', activityId: '', body, status: 200 };
    if (path[2] !== 'conversations') return undefined;
    this.seq += 1;
    if (path.length === 3 && method === 'POST') {
      const channel = (body.channelData as { channel?: { id: string } } | undefined)?.channel?.id;
      const members = (body.members as Array<{ id: string }> | undefined) ?? [];
      const activityId = `1700000000${String(this.seq).padStart(3, '0')}`;
      const conversation = channel
        ? `${channel};messageid=${activityId}`
        : `a:personal-${members[0]?.id ?? this.seq}`;
      return { method: 'create', conversation, activityId, body, status: 201 };
    }
    const conversation = path[3] ?? '';
    if (path[4] !== 'activities') return undefined;
    if (method === 'PUT')
      return { method: 'update', conversation, activityId: path[5] ?? '', body, status: 200 };
    if (method === 'POST')
      return { method: 'send', conversation, activityId: `m${this.seq}`, body, status: 200 };
    return undefined;
  }
}
