// `reports status` when only the Oatie API is configured: GET /api/v1/reports/{id}/executions, as
// the troubleshooting guide does it. The API gives executions, not the report's name or organisation.
import type { HandlerResult } from '../commands/handler.js';
import type { Services } from '../core/services.js';
import type { OatieApiTarget, ReportExecution } from '../targets/targets.js';
import { executionsTable, lastErrorBlocks, statusVerdict, type Execution } from './report-executions.js';
import { count, diagnosis, verdict } from './verdict.js';

const SHOWN = 10;

function normalise(executions: readonly ReportExecution[], now: Date): Execution[] {
  return executions
    .filter((e): e is ReportExecution & { startedAt: Date } => e.startedAt !== undefined)
    .map((e) => ({
      status: e.status,
      startedAt: e.startedAt,
      finishedAt: e.finishedAt ?? null,
      ms: (e.finishedAt ?? now).getTime() - e.startedAt.getTime(),
      error: e.error ?? null,
    }))
    .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime());
}

export async function reportStatusFromApi(
  api: OatieApiTarget,
  reportId: string,
  services: Services,
): Promise<HandlerResult> {
  const now = services.now();
  const executions = normalise(await api.reportExecutions(reportId), now);
  const latest = executions[0];
  const current = executions.find((e) => e.status === 'processing' && e.finishedAt === null);
  // The API has no report status: the newest execution stands for it.
  const status = current ? 'processing' : (latest?.status ?? 'pending');
  const { level, text } = statusVerdict(status, current, services.policy.reports.stuckAfter);
  const summary = verdict(level, `Report ${reportId}: ${text}`);
  const lastError = executions.find((e) => e.error !== null);
  const failed = executions.filter((e) => e.status === 'failed').length;
  return diagnosis(`Report ${reportId}`, summary, [
    {
      kind: 'fields',
      fields: [
        { label: 'Executions', value: `${count(executions.length)} (${count(failed)} failed)` },
        { label: 'Source', value: `Oatie API at ${api.description}` },
      ],
    },
    ...executionsTable(executions.slice(0, SHOWN)),
    ...lastErrorBlocks(
      lastError?.error ? { error: lastError.error, startedAt: lastError.startedAt } : undefined,
      now,
    ),
  ]);
}
