// Realistic sample data for the Oatie schema: organisations, users with roles and permissions,
// 20,000 reports, executions with errors, reports stuck in processing, and a bloated table.
// Fixed ids for the people and reports the README talks about; the rest is generated.

export const demoUsers = {
  maria: { id: '5b1e7c2a-3d4f-4a6b-8c9d-0e1f2a3b4c01', email: 'maria.garcia@northwind.example' },
  james: { id: '5b1e7c2a-3d4f-4a6b-8c9d-0e1f2a3b4c02', email: 'james.chen@acme.example' },
  priya: { id: '5b1e7c2a-3d4f-4a6b-8c9d-0e1f2a3b4c03', email: 'priya.patel@globex.example' },
  tom: { id: '5b1e7c2a-3d4f-4a6b-8c9d-0e1f2a3b4c04', email: 'tom.baker@initech.example' },
  lena: { id: '5b1e7c2a-3d4f-4a6b-8c9d-0e1f2a3b4c05', email: 'lena.novak@umbrella.example' },
} as const;

export const demoReports = {
  stuckWithOracleErrors: '3f6c2a1e-8b4d-4e7a-9c1f-5d2e8a7b6c01',
  failedOutOfMemory: '3f6c2a1e-8b4d-4e7a-9c1f-5d2e8a7b6c07',
} as const;

const people = `
INSERT INTO organizations (name, plan, created_at) VALUES
  ('Acme Analytics', 'enterprise', now() - interval '900 days'),
  ('Northwind Traders', 'standard', now() - interval '700 days'),
  ('Globex Corporation', 'enterprise', now() - interval '500 days'),
  ('Initech', 'standard', now() - interval '300 days'),
  ('Umbrella Health', 'trial', now() - interval '20 days');

INSERT INTO users (id, email, name, role, organization_id, last_login_at)
SELECT v.id::uuid, v.email, v.name, v.role, o.id, now() - v.login
FROM (VALUES
  ('${demoUsers.maria.id}', '${demoUsers.maria.email}', 'Maria Garcia', 'analyst', 'Northwind Traders', interval '2 hours'),
  ('${demoUsers.james.id}', '${demoUsers.james.email}', 'James Chen', 'report_manager', 'Acme Analytics', interval '10 minutes'),
  ('${demoUsers.priya.id}', '${demoUsers.priya.email}', 'Priya Patel', 'admin', 'Globex Corporation', interval '1 day'),
  ('${demoUsers.tom.id}', '${demoUsers.tom.email}', 'Tom Baker', 'viewer', 'Initech', interval '30 days'),
  ('${demoUsers.lena.id}', '${demoUsers.lena.email}', 'Lena Novak', 'reporting_lead', 'Umbrella Health', NULL)
) AS v(id, email, name, role, org, login)
JOIN organizations o ON o.name = v.org;

INSERT INTO users (email, name, role, organization_id, last_login_at)
SELECT format('user%s@%s.example', g, lower(split_part(o.name, ' ', 1))), format('User %s', g),
       (ARRAY['viewer', 'viewer', 'analyst', 'analyst', 'report_manager', 'admin'])[1 + g % 6],
       o.id, now() - (g % 30) * interval '1 day'
FROM organizations o CROSS JOIN generate_series(1, 40) AS g;

INSERT INTO user_permissions (user_id, permission, granted_at)
SELECT u.id, p.permission, u.created_at
FROM users u
JOIN (VALUES
  ('viewer', 'reports:read'),
  ('analyst', 'reports:read'), ('analyst', 'templates:read'),
  ('report_manager', 'reports:read'), ('report_manager', 'reports:create'), ('report_manager', 'reports:schedule'),
  ('report_manager', 'templates:read'), ('report_manager', 'templates:write'),
  ('admin', 'reports:read'), ('admin', 'reports:create'), ('admin', 'reports:schedule'),
  ('admin', 'templates:read'), ('admin', 'templates:write'), ('admin', 'users:manage')
) AS p(role, permission) ON p.role = u.role;
`;

const reports = `
INSERT INTO templates (organization_id, name, format)
SELECT o.id, t.name, t.format
FROM organizations o
CROSS JOIN (VALUES ('Monthly Sales', 'pdf'), ('Quarterly Finance', 'xlsx'), ('Inventory Levels', 'pdf'),
                   ('Customer Churn', 'html'), ('Compliance Audit', 'pdf')) AS t(name, format);

WITH t AS (SELECT id, organization_id, name, row_number() OVER (ORDER BY organization_id, name) - 1 AS n FROM templates)
INSERT INTO reports (organization_id, template_id, name, status, created_at, updated_at)
SELECT t.organization_id, t.id, format('%s %s', t.name, to_char(s.at, 'YYYY-MM-DD HH24:MI')),
       CASE WHEN s.g % 17 = 0 THEN 'failed' WHEN s.g % 53 = 0 THEN 'pending' ELSE 'completed' END,
       s.at, s.at + interval '3 minutes'
FROM (SELECT g, now() - g * interval '26 minutes' AS at FROM generate_series(1, 20000) AS g) AS s
JOIN t ON t.n = (s.g * 7) % 25;

-- Two executions per report: a first attempt, then the one that gave the report its status.
INSERT INTO report_executions (report_id, status, started_at, finished_at, error)
SELECT r.id,
       CASE WHEN k = 2 AND r.status = 'failed' THEN 'failed' WHEN k = 1 AND random() < 0.05 THEN 'failed' ELSE 'completed' END,
       r.created_at + (k - 1) * interval '1 minute',
       r.created_at + (k - 1) * interval '1 minute' + (20 + random() * 100) * interval '1 second',
       NULL
FROM reports r CROSS JOIN generate_series(1, 2) AS k
WHERE r.status <> 'pending';

UPDATE report_executions e SET error = (ARRAY[
  'ORA-12541: TNS:no listener (oracle-bi.oatie.internal:9502)',
  'Oracle BI Publisher request timed out after 30000 ms (PublicReportService.runReport)',
  'java.lang.OutOfMemoryError: Java heap space while rendering template',
  'FATAL: remaining connection slots are reserved for non-replication superuser connections'
])[1 + abs(hashtext(e.id::text)) % 4]
WHERE e.status = 'failed';
`;

