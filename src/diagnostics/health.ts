// `health`: the platform's health check — database, Redis, Oracle BI, Kubernetes and the Oatie API,
// each healthy or why not, with latency. Checks run in parallel, each bounded by the target timeout.
import { defineCommand } from '../commands/handler.js';
import { formatBytes } from '../core/quantity.js';
import type { OatieApiTarget, Targets } from '../targets/targets.js';
import { checkRows, runChecks, timed, type Check, type CheckOutcome } from './health-checks.js';
import { oracleBiDirect, oracleBiThroughApi } from './health-oracle-bi.js';
import { TARGET_VARIABLES } from '../targets/require-target.js';
import { diagnosis, formatMs, table, verdict, type Level } from './verdict.js';

async function oatieApiHealth(api: OatieApiTarget): Promise<CheckOutcome> {
  // The memory figure is a bonus (the guide's `/metrics | grep memory`): its failure costs nothing.
  const [h, samples] = await Promise.all([api.health(), api.metrics().catch(() => [])]);
  const failing = Object.entries(h.checks)
    .filter(([, ok]) => !ok)
    .map(([name]) => name);
  const memory = samples.find((s) => s.name === 'process_resident_memory_bytes');
  const parts = [`${api.description} says ${h.status}`];
  if (failing.length > 0) parts.push(`failing: ${failing.join(', ')}`);
  if (h.detail !== undefined) parts.push(h.detail);
  if (memory) parts.push(`memory ${formatBytes(memory.value)}`);
  return { healthy: h.healthy, latencyMs: h.latencyMs, detail: parts.join('; ') };
}

/** The checks of the platform's targets by name (database, redis, oracle_bi, kubernetes, oatie_api),
 * shared with the bot's own /health and with triage. */
export function platformChecks(t: Targets): Check[] {
  const { postgres, redis, oatieApi, oracleBi, kube } = t;
  const biApi = oatieApi && (() => oracleBiThroughApi(oatieApi));
  const biDirect = oracleBi && (() => oracleBiDirect(oracleBi));
  return [
    postgres
      ? {
          name: 'database',
          run: async () => {
            const { ms } = await timed(() => postgres.query('SELECT 1'));
            return { healthy: true, latencyMs: ms, detail: `SELECT 1 on ${postgres.description}` };
          },
        }
      : { name: 'database', missing: TARGET_VARIABLES.postgres },
    redis
      ? {
          name: 'redis',
          run: async () => ({
            healthy: true,
            latencyMs: await redis.ping(),
            detail: `PING on ${redis.description}`,
          }),
        }
      : { name: 'redis', missing: TARGET_VARIABLES.redis },
    // The API's own view of BI Publisher is the one users live with; the direct probe is the fallback.
    (biApi ?? biDirect)
      ? { name: 'oracle_bi', run: biApi ?? biDirect }
      : { name: 'oracle_bi', missing: `${TARGET_VARIABLES.oatieApi}, or ${TARGET_VARIABLES.oracleBi}` },
    kube
      ? {
          name: 'kubernetes',
          run: async () => {
            const { latencyMs, version } = await kube.ping();
            return { healthy: true, latencyMs, detail: `API server ${version} at ${kube.description}` };
          },
        }
      : { name: 'kubernetes', missing: TARGET_VARIABLES.kube },
    oatieApi
      ? { name: 'oatie_api', run: () => oatieApiHealth(oatieApi) }
      : { name: 'oatie_api', missing: TARGET_VARIABLES.oatieApi },
  ];
}

export const health = defineCommand('health', async ({ services }) => {
  const timeoutMs = services.config.OATIE_TARGET_TIMEOUT_MS;
  const { value: results, ms } = await timed(() =>
    runChecks(platformChecks(services.targets), timeoutMs, services.log),
  );
  const configured = results.filter((r) => r.state !== 'not configured');
  const unhealthy = configured.filter((r) => r.state === 'unhealthy').map((r) => r.name);
  const level: Level = configured.length === 0 ? 'info' : unhealthy.length > 0 ? 'bad' : 'ok';
  const text =
    configured.length === 0
      ? 'No target is configured: set the variables listed below.'
      : unhealthy.length > 0
        ? `Unhealthy: ${unhealthy.join(', ')} (${configured.length - unhealthy.length} of ${configured.length} checks healthy).`
        : `All ${configured.length} configured checks are healthy.`;
  return diagnosis('Health', verdict(level, text), [
    table(['check', 'status', 'latency', 'detail'], checkRows(results)),
    {
      kind: 'context',
      text: `Checked in parallel in ${formatMs(ms)}; each check gives up after ${formatMs(timeoutMs)}.`,
    },
  ]);
});
