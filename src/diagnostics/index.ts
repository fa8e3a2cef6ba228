// The diagnostics' handlers, spread into the command registry (src/commands/registry.ts).
import type { CommandHandler } from '../commands/handler.js';
import { authToken } from './auth-token.js';
import { authUser } from './auth-user.js';
import { dbBlocking } from './db-blocking.js';
import { dbBloat } from './db-bloat.js';
import { dbConnections } from './db-connections.js';
import { dbExplain } from './db-explain.js';
import { dbIndexes } from './db-indexes.js';
import { dbLongRunning } from './db-long-running.js';
import { dbSlowQueries } from './db-slow-queries.js';
import { health } from './health.js';
import { healthOracleBi } from './health-oracle-bi.js';
import { k8sDescribe } from './k8s-describe.js';
import { k8sDns } from './k8s-dns.js';
import { k8sLogs } from './k8s-logs.js';
import { k8sNetpol } from './k8s-netpol.js';
import { k8sPods } from './k8s-pods.js';
import { k8sTop } from './k8s-top.js';
import { logsErrors } from './logs-errors.js';
import { reportsStatus } from './reports-status.js';
import { reportsStuck } from './reports-stuck.js';

export const diagnosticHandlers: readonly CommandHandler[] = [
  authToken,
  authUser,
  reportsStatus,
  reportsStuck,
  dbConnections,
  dbLongRunning,
  dbSlowQueries,
  dbExplain,
  dbIndexes,
  dbBloat,
  dbBlocking,
  health,
  healthOracleBi,
  k8sPods,
  k8sTop,
  k8sLogs,
  k8sDescribe,
  k8sNetpol,
  k8sDns,
  logsErrors,
];
