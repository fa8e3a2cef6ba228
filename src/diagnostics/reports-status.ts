// `reports status <report-id>`: a report's recent executions, how long the current one has been
// processing, and the last error, with where to look next. Read from the Oatie database; without
// it, from the Oatie API's executions endpoint (the guide's own diagnosis).
import { defineCommand, type HandlerResult } from '../commands/handler.js';
import { notConfigured, notFound } from '../core/errors.js';
import type { Services } from '../core/services.js';
import type { SqlTarget } from '../targets/targets.js';
import { executionsTable, lastErrorBlocks, statusVerdict, type Execution } from './report-executions.js';
import { reportStatusFromApi } from './reports-status-api.js';
import { ago } from './relative-time.js';
import { count, diagnosis, verdict } from './verdict.js';

interface ReportRow {
  name: string;
  status: string;
  organization: string | null;
  template: string | null;
  updated_at: Date;
}

const REPORT_SQL = `
SELECT r.name, r.status, o.name AS organization, t.name AS template, r.updated_at
FROM reports r
LEFT JOIN organizations o ON o.id = r.organization_id
LEFT JOIN templates t ON t.id = r.template_id
WHERE r.id = $1`;

// Durations come from the database's clock, the one that wrote started_at.
const EXECUTIONS_SQL = `
SELECT status, started_at AS "startedAt", finished_at AS "finishedAt", error,
       extract(epoch FROM coalesce(finished_at, now()) - started_at)::float8 * 1000 AS ms
FROM report_executions
WHERE report_id = $1
ORDER BY started_at DESC
LIMIT 10`;

const TOTALS_SQL = `
SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'failed')::int AS failed
FROM report_executions WHERE report_id = $1`;

const LAST_ERROR_SQL = `
SELECT error, started_at AS "startedAt" FROM report_executions
WHERE report_id = $1 AND error IS NOT NULL
ORDER BY started_at DESC LIMIT 1`;

async function fromDatabase(target: SqlTarget, reportId: string, services: Services): Promise<HandlerResult> {
  const [report] = await target.query<ReportRow>(REPORT_SQL, [reportId]);
  if (!report)
    throw notFound(`There is no report ${reportId} in the Oatie database at ${target.description}.`);
  const executions = await target.query<Execution>(EXECUTIONS_SQL, [reportId]);
  const [totals] = await target.query<{ total: number; failed: number }>(TOTALS_SQL, [reportId]);
  const [lastError] = await target.query<{ error: string; startedAt: Date }>(LAST_ERROR_SQL, [reportId]);
  const now = services.now();

  const current = executions.find((e) => e.status === 'processing');
  const { level, text } = statusVerdict(report.status, current, services.policy.reports.stuckAfter);
  const summary = verdict(
    level,
    `Report “${report.name}” (${report.organization ?? 'no organisation'}): ${text}`,
  );
  return diagnosis(`Report ${reportId}`, summary, [
    {
      kind: 'fields',
      fields: [
        { label: 'Status', value: report.status },
        { label: 'Template', value: report.template ?? '—' },
        { label: 'Executions', value: `${count(totals?.total ?? 0)} (${count(totals?.failed ?? 0)} failed)` },
        { label: 'Last change', value: ago(report.updated_at, now) },
      ],
    },
    ...executionsTable(executions),
    ...lastErrorBlocks(lastError, now),
  ]);
}

export const reportsStatus = defineCommand('reports status', async ({ args, services }) => {
  const { postgres, oatieApi } = services.targets;
  if (postgres) return fromDatabase(postgres, args.reportId, services);
  if (oatieApi) return reportStatusFromApi(oatieApi, args.reportId, services);
  throw notConfigured(
    'The Oatie database',
    'OATIE_DATABASE_URL (or OATIE_API_URL, for the executions alone)',
  );
});
