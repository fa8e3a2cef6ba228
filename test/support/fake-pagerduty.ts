// A fake PagerDuty that speaks its protocols: the Events API v2 (POST /v2/enqueue, recorded), the
// REST API's on-call listing (GET /oncalls, from the shifts a test sets, behind a token), and the
// other direction, webhook v3 deliveries signed as PagerDuty signs them.
import { createHmac, randomUUID } from 'node:crypto';
import { HttpFake, json, type Answer, type RecordedRequest } from './http-fake.js';

export interface PageEventBody {
  routing_key: string;
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key: string;
  payload?: { summary: string; severity: string; source: string };
}

/** One on-call shift of a schedule, as GET /oncalls lists it. */
export interface FakeShift {
  user: { id: string; name: string; email?: string };
  start: string;
  end: string;
}

export class FakePagerDuty extends HttpFake {
  /** The status the Events API answers (202 accepted). */
  eventStatus = 202;
  /** Shifts of each schedule id. */
  readonly schedules = new Map<string, FakeShift[]>();
  /** When set, GET /oncalls answers this instead (a failing or slow PagerDuty). */
  oncallsAnswer: Answer | undefined;

  constructor(readonly apiToken = 'pd-api-token-0123456789') {
    super();
  }

  /** Every event sent, accepted or not. */
  events(): PageEventBody[] {
    return this.requestsTo('/v2/enqueue').map((r) => JSON.parse(r.body) as PageEventBody);
  }

  /** The events the Events API accepted (answered 202). */
  readonly accepted: PageEventBody[] = [];

  oncallRequests(): RecordedRequest[] {
    return this.requestsTo('/oncalls');
  }

  protected override answer(request: RecordedRequest): Answer | undefined {
    if (request.method === 'POST' && request.path === '/v2/enqueue') {
      if (this.eventStatus !== 202)
        return json(this.eventStatus, { status: 'invalid event', message: 'Event object is invalid' });
      this.accepted.push(JSON.parse(request.body) as PageEventBody);
      return json(202, { status: 'success', message: 'Event processed', dedup_key: 'x' });
    }
    if (request.method === 'GET' && request.path === '/oncalls') return this.oncalls(request);
    return undefined;
  }

  private oncalls(request: RecordedRequest): Answer {
    if (request.headers.authorization !== `Token token=${this.apiToken}`)
      return json(401, { error: { message: 'Unauthorized', code: 2006 } });
    if (this.oncallsAnswer) return this.oncallsAnswer;
    // The recorded query keeps one value per name: schedule_ids[] is one id here.
    const id = request.query['schedule_ids[]'] ?? '';
    const since = Date.parse(request.query.since ?? '') || 0;
    const until = Date.parse(request.query.until ?? '') || Number.MAX_SAFE_INTEGER;
    const oncalls = (this.schedules.get(id) ?? [])
      .filter((s) => Date.parse(s.start) <= until && Date.parse(s.end) > since)
      .map((s) => ({
        escalation_level: 1,
        schedule: { id, type: 'schedule_reference', summary: `Schedule ${id}` },
        user: { id: s.user.id, type: 'user', summary: s.user.name, name: s.user.name, email: s.user.email },
        start: s.start,
        end: s.end,
      }));
    return json(200, { oncalls, limit: 100, offset: 0, more: false, total: null });
  }
}

/** A webhook v3 event about an incident, as PagerDuty sends it. */
export function pagerWebhookEvent(
  type: string,
  incident: { incidentKey?: string | null; id?: string; title?: string },
  agent?: { id: string; name: string },
  eventId: string = randomUUID(),
): object {
  return {
    event: {
      id: eventId,
      event_type: type,
      resource_type: 'incident',
      occurred_at: '2026-12-01T14:05:00.000Z',
      agent: agent
        ? { id: agent.id, type: 'user_reference', summary: agent.name, html_url: 'https://x.pagerduty.com' }
        : null,
      client: null,
      data: {
        id: incident.id ?? 'Q1PAGE0001',
        type: 'incident',
        number: 7,
        title: incident.title ?? 'INC-1 P1: Report generation down (declared)',
        status: type.split('.')[1] ?? 'triggered',
        html_url: 'https://x.pagerduty.com/incidents/Q1PAGE0001',
        incident_key: incident.incidentKey ?? null,
        urgency: 'high',
      },
    },
  };
}

/** `v1=<hex HMAC-SHA256>` of a body with a secret: PagerDuty's signature. */
export const pagerSignature = (body: string, secret: string): string =>
  `v1=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** Delivers a webhook to `url` (the bot's /webhooks/pagerduty), signed with `secret` unless a header is given. */
export async function deliverPagerWebhook(
  url: string,
  body: object | string,
  options: { secret?: string; signature?: string | null } = {},
): Promise<{
  status: number;
  body: { status?: string; error?: string; reason?: string; incident?: string };
}> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const signature =
    options.signature === undefined ? pagerSignature(text, options.secret ?? '') : options.signature;
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'PagerDuty-Webhook/V3.0',
      ...(signature === null ? {} : { 'x-pagerduty-signature': signature }),
    },
    body: text,
  });
  return { status: res.status, body: (await res.json()) as { status?: string; error?: string } };
}
