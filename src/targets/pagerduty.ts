// PagerDuty Events API v2 (POST /v2/enqueue): trigger, acknowledge and resolve by dedup key. Every
// call has a timeout; an unreachable API is an OpsError, a refusal a PlatformError that says whether
// another try may succeed (pages are outbox steps: src/incidents/paging.ts).
import { PlatformError, isRetryableStatus, parseRetryAfter } from '../core/platform-error.js';
import { networkError } from './network-error.js';
import type { PageEvent, PagerTarget } from './pager-port.js';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

export interface PagerDutySettings {
  routingKey: string;
  url: string;
  timeoutMs: number;
}

export function openPagerDuty(settings: PagerDutySettings): PagerTarget {
  const what = `PagerDuty at ${new URL(settings.url).host}`;
  const send = async (body: Record<string, unknown>): Promise<void> => {
    let response: Response;
    try {
      response = await fetch(settings.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ routing_key: settings.routingKey, ...body }),
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
    } catch (error) {
      throw networkError(error, what, settings.timeoutMs);
    }
    // 202 Accepted; 400 bad event, 429 too many, 5xx: the routing key never appears in the message.
    // A timeout, too many and 5xx are worth another try (the outbox retries a page), a refused event is not.
    if (response.status !== 202) {
      await response.body?.cancel();
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      throw new PlatformError(
        {
          platform: 'PagerDuty',
          reason: `HTTP ${response.status}`,
          retryable: isRetryableStatus(response.status),
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        },
        `${what} answered HTTP ${response.status} to the event.`,
      );
    }
    await response.body?.cancel();
  };
  return {
    description: what,
    trigger: (e: PageEvent) =>
      send({
        event_action: 'trigger',
        dedup_key: e.dedupKey,
        payload: {
          summary: e.summary.slice(0, 1024),
          source: e.source,
          severity: e.severity,
          custom_details: e.details,
        },
      }),
    acknowledge: (dedupKey) => send({ event_action: 'acknowledge', dedup_key: dedupKey }),
    resolve: (dedupKey) => send({ event_action: 'resolve', dedup_key: dedupKey }),
  };
}
