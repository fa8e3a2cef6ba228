// Every check a triage may run, by id: each is one existing diagnostic (with thresholds from the
// policy) or one of the health checks. Symptoms (symptoms.ts) pick from these.
import { durationArg } from '../diagnostics/fix-button.js';
import { dbBlocking } from '../diagnostics/db-blocking.js';
import { dbBloat } from '../diagnostics/db-bloat.js';
import { dbConnections } from '../diagnostics/db-connections.js';
import { dbIndexes } from '../diagnostics/db-indexes.js';
import { dbLongRunning } from '../diagnostics/db-long-running.js';
import { dbSlowQueries } from '../diagnostics/db-slow-queries.js';
import { platformChecks } from '../diagnostics/health.js';
import { oracleBiChecks } from '../diagnostics/health-oracle-bi.js';
import { k8sDns } from '../diagnostics/k8s-dns.js';
import { k8sNetpol } from '../diagnostics/k8s-netpol.js';
import { k8sPods } from '../diagnostics/k8s-pods.js';
import { k8sTop } from '../diagnostics/k8s-top.js';
import { logsErrors } from '../diagnostics/logs-errors.js';
import { reportsStuck } from '../diagnostics/reports-stuck.js';
import type { Services } from '../core/services.js';
import { diagnosticCheck, healthCheck, type TriageCheck } from './triage-check.js';

const platform = (name: string) => (services: Services) =>
  platformChecks(services.targets).find((c) => c.name === name);

const oracleBi = (name: string) => (services: Services) =>
  oracleBiChecks(services.targets.oatieApi, services.targets.oracleBi).find((c) => c.name === name);

/** The Oatie database's checks take turns on its warm connection (see TriageCheck.lane). */
const PG = 'postgres';
const none = () => ({});

const checkList = [
  // Database
  diagnosticCheck(
    'db-connections',
    'Connections vs max_connections',
    dbConnections,
    (t) => ({ idleFor: durationArg(t.idleFor) }),
    PG,
  ),
  diagnosticCheck(
    'db-long-running',
    'Long-running queries',
    dbLongRunning,
    (t) => ({ olderThan: durationArg(t.longRunning) }),
    PG,
  ),
  diagnosticCheck(
    'db-slow-queries',
    'Slow queries (pg_stat_statements)',
    dbSlowQueries,
    (t) => ({ minMs: String(t.slowQueryMs) }),
    PG,
  ),
  diagnosticCheck('db-indexes', 'Index usage', dbIndexes, none, PG),
  diagnosticCheck('db-bloat', 'Table bloat and vacuum', dbBloat, none, PG),
  diagnosticCheck('db-blocking', 'Blocking queries', dbBlocking, none, PG),
  healthCheck('database', 'Database reachable', 'health', platform('database'), PG),
  // Reports
  diagnosticCheck('reports-stuck', 'Reports stuck in processing', reportsStuck, none, PG),
  healthCheck(
    'oracle-bi-api',
    'Oracle BI (as the Oatie API sees it)',
    'health oracle-bi',
    oracleBi('via Oatie API'),
  ),
  healthCheck('oracle-bi-direct', 'Oracle BI Publisher reachable', 'health oracle-bi', oracleBi('direct')),
  diagnosticCheck('report-service-errors', 'report-service errors (last hour)', logsErrors, () => ({
    since: '1h',
    app: 'report-service',
  })),
  diagnosticCheck('report-service-pods', 'report-service pods', k8sPods, () => ({ app: 'report-service' })),
  // Auth
  healthCheck('oatie-api', 'Oatie API health', 'health', platform('oatie_api')),
  healthCheck('redis', 'Permission cache (Redis)', 'health', platform('redis')),
  diagnosticCheck('auth-service-pods', 'auth-service pods', k8sPods, () => ({ app: 'auth-service' })),
  diagnosticCheck('auth-service-errors', 'auth-service errors (last hour)', logsErrors, () => ({
    since: '1h',
    app: 'auth-service',
  })),
  // Infrastructure
  diagnosticCheck('pods', 'Pod restarts and OOMKills', k8sPods),
  diagnosticCheck('top-pods', 'Pod memory vs limits', k8sTop, () => ({ resource: 'pods' })),
  diagnosticCheck('top-nodes', 'Node memory', k8sTop, () => ({ resource: 'nodes' })),
  diagnosticCheck('dns', 'DNS and service endpoints', k8sDns),
  diagnosticCheck('netpol', 'Network policies', k8sNetpol),
  healthCheck('kubernetes', 'Kubernetes API reachable', 'health', platform('kubernetes')),
] as const satisfies readonly TriageCheck[];

export type CheckId = (typeof checkList)[number]['id'];

export const triageChecks: ReadonlyMap<string, TriageCheck> = new Map(checkList.map((c) => [c.id, c]));
