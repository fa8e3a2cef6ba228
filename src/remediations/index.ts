// The registry of fixes: one line per fix. Each becomes a command that asks for approval
// (src/approvals/fix-commands.ts) and a target of suggested-fix buttons (fix.propose).
import { authClearCache } from './auth-clear-cache.js';
import { authGrant } from './auth-grant.js';
import { authRevoke } from './auth-revoke.js';
import { authSetRole } from './auth-set-role.js';
import { dbAnalyze } from './db-analyze.js';
import { dbCreateIndex } from './db-create-index.js';
import { dbDropIndex } from './db-drop-index.js';
import { dbReindex } from './db-reindex.js';
import { dbTerminate } from './db-terminate.js';
import { dbTerminateIdle } from './db-terminate-idle.js';
import { dbTerminateLong } from './db-terminate-long.js';
import { dbVacuum } from './db-vacuum.js';
import { k8sRestart } from './k8s-restart.js';
import { k8sSetMemory } from './k8s-set-memory.js';
import type { Fix } from './remediation.js';

export const fixes: readonly Fix[] = [
  dbTerminate,
  dbTerminateLong,
  dbTerminateIdle,
  dbVacuum,
  dbAnalyze,
  dbCreateIndex,
  dbDropIndex,
  dbReindex,
  authSetRole,
  authGrant,
  authRevoke,
  authClearCache,
  k8sRestart,
  k8sSetMemory,
];

export function fixFor(command: string): Fix | undefined {
  return fixes.find((f) => f.command === command);
}
