// Elasticsearch (OATIE_ELASTICSEARCH_URL) through the official client, 8.19 line (9.x needs Node 22):
// the guide's error analysis — ERROR entries in the window, aggregated by error_type.keyword — with
// the first and last time each type was seen. Answers are checked (zod) before use. The client is
// loaded on first use: it takes seconds to import, which a bot without Elasticsearch never pays.
import type { Client } from '@elastic/elasticsearch';
import { z } from 'zod';
import { ErrorCode, OpsError } from '../core/errors.js';
import { maskSecrets } from '../core/secrets.js';
import type { ErrorBreakdown, LogSearchTarget } from './log-search-port.js';
import { baseUrl } from './http-call.js';
import { networkError, seconds, statusError } from './network-error.js';
import { importLibrary } from '../core/import-library.js';

type ElasticErrors = (typeof import('@elastic/elasticsearch'))['errors'];

export interface ElasticsearchSettings {
  url: string;
  index: string;
  timeoutMs: number;
}

const bucket = z.object({
  key: z.union([z.string(), z.number()]).transform(String),
  doc_count: z.number(),
  first_seen: z.object({ value: z.number().nullable() }).optional(),
  last_seen: z.object({ value: z.number().nullable() }).optional(),
});

const answer = z.object({
  hits: z.object({ total: z.union([z.number(), z.object({ value: z.number() })]) }),
  aggregations: z.object({ error_types: z.object({ buckets: z.array(bucket) }) }).optional(),
});

const dateOf = (ms: number | null | undefined): Date | undefined =>
  ms === null || ms === undefined ? undefined : new Date(ms);

export class ElasticsearchLogs implements LogSearchTarget {
  readonly description: string;
  private client: Promise<{ client: Client; errors: ElasticErrors }> | undefined;
  private readonly what: string;

  constructor(private readonly settings: ElasticsearchSettings) {
    const base = baseUrl(settings.url);
    this.description = `${base.host} (index ${settings.index})`;
    this.what = `Elasticsearch at ${base.host}`;
  }

  private load(): Promise<{ client: Client; errors: ElasticErrors }> {
    this.client ??= importLibrary<typeof import('@elastic/elasticsearch')>('@elastic/elasticsearch').then(
      (es) => ({
        // Credentials written in the URL are used by the client, never shown (description has the host only).
        client: new es.Client({
          node: this.settings.url,
          requestTimeout: this.settings.timeoutMs,
          maxRetries: 0,
        }),
        errors: es.errors,
      }),
    );
    return this.client;
  }

  async errorBreakdown(options: { sinceMs: number; app?: string; top: number }): Promise<ErrorBreakdown> {
    const must: object[] = [
      { match: { level: 'ERROR' } },
      { range: { '@timestamp': { gte: `now-${Math.round(options.sinceMs / 1000)}s` } } },
    ];
    if (options.app !== undefined) {
      // Shippers put the pod's app label at the top (app) or under kubernetes.labels.
      must.push({
        bool: {
          should: [
            { term: { 'app.keyword': options.app } },
            { term: { 'kubernetes.labels.app': options.app } },
          ],
          minimum_should_match: 1,
        },
      });
    }
    const { client, errors } = await this.load();
    let raw: unknown;
    try {
      raw = await client.search({
        index: this.settings.index,
        size: 0,
        track_total_hits: true,
        query: { bool: { must } },
        aggs: {
          error_types: {
            terms: { field: 'error_type.keyword', size: options.top },
            aggs: {
              first_seen: { min: { field: '@timestamp' } },
              last_seen: { max: { field: '@timestamp' } },
            },
          },
        },
      });
    } catch (error) {
      throw this.failure(error, errors);
    }
    const parsed = answer.safeParse(raw);
    if (!parsed.success)
      throw new OpsError(ErrorCode.TargetDown, `${this.what} answered something unreadable.`);
    const total = parsed.data.hits.total;
    return {
      total: typeof total === 'number' ? total : total.value,
      types: (parsed.data.aggregations?.error_types.buckets ?? []).map((b) => ({
        type: maskSecrets(b.key),
        count: b.doc_count,
        firstSeen: dateOf(b.first_seen?.value),
        lastSeen: dateOf(b.last_seen?.value),
      })),
    };
  }

  private failure(error: unknown, errors: ElasticErrors): OpsError {
    if (error instanceof errors.TimeoutError) {
      return new OpsError(
        ErrorCode.Timeout,
        `${this.what} did not answer within ${seconds(this.settings.timeoutMs)}.`,
      );
    }
    if (error instanceof errors.ResponseError) {
      const status = error.statusCode ?? 0;
      if (status === 404) {
        return new OpsError(
          ErrorCode.NotFound,
          `${this.what} has no index ${this.settings.index} (OATIE_ELASTICSEARCH_INDEX).`,
        );
      }
      return statusError(status, this.what, 'check the credentials in OATIE_ELASTICSEARCH_URL');
    }
    if (error instanceof errors.ProductNotSupportedError) {
      return new OpsError(
        ErrorCode.TargetDown,
        `${this.what} is not Elasticsearch (or not a version the client supports).`,
      );
    }
    if (error instanceof errors.ConnectionError) {
      // The client keeps the system error code (ECONNREFUSED…) only in its message.
      const code = /\b(E[A-Z_]{3,})\b/.exec(error.message)?.[1];
      return networkError(code === undefined ? error : { code }, this.what, this.settings.timeoutMs);
    }
    return networkError(error, this.what, this.settings.timeoutMs);
  }

  async close(): Promise<void> {
    if (this.client) await (await this.client).client.close();
  }
}

export function openElasticsearch(settings: ElasticsearchSettings): LogSearchTarget {
  return new ElasticsearchLogs(settings);
}
