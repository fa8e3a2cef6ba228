// Reads a report execution's error and says which diagnostic looks at its likely cause.

const NEXT_STEPS: ReadonlyArray<{ pattern: RegExp; next: string }> = [
  {
    pattern: /ORA-\d+|oracle|BI Publisher|xmlpserver|PublicReportService|TNS:/i,
    next: 'This looks like Oracle BI Publisher connectivity: try `health oracle-bi`.',
  },
  {
    pattern: /OutOfMemory|OOMKilled|out of memory|heap space|memory limit/i,
    next: 'This looks like memory exhaustion: try `k8s pods --app report-service` and `k8s top pods`.',
  },
  {
    pattern:
      /too many (clients|connections)|connection pool|remaining connection slots|could not obtain connection/i,
    next: 'This looks like database connection pool exhaustion: try `db connections`.',
  },
  {
    pattern: /statement timeout|canceling statement|lock timeout|deadlock/i,
    next: 'This looks like a slow or blocked query: try `db blocking` and `db slow-queries`.',
  },
  {
    pattern: /401|403|unauthori[sz]ed|forbidden|jwt|token expired/i,
    next: 'This looks like an authentication problem: try `auth user <email>` for the report’s owner.',
  },
];

/** The diagnostic to run next for an execution error, if its text says what kind it is. */
export function nextStepFor(error: string): string | undefined {
  return NEXT_STEPS.find((step) => step.pattern.test(error))?.next;
}
