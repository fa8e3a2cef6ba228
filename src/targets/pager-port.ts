// The pager port: what incidents need of a paging service (PagerDuty's Events API v2 behind it).
// One dedup key per incident, so repeats and replicas update one page instead of paging twice.

export type PageSeverity = 'critical' | 'error' | 'warning' | 'info';

export interface PageEvent {
  dedupKey: string;
  summary: string;
  severity: PageSeverity;
  /** What raised it, for the responder (the bot and the incident's channel). */
  source: string;
  details?: Record<string, string>;
}

export interface PagerTarget {
  readonly description: string;
  trigger(event: PageEvent): Promise<void>;
  acknowledge(dedupKey: string): Promise<void>;
  resolve(dedupKey: string): Promise<void>;
}

/** One on-call shift of a schedule: who, from when, until when (open ends are undefined). */
export interface OnCallShift {
  user: { id: string; name: string; email?: string };
  start?: Date;
  end?: Date;
}

/** PagerDuty's schedules (its REST API): who is on call. */
export interface ScheduleTarget {
  readonly description: string;
  /** The shifts of `scheduleId` from `at` on (the one running at `at` first), for a few days ahead. */
  shifts(scheduleId: string, at: Date): Promise<OnCallShift[]>;
}