const stuck = `
INSERT INTO reports (id, organization_id, template_id, name, status, created_at, updated_at)
SELECT v.id::uuid, t.organization_id, t.id, v.name, v.status, now() - v.age, now() - v.age
FROM (VALUES
  ('${demoReports.stuckWithOracleErrors}', 'Northwind Traders', 'Quarterly Finance', 'Q3 board pack', 'processing', interval '3 hours 12 minutes'),
  ('3f6c2a1e-8b4d-4e7a-9c1f-5d2e8a7b6c02', 'Northwind Traders', 'Monthly Sales', 'Sales by region, October', 'processing', interval '2 hours 5 minutes'),
  ('3f6c2a1e-8b4d-4e7a-9c1f-5d2e8a7b6c03', 'Acme Analytics', 'Inventory Levels', 'Warehouse stock, week 47', 'processing', interval '55 minutes'),
  ('3f6c2a1e-8b4d-4e7a-9c1f-5d2e8a7b6c04', 'Acme Analytics', 'Customer Churn', 'Churn cohort analysis', 'processing', interval '47 minutes'),
  ('3f6c2a1e-8b4d-4e7a-9c1f-5d2e8a7b6c05', 'Globex Corporation', 'Compliance Audit', 'SOX controls evidence', 'processing', interval '1 hour 40 minutes'),
  ('3f6c2a1e-8b4d-4e7a-9c1f-5d2e8a7b6c06', 'Initech', 'Monthly Sales', 'TPS summary', 'processing', interval '4 minutes'),
  ('${demoReports.failedOutOfMemory}', 'Globex Corporation', 'Quarterly Finance', 'Consolidated ledger FY', 'failed', interval '25 minutes')
) AS v(id, org, template, name, status, age)
JOIN organizations o ON o.name = v.org
JOIN templates t ON t.organization_id = o.id AND t.name = v.template;

INSERT INTO report_executions (report_id, status, started_at, finished_at, error)
SELECT v.report::uuid, v.status, now() - v.started, now() - v.started + v.took, v.error
FROM (VALUES
  ('${demoReports.stuckWithOracleErrors}', 'failed', interval '5 hours', interval '30 seconds', 'Oracle BI Publisher request timed out after 30000 ms (PublicReportService.runReport)'),
  ('${demoReports.stuckWithOracleErrors}', 'failed', interval '4 hours', interval '31 seconds', 'ORA-12541: TNS:no listener (oracle-bi.oatie.internal:9502)'),
  ('${demoReports.stuckWithOracleErrors}', 'processing', interval '3 hours 12 minutes', NULL, NULL),
  ('3f6c2a1e-8b4d-4e7a-9c1f-5d2e8a7b6c02', 'processing', interval '2 hours 5 minutes', NULL, NULL),
  ('3f6c2a1e-8b4d-4e7a-9c1f-5d2e8a7b6c03', 'processing', interval '55 minutes', NULL, NULL),
  ('3f6c2a1e-8b4d-4e7a-9c1f-5d2e8a7b6c04', 'processing', interval '47 minutes', NULL, NULL),
  ('3f6c2a1e-8b4d-4e7a-9c1f-5d2e8a7b6c06', 'processing', interval '4 minutes', NULL, NULL),
  ('${demoReports.failedOutOfMemory}', 'failed', interval '25 minutes', interval '4 minutes', 'java.lang.OutOfMemoryError: Java heap space while rendering template (container memory limit 1Gi)')
) AS v(report, status, started, took, error);
`;

// Old executions purged with autovacuum switched off on the table: its dead tuples stay until a vacuum.
const bloat = `
ALTER TABLE report_executions SET (autovacuum_enabled = false);
DELETE FROM report_executions WHERE started_at < now() - interval '60 days';
`;

const auditLogs = `
WITH u AS (SELECT id, organization_id, row_number() OVER (ORDER BY email) - 1 AS n FROM users)
INSERT INTO audit_logs (organization_id, user_id, action, details, "timestamp")
SELECT u.organization_id, u.id,
       (ARRAY['login', 'report.create', 'report.run', 'report.download', 'template.update', 'permission.denied'])[1 + g % 6],
       jsonb_build_object('ip', format('10.0.%s.%s', g % 250, g % 7)),
       now() - g * interval '5 minutes'
FROM generate_series(1, 5000) AS g
JOIN u ON u.n = g % (SELECT count(*) FROM users);

ANALYZE organizations, users, user_permissions, templates, reports, audit_logs;
`;

/** The whole data set, as one script (after the schema). */
export const sampleDataSql = [people, reports, stuck, bloat, auditLogs].join('\n');
