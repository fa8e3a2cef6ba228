// The ports of the Oatie API (OATIE_API_URL) and of Oracle BI Publisher (ORACLE_BI_URL), in plain
// data. Every call is bounded by OATIE_TARGET_TIMEOUT_MS and fails with an OpsError that says what
// failed (refused, timed out, name not resolved, token rejected).

export interface ReportExecution {
  id: string;
  status: string;
  startedAt?: Date;
  finishedAt?: Date;
  error?: string;
}

/** What the API says of its own health (`/health`) or of its link to BI Publisher. */
export interface ApiHealth {
  healthy: boolean;
  /** The status word the API answered (healthy, unhealthy, degraded…). */
  status: string;
  /** Round trip measured by the bot, in milliseconds. */
  latencyMs: number;
  /** Response time the API reported for its own check, when it did. */
  reportedLatencyMs?: number;
  /** The API's explanation when unhealthy (shortened). */
  detail?: string;
  /** Named sub-checks (database, redis, oracle_bi…) and whether each passed. */
  checks: Record<string, boolean>;
}

export interface MetricSample {
  name: string;
  labels: string;
  value: number;
}

export interface OatieApiTarget {
  /** The API's origin, for messages (never the token). */
  readonly description: string;
  /** GET /api/v1/reports/{id}/executions; `reportId` must be a UUID. NotFound when the API knows no such report. */
  reportExecutions(reportId: string): Promise<ReportExecution[]>;
  /** GET /api/v1/health/oracle-bi */
  oracleBiHealth(): Promise<ApiHealth>;
  /** GET /health */
  health(): Promise<ApiHealth>;
  /** GET /metrics (Prometheus text), as samples. */
  metrics(): Promise<MetricSample[]>;
}

export interface OracleBiProbe {
  /** Any HTTP answer means reachable; its status says more (401 means it wants credentials). */
  status: number;
  latencyMs: number;
  /** Whether the answer looked like the service's WSDL. */
  wsdl: boolean;
}

export interface OracleBiTarget {
  /** Host and port of BI Publisher, for messages. */
  readonly description: string;
  /** GET <ORACLE_BI_URL>/xmlpserver/services/PublicReportService?wsdl; throws TargetDown or Timeout
   * with the reason (refused, name not resolved, TLS) when there is no HTTP answer. */
  probe(): Promise<OracleBiProbe>;
}
