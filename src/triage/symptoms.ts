// The symptoms of `triage`, one per problem of the troubleshooting guide
// (../shared/seed/troubleshooting-guide.md, "Common Issues and Solutions"): the guide's section and
// one-line description, the checks that carry out its "Diagnosis" steps, and for each check the
// cause (a "Solutions" item of the same section) it points at when it is not ok.
import type { SymptomId } from '../config/triage-policy.js';
import type { FixProposal } from '../diagnostics/fix-button.js';
import type { CheckId } from './checks.js';

export interface SymptomCheck {
  check: CheckId;
  /** The guide's diagnosis step this check carries out. */
  guideStep: string;
  /** The likely cause (a solution of the guide's section) when this check is not ok. */
  cause: string;
}

/** A fix of the guide's section offered when one of `when` is not ok (and the policy allows its target). */
export interface SymptomFix {
  when: readonly CheckId[];
  label: string;
  proposal: FixProposal;
}

export interface Symptom {
  id: SymptomId;
  aliases: readonly string[];
  /** "1. Authentication and Authorization Issues › Invalid JWT Token" */
  guideSection: string;
  /** The guide's one-line description of the problem (its first symptoms). */
  description: string;
  checks: readonly SymptomCheck[];
  /** What to run by hand when the checks need a subject the symptom does not name (a user, a token). */
  next?: string;
  /** Fixes of the section that no single diagnostic offers. */
  fixes?: readonly SymptomFix[];
}

