// `reports stuck`: reports processing for longer than the policy's reports.stuckAfter, by organisation.
import { defineCommand } from '../commands/handler.js';
import { formatDuration, formatDurationShort } from '../core/duration.js';
import { postgresOf } from '../targets/require-target.js';
import { count, diagnosis, plural, table, verdict } from './verdict.js';

interface ProcessingRow {
  id: string;
  name: string;
  organization: string;
  ms: number;
  stuck: boolean;
}

// A report has been processing since its running execution started, or, when the worker lost the
// execution, since the report itself last changed.
const PROCESSING_SQL = `
WITH processing AS (
  SELECT r.id, r.name, r.organization_id,
         coalesce((SELECT max(e.started_at) FROM report_executions e
                   WHERE e.report_id = r.id AND e.status = 'processing'), r.updated_at) AS since
  FROM reports r
  WHERE r.status = 'processing'
)
SELECT p.id::text AS id, p.name, coalesce(o.name, '(no organisation)') AS organization,
       extract(epoch FROM now() - p.since)::float8 * 1000 AS ms,
       p.since < now() - make_interval(secs => $1) AS stuck
FROM processing p
LEFT JOIN organizations o ON o.id = p.organization_id
ORDER BY p.since`;

interface OrganisationSummary {
  organization: string;
  stuck: number;
  oldestMs: number;
}

function byOrganisation(stuck: ProcessingRow[]): OrganisationSummary[] {
  const groups = new Map<string, OrganisationSummary>();
  for (const row of stuck) {
    const group = groups.get(row.organization) ?? { organization: row.organization, stuck: 0, oldestMs: 0 };
    group.stuck += 1;
    group.oldestMs = Math.max(group.oldestMs, row.ms);
    groups.set(row.organization, group);
  }
  return [...groups.values()].sort((a, b) => b.stuck - a.stuck || b.oldestMs - a.oldestMs);
}

export const reportsStuck = defineCommand('reports stuck', async ({ services }) => {
  const target = postgresOf(services);
  const stuckAfter = services.policy.reports.stuckAfter;
  const rows = await target.query<ProcessingRow>(PROCESSING_SQL, [stuckAfter / 1000]);
  const stuck = rows.filter((r) => r.stuck);
  const recent = rows.length - stuck.length;
  const threshold = formatDuration(stuckAfter);
  const title = `Stuck reports (processing over ${threshold}) — ${target.description}`;
  const recentNote =
    recent > 0
      ? ` ${plural(recent, 'other report is', 'other reports are')} processing for less than that.`
      : '';
  if (stuck.length === 0) {
    return diagnosis(
      title,
      verdict('ok', `No report has been processing for more than ${threshold}.${recentNote}`),
    );
  }
  const groups = byOrganisation(stuck);
  const text = verdict(
    'bad',
    `${plural(stuck.length, 'report has', 'reports have')} been processing for more than ${threshold}, in ${plural(groups.length, 'organisation', 'organisations')}; the oldest for ${formatDuration(stuck[0]?.ms ?? 0)}.${recentNote}`,
  );
  return diagnosis(title, text, [
    table(
      ['organisation', 'stuck', 'oldest'],
      groups.map((g) => [g.organization, count(g.stuck), formatDurationShort(g.oldestMs)]),
    ),
    { kind: 'section', text: 'Oldest stuck reports' },
    table(
      ['report id', 'report', 'organisation', 'processing for'],
      stuck.map((r) => [r.id, r.name, r.organization, formatDurationShort(r.ms)]),
      10,
    ),
    {
      kind: 'context',
      text: '`reports status <report-id>` shows a report’s executions and last error; many at once usually point at Oracle BI (`health oracle-bi`) or the report service (`k8s pods --app report-service`).',
    },
  ]);
});
