// Small, named facts of the Oatie platform for tests: an organisation with a template, users with
// roles and permissions, reports and their executions at given ages.
import type { OatieDatabase } from './oatie-database.js';

export async function addOrganization(
  db: OatieDatabase,
  name: string,
): Promise<{ id: string; templateId: string }> {
  const [org] = await db.sql<{ id: string }>('INSERT INTO organizations (name) VALUES ($1) RETURNING id', [
    name,
  ]);
  const [template] = await db.sql<{ id: string }>(
    `INSERT INTO templates (organization_id, name) VALUES ($1, 'Quarterly Finance') RETURNING id`,
    [org!.id],
  );
  return { id: org!.id, templateId: template!.id };
}

export async function addUser(
  db: OatieDatabase,
  user: { email: string; role: string; organizationId: string; permissions?: string[] },
): Promise<string> {
  const [row] = await db.sql<{ id: string }>(
    'INSERT INTO users (email, name, role, organization_id) VALUES ($1, $2, $3, $4) RETURNING id',
    [user.email, user.email.split('@')[0], user.role, user.organizationId],
  );
  for (const permission of user.permissions ?? []) {
    await db.sql('INSERT INTO user_permissions (user_id, permission) VALUES ($1, $2)', [row!.id, permission]);
  }
  return row!.id;
}

export interface ExecutionSpec {
  status: 'processing' | 'completed' | 'failed';
  /** Minutes ago it started. */
  startedMinutesAgo: number;
  /** How long it took, when finished. */
  tookSeconds?: number;
  error?: string;
}

export async function addReport(
  db: OatieDatabase,
  org: { id: string; templateId: string },
  report: { name: string; status: string; minutesAgo: number; executions?: ExecutionSpec[] },
): Promise<string> {
  const [row] = await db.sql<{ id: string }>(
    `INSERT INTO reports (organization_id, template_id, name, status, created_at, updated_at)
     VALUES ($1, $2, $3, $4, now() - make_interval(mins => $5), now() - make_interval(mins => $5)) RETURNING id`,
    [org.id, org.templateId, report.name, report.status, report.minutesAgo],
  );
  for (const e of report.executions ?? []) {
    await db.sql(
      `INSERT INTO report_executions (report_id, status, started_at, finished_at, error)
       VALUES ($1, $2, now() - make_interval(mins => $3),
               CASE WHEN $4::int IS NULL THEN NULL ELSE now() - make_interval(mins => $3) + make_interval(secs => $4) END, $5)`,
      [row!.id, e.status, e.startedMinutesAgo, e.tookSeconds ?? null, e.error ?? null],
    );
  }
  return row!.id;
}

/** A report processing for `minutes`, its running execution started as long ago. */
export function addProcessingReport(
  db: OatieDatabase,
  org: { id: string; templateId: string },
  name: string,
  minutes: number,
): Promise<string> {
  return addReport(db, org, {
    name,
    status: 'processing',
    minutesAgo: minutes,
    executions: [{ status: 'processing', startedMinutesAgo: minutes }],
  });
}
