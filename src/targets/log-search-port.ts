// The centralized log store (Elasticsearch at OATIE_ELASTICSEARCH_URL), as the core sees it: the
// guide's ELK error analysis in plain data.

export interface ErrorTypeCount {
  /** The `error_type` of the log entries. */
  type: string;
  count: number;
  firstSeen?: Date;
  lastSeen?: Date;
}

export interface ErrorBreakdown {
  /** ERROR entries in the window. */
  total: number;
  /** The most frequent error types, most frequent first. */
  types: ErrorTypeCount[];
}

export interface LogSearchTarget {
  /** Host and index, for messages (never credentials). */
  readonly description: string;
  /** ERROR entries since `sinceMs` ago (optionally of one app), counted by error_type. Bounded by
   * OATIE_TARGET_TIMEOUT_MS; fails with an OpsError (TargetDown, Timeout). */
  errorBreakdown(options: { sinceMs: number; app?: string; top: number }): Promise<ErrorBreakdown>;
  close(): Promise<void>;
}
