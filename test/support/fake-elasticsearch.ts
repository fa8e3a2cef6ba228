// A fake Elasticsearch that speaks its real HTTP API to the official client: `POST /<index>/_search`
// with a bool query (match level, range @timestamp gte now-Ns, optional app terms) and a terms
// aggregation on error_type.keyword with min/max @timestamp, answered from stored log entries; the
// product header the client checks on every answer; `hang` (from HttpFake) leaves requests unanswered.
import { HttpFake, type Answer, type RecordedRequest } from './http-fake.js';

export interface LogEntry {
  '@timestamp': string;
  level: string;
  error_type?: string;
  app?: string;
  message: string;
}

interface SearchBody {
  size?: number;
  query?: { bool?: { must?: Array<Record<string, unknown>> } };
  aggs?: { error_types?: { terms?: { field?: string; size?: number } } };
}

const ES_HEADERS = { 'x-elastic-product': 'Elasticsearch' };

const esJson = (status: number, value: unknown): Answer => ({
  status,
  body: JSON.stringify(value),
  contentType: 'application/vnd.elasticsearch+json;compatible-with=8',
  headers: ES_HEADERS,
});

export class FakeElasticsearch extends HttpFake {
  entries: LogEntry[] = [];
  /** Indices that exist (a search on another answers 404 index_not_found_exception). */
  indices = ['logs-*'];
  now = (): Date => new Date();

  static start(): Promise<FakeElasticsearch> {
    return new FakeElasticsearch().start();
  }

  /** The search bodies the client sent. */
  searches(): SearchBody[] {
    return this.requests
      .filter((r) => r.path.endsWith('/_search'))
      .map((r) => JSON.parse(r.body) as SearchBody);
  }

  protected override answer(r: RecordedRequest): Answer | undefined {
    const m = /^\/([^/]+)\/_search$/.exec(r.path);
    if (r.method === 'GET' && r.path === '/')
      return esJson(200, { version: { number: '8.19.2' }, tagline: 'You Know, for Search' });
    if (!m || r.method !== 'POST') return esJson(404, { error: 'no handler', status: 404 });
    const index = decodeURIComponent(m[1] ?? '');
    if (!this.indices.includes(index)) {
      return esJson(404, {
        error: { type: 'index_not_found_exception', reason: `no such index [${index}]` },
        status: 404,
      });
    }
    return esJson(200, this.search(JSON.parse(r.body) as SearchBody));
  }

  private search(body: SearchBody) {
    const must = body.query?.bool?.must ?? [];
    const matching = this.entries.filter((e) => must.every((clause) => this.matches(e, clause)));
    const size = body.aggs?.error_types?.terms?.size ?? 10;
    const groups = new Map<string, LogEntry[]>();
    for (const e of matching) {
      if (e.error_type === undefined) continue;
      groups.set(e.error_type, [...(groups.get(e.error_type) ?? []), e]);
    }
    const buckets = [...groups.entries()]
      .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
      .slice(0, size)
      .map(([key, entries]) => {
        const times = entries.map((e) => Date.parse(e['@timestamp']));
        return {
          key,
          doc_count: entries.length,
          first_seen: {
            value: Math.min(...times),
            value_as_string: new Date(Math.min(...times)).toISOString(),
          },
          last_seen: {
            value: Math.max(...times),
            value_as_string: new Date(Math.max(...times)).toISOString(),
          },
        };
      });
    return {
      took: 3,
      timed_out: false,
      _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
      hits: { total: { value: matching.length, relation: 'eq' }, max_score: null, hits: [] },
      aggregations: { error_types: { doc_count_error_upper_bound: 0, sum_other_doc_count: 0, buckets } },
    };
  }

  private matches(e: LogEntry, clause: Record<string, unknown>): boolean {
    const match = clause.match as Record<string, string> | undefined;
    if (match?.level !== undefined) return e.level === match.level;
    const range = clause.range as Record<string, { gte: string }> | undefined;
    if (range?.['@timestamp']) {
      const seconds = Number(/^now-(\d+)s$/.exec(range['@timestamp'].gte)?.[1]);
      return Date.parse(e['@timestamp']) >= this.now().getTime() - seconds * 1000;
    }
    const bool = clause.bool as { should?: Array<{ term: Record<string, string> }> } | undefined;
    if (bool?.should) return bool.should.some((s) => Object.values(s.term).includes(e.app ?? ''));
    return false;
  }
}