export const symptoms: readonly Symptom[] = [
  {
    id: 'jwt',
    aliases: ['token', 'auth', '401', 'invalid-jwt'],
    guideSection: '1. Authentication and Authorization Issues › "Invalid JWT Token" Error',
    description: '401 Unauthorized responses, "Token expired" or "Invalid token" messages.',
    checks: [
      {
        check: 'oatie-api',
        guideStep: 'users unable to access protected endpoints: the API’s own health',
        cause: 'The Oatie API (which validates tokens) is unhealthy',
      },
      {
        check: 'auth-service-errors',
        guideStep: '"Token expired" / "Invalid token" messages in the logs',
        cause:
          'Tokens expire or are malformed: refresh them (POST /auth/refresh), check the "Bearer " prefix',
      },
      {
        check: 'auth-service-pods',
        guideStep: 'the authentication service is running',
        cause: 'The authentication service is down or restarting',
      },
    ],
    next: 'Decode a token with `auth token <jwt>` (answered to you only): expiry, structure and clock skew.',
  },
  {
    id: 'permissions',
    aliases: ['permission', 'forbidden', '403', 'rbac', 'access'],
    guideSection: '1. Authentication and Authorization Issues › "Insufficient Permissions" Error',
    description: '403 Forbidden responses; users cannot access features they should have access to.',
    checks: [
      {
        check: 'redis',
        guideStep: 'the permission cache (redis-cli DEL "permissions:<user-uuid>")',
        cause: 'The permission cache is unreachable or stale: clear it (`auth clear-cache`)',
      },
      {
        check: 'auth-service-pods',
        guideStep: 'kubectl rollout restart deployment/auth-service',
        cause: 'The authentication service holds stale permissions: restart it (`k8s restart auth-service`)',
      },
      {
        check: 'auth-service-errors',
        guideStep: '403 Forbidden responses in the logs',
        cause: 'Role assignment: the users’ roles lack the permission (`auth set-role`)',
      },
    ],
    next: 'For one user: `auth user <email> <permission>` shows the role, organisation, permission rows and cache.',
    fixes: [
      {
        when: ['auth-service-pods', 'auth-service-errors'],
        label: 'Restart auth-service',
        proposal: {
          command: 'k8s restart',
          args: { deployment: 'auth-service' },
          why: 'triage permissions: the guide’s permission cache refresh restarts the authentication service',
        },
      },
    ],
  },
  {
    id: 'reports-failing',
    aliases: ['reports', 'report-failing', 'reports-stuck', 'report-generation', 'oracle', 'oracle-bi'],
    guideSection: '2. Report Generation Issues › Reports Failing to Generate',
    description:
      'Reports stuck in "processing" status, errors in report execution logs, Oracle BI Publisher connection failures.',
    checks: [
      {
        check: 'reports-stuck',
        guideStep: 'check report status (GET /api/v1/reports/{id}/executions)',
        cause: 'Reports are stuck in processing',
      },
      {
        check: 'oracle-bi-api',
        guideStep: 'check Oracle BI Publisher connectivity (GET /api/v1/health/oracle-bi)',
        cause: 'Oracle BI Publisher connection (solution 1)',
      },
      {
        check: 'oracle-bi-direct',
        guideStep: 'check network connectivity (telnet oracle-bi-host 9502)',
        cause: 'Oracle BI Publisher connection (solution 1)',
      },
      {
        check: 'report-service-errors',
        guideStep: 'review application logs (kubectl logs deployment/report-service)',
        cause: 'Errors in the report service',
      },
      {
        check: 'report-service-pods',
        guideStep: 'memory issues (kubectl top pods -l app=report-service)',
        cause: 'Memory issues (solution 2): raise the limit (`k8s set-memory`)',
      },
      {
        check: 'db-connections',
        guideStep: 'database connection pool (active connections, pg_stat_database)',
        cause: 'Database connection pool (solution 3)',
      },
    ],
    next: 'For one report: `reports status <report-id>` shows its executions and last error.',
  },
  {
    id: 'reports-slow',
    aliases: ['report-performance', 'reports-performance', 'slow-reports'],
    guideSection: '2. Report Generation Issues › Report Performance Issues',
    description:
      'Reports taking too long to generate, timeouts during report execution, high resource usage.',
    checks: [
      {
        check: 'db-slow-queries',
        guideStep: 'identify slow queries (pg_stat_statements, mean_exec_time > 1000)',
        cause: 'Query optimization: slow statements',
      },
      {
        check: 'db-indexes',
        guideStep: 'check query execution plans (missing indexes)',
        cause: 'Database optimization: add missing indexes',
      },
      {
        check: 'db-bloat',
        guideStep: 'ANALYZE reports; VACUUM ANALYZE report_executions',
        cause: 'Database optimization: update statistics, vacuum tables',
      },
      {
        check: 'top-pods',
        guideStep: 'high resource usage',
        cause: 'High resource usage of the services',
      },
    ],
  },
  {
    id: 'db-pool',
    aliases: ['pool', 'connections', 'connection-pool', 'too-many-connections'],
    guideSection: '3. Database Issues › Connection Pool Exhaustion',
    description:
      '"Too many connections" errors, application unable to connect to database, intermittent database errors.',
    checks: [
      {
        check: 'db-connections',
        guideStep: 'current connections by state; SHOW max_connections',
        cause: 'The pool is exhausted: connections leak or the pool is too small (increase it, monitor it)',
      },
      {
        check: 'db-long-running',
        guideStep: 'identify long-running connections (> 5 minutes)',
        cause: 'Long-running queries hold connections: kill them (solution 2)',
      },
      {
        check: 'db-blocking',
        guideStep: 'sessions waiting on locks hold their connections too',
        cause: 'Blocked queries pile up behind a lock holder',
      },
    ],
  },
  {
    id: 'db-slow',
    aliases: ['db-performance', 'database-slow', 'slow-queries', 'database'],
    guideSection: '3. Database Issues › Database Performance Degradation',
    description: 'Slow query execution, high CPU usage on database server, application timeouts.',
    checks: [
      {
        check: 'db-slow-queries',
        guideStep: 'check slow queries (pg_stat_statements by mean_exec_time)',
        cause: 'Slow statements',
      },
      {
        check: 'db-indexes',
        guideStep: 'check index usage (pg_stat_user_indexes)',
        cause: 'Index optimization: create missing indexes, drop unused ones',
      },
      {
        check: 'db-bloat',
        guideStep: 'check table bloat (pg_stat_user_tables)',
        cause: 'Database maintenance: VACUUM ANALYZE, REINDEX',
      },
      {
        check: 'db-blocking',
        guideStep: 'monitor blocking queries (Database Debugging)',
        cause: 'Queries blocked by a lock holder',
      },
    ],
  },
  {
    id: 'memory',
    aliases: ['oom', 'oomkilled', 'high-memory', 'mem'],
    guideSection: '4. Infrastructure Issues › High Memory Usage',
    description: 'Out of memory errors, pod restarts due to memory limits, application slowness.',
    checks: [
      {
        check: 'top-nodes',
        guideStep: 'kubectl top nodes',
        cause: 'Nodes are short of memory',
      },
      {
        check: 'top-pods',
        guideStep: 'kubectl top pods',
        cause: 'Pods near their memory limit: increase memory limits (solution 1)',
      },
      {
        check: 'pods',
        guideStep: 'check memory limits and restarts (kubectl describe pod)',
        cause: 'Pods OOMKilled: a memory leak or a limit too low (restart, raise the limit)',
      },
      {
        check: 'oatie-api',
        guideStep: 'application memory usage (/metrics | grep memory)',
        cause: 'The application’s own memory use',
      },
    ],
  },
  {
    id: 'network',
    aliases: ['dns', 'connectivity', 'netpol', 'service-discovery'],
    guideSection: '4. Infrastructure Issues › Network Connectivity Problems',
    description: 'Service discovery failures, intermittent connection errors, DNS resolution issues.',
    checks: [
      {
        check: 'dns',
        guideStep: 'nslookup postgres-service; /etc/resolv.conf',
        cause: 'DNS issues: restart CoreDNS (solution 1)',
      },
      {
        check: 'netpol',
        guideStep: 'kubectl get networkpolicies',
        cause: 'A network policy blocks the traffic (solution 2)',
      },
      {
        check: 'database',
        guideStep: 'test service connectivity (postgres)',
        cause: 'The database cannot be reached',
      },
      {
        check: 'redis',
        guideStep: 'test service connectivity (redis)',
        cause: 'Redis cannot be reached',
      },
      {
        check: 'kubernetes',
        guideStep: 'the cluster’s API answers',
        cause: 'The Kubernetes API cannot be reached',
      },
    ],
    fixes: [
      {
        when: ['dns'],
        label: 'Restart CoreDNS',
        proposal: {
          command: 'k8s restart',
          args: { deployment: 'coredns' },
          why: 'triage network: DNS issues, the guide’s solution 1 restarts CoreDNS',
        },
      },
    ],
  },
];

export function symptomById(id: SymptomId): Symptom {
  const found = symptoms.find((s) => s.id === id);
  if (!found) throw new Error(`no symptom ${id}`);
  return found;
}

/** The symptom typed (its id or an alias, any case), if any. */
export function findSymptom(word: string): Symptom | undefined {
  const w = word.toLowerCase();
  return symptoms.find((s) => s.id === w || s.aliases.includes(w));
}
