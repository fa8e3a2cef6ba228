// PagerDuty's REST API, read only: GET /oncalls for who a schedule has on call now and next. Every
// call has a timeout; answers are kept briefly (per schedule, by the caller's clock), since each
// escalation step and each `oncall` asks, and PagerDuty limits how often a token may call.
import { z } from 'zod';
import { ErrorCode, OpsError } from '../core/errors.js';
import { networkError } from './network-error.js';
import type { OnCallShift, ScheduleTarget } from './pager-port.js';

export const PAGERDUTY_API_URL = 'https://api.pagerduty.com';
/** How long an answer is used again. */
export const SCHEDULE_CACHE_MS = 60_000;
/** How far ahead shifts are asked for: enough to see the next hand-off of a weekly rotation. */
const LOOK_AHEAD_MS = 15 * 86_400_000;

export interface PagerDutyApiSettings {
  token: string;
  url: string;
  timeoutMs: number;
}

const oncallsAnswer = z.object({
  oncalls: z.array(
    z.object({
      user: z.object({
        id: z.string(),
        summary: z.string().optional(),
        name: z.string().optional(),
        email: z.string().optional(),
      }),
      start: z.string().nullable().optional(),
      end: z.string().nullable().optional(),
    }),
  ),
});

const dateOrUndefined = (text: string | null | undefined): Date | undefined =>
  text ? new Date(text) : undefined;

export function openPagerDutySchedules(settings: PagerDutyApiSettings): ScheduleTarget {
  const what = `PagerDuty's API at ${new URL(settings.url).host}`;
  const cache = new Map<string, { fetchedAt: number; shifts: OnCallShift[] }>();

  const fetchShifts = async (scheduleId: string, at: Date): Promise<OnCallShift[]> => {
    const url = new URL('/oncalls', settings.url);
    url.searchParams.append('schedule_ids[]', scheduleId);
    url.searchParams.append('include[]', 'users');
    url.searchParams.set('since', at.toISOString());
    url.searchParams.set('until', new Date(at.getTime() + LOOK_AHEAD_MS).toISOString());
    url.searchParams.set('time_zone', 'UTC');
    let response: Response;
    try {
      response = await fetch(url, {
        headers: {
          accept: 'application/vnd.pagerduty+json;version=2',
          authorization: `Token token=${settings.token}`,
        },
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
    } catch (error) {
      throw networkError(error, what, settings.timeoutMs);
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new OpsError(ErrorCode.TargetDown, `${what} answered HTTP ${response.status} to GET /oncalls.`);
    }
    const parsed = oncallsAnswer.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success)
      throw new OpsError(ErrorCode.TargetDown, `${what} answered GET /oncalls with an unexpected body.`);
    return parsed.data.oncalls
      .map((o) => ({
        user: { id: o.user.id, name: o.user.name ?? o.user.summary ?? o.user.id, email: o.user.email },
        start: dateOrUndefined(o.start),
        end: dateOrUndefined(o.end),
      }))
      .sort((x, y) => (x.start?.getTime() ?? 0) - (y.start?.getTime() ?? 0));
  };

  return {
    description: what,
    async shifts(scheduleId, at) {
      const cached = cache.get(scheduleId);
      const age = cached ? at.getTime() - cached.fetchedAt : Infinity;
      if (cached && age >= 0 && age < SCHEDULE_CACHE_MS) return cached.shifts;
      const shifts = await fetchShifts(scheduleId, at);
      cache.set(scheduleId, { fetchedAt: at.getTime(), shifts });
      return shifts;
    },
  };
}
