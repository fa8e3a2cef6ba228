// The Oatie API adapter (OATIE_API_URL, OATIE_API_TOKEN as a Bearer token), over fetch with a
// timeout on every call. Every answer is validated (zod) before the core sees it; paths carry only
// validated UUIDs, encoded.
import { z } from 'zod';
import { badArgument, notFound } from '../core/errors.js';
import { acceptedText, baseUrl, callTarget, parseAnswer, parseJson, type HttpTarget } from './http-call.js';
import type { ApiHealth, MetricSample, OatieApiTarget, ReportExecution } from './oatie-api-port.js';

export interface OatieApiSettings {
  url: string;
  token?: string;
  timeoutMs: number;
}

const MAX_METRICS_BYTES = 2_000_000;
const HEALTHY_WORDS = new Set(['healthy', 'ok', 'up', 'pass', 'passing', 'green']);

const text = z.string().max(10_000);
const when = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => {
    if (v === null || v === undefined) return undefined;
    const date = new Date(v);
    return Number.isNaN(date.getTime()) ? undefined : date;
  });

const execution = z
  .object({
    id: z.union([z.string(), z.number()]).transform(String),
    status: text,
    started_at: when,
    startedAt: when,
    completed_at: when,
    completedAt: when,
    error_message: text.nullish(),
    errorMessage: text.nullish(),
    error: text.nullish(),
  })
  .transform((e): ReportExecution => ({
    id: e.id,
    status: e.status,
    startedAt: e.started_at ?? e.startedAt,
    finishedAt: e.completed_at ?? e.completedAt,
    error: e.error_message ?? e.errorMessage ?? e.error ?? undefined,
  }));

const executions = z.union([
  z.array(execution),
  z.object({ executions: z.array(execution) }).transform((o) => o.executions),
  z.object({ data: z.array(execution) }).transform((o) => o.data),
]);

/** `checks` as the guide's health endpoint writes them: booleans, status words or objects with a status. */
const check = z
  .union([z.boolean(), text, z.object({ status: text.optional(), healthy: z.boolean().optional() }).loose()])
  .transform((c) => {
    if (typeof c === 'boolean') return c;
    if (typeof c === 'string') return HEALTHY_WORDS.has(c.toLowerCase());
    return c.healthy ?? HEALTHY_WORDS.has((c.status ?? '').toLowerCase());
  });

const health = z
  .object({
    status: text.optional(),
    healthy: z.boolean().optional(),
    latency_ms: z.number().optional(),
    response_time_ms: z.number().optional(),
    message: text.nullish(),
    error: text.nullish(),
    checks: z.record(z.string(), check).optional(),
  })
  .loose();

export class OatieApi implements OatieApiTarget {
  readonly description: string;
  private readonly base: URL;
  private readonly target: HttpTarget;

  constructor(private readonly settings: OatieApiSettings) {
    this.base = baseUrl(settings.url);
    this.description = this.base.host;
    this.target = { what: `The Oatie API at ${this.base.host}`, timeoutMs: settings.timeoutMs };
  }

  async reportExecutions(reportId: string): Promise<ReportExecution[]> {
    const id = z.guid().safeParse(reportId);
    if (!id.success) throw badArgument('expected a report UUID');
    const path = `api/v1/reports/${encodeURIComponent(id.data)}/executions`;
    const { status, text } = await this.get(path, [200, 404]);
    if (status === 404) throw notFound(`The Oatie API knows no report ${id.data}.`);
    return parseAnswer(executions, parseJson(text), this.target.what);
  }

  async oracleBiHealth(): Promise<ApiHealth> {
    return this.healthAt('api/v1/health/oracle-bi');
  }

  async health(): Promise<ApiHealth> {
    return this.healthAt('health');
  }

  async metrics(): Promise<MetricSample[]> {
    const { text } = await this.get('metrics', [200], 'text/plain');
    return parsePrometheus(text.slice(0, MAX_METRICS_BYTES));
  }

  private async healthAt(path: string): Promise<ApiHealth> {
    const started = performance.now();
    // A health endpoint answers 503 with the same body when something is down: still an answer.
    const answer = await this.get(path, [200, 503]);
    const latencyMs = Math.round(performance.now() - started);
    const h = parseAnswer(health, parseJson(answer.text), this.target.what);
    const status = h.status ?? (h.healthy === false || answer.status === 503 ? 'unhealthy' : 'healthy');
    const healthy = answer.status === 200 && (h.healthy ?? HEALTHY_WORDS.has(status.toLowerCase()));
    const detail = h.message ?? h.error ?? undefined;
    return {
      healthy,
      status,
      latencyMs,
      reportedLatencyMs: h.latency_ms ?? h.response_time_ms,
      detail: detail === undefined ? undefined : detail.slice(0, 300),
      checks: h.checks ?? {},
    };
  }

  /** GET `path` (relative to the base) with the token; a status outside `accepted` is an error. */
  private get(
    path: string,
    accepted: readonly number[],
    accept = 'application/json',
  ): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = { accept };
    if (this.settings.token !== undefined) headers.authorization = `Bearer ${this.settings.token}`;
    const init: RequestInit = { headers, redirect: 'error' };
    return callTarget(this.target, new URL(path, this.base), init, async (response) => ({
      status: response.status,
      text: await acceptedText(response, (s) => accepted.includes(s), this.target, 'check OATIE_API_TOKEN'),
    }));
  }
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/;

/** The samples of a Prometheus text exposition (comments and unreadable lines skipped). */
export function parsePrometheus(body: string): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of body.split('\n')) {
    const match = SAMPLE.exec(line.trim());
    if (!match || line.startsWith('#')) continue;
    const value = Number(match[3]);
    if (Number.isFinite(value)) samples.push({ name: match[1] ?? '', labels: match[2] ?? '', value });
  }
  return samples;
}

export function openOatieApi(settings: OatieApiSettings): OatieApiTarget {
  return new OatieApi(settings);
}
