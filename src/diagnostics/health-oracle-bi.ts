// `health oracle-bi`: BI Publisher connectivity — what the Oatie API says of its link to BI Publisher,
// whether the bot reaches PublicReportService directly, and how fast; the two together say where it breaks.
import { defineCommand } from '../commands/handler.js';
import type { OatieApiTarget, OracleBiTarget } from '../targets/targets.js';
import {
  checkRows,
  runChecks,
  timed,
  type Check,
  type CheckOutcome,
  type CheckResult,
} from './health-checks.js';
import { TARGET_VARIABLES } from '../targets/require-target.js';
import { diagnosis, formatMs, table, verdict, type Finding } from './verdict.js';

export async function oracleBiThroughApi(api: OatieApiTarget): Promise<CheckOutcome> {
  const h = await api.oracleBiHealth();
  const reported =
    h.reportedLatencyMs === undefined ? '' : `, BI answered the API in ${formatMs(h.reportedLatencyMs)}`;
  const detail = h.detail === undefined ? '' : `: ${h.detail}`;
  return {
    healthy: h.healthy,
    latencyMs: h.latencyMs,
    detail: `the Oatie API says ${h.status}${detail}${reported}`,
  };
}

export async function oracleBiDirect(bi: OracleBiTarget): Promise<CheckOutcome> {
  const probe = await bi.probe();
  const what = probe.wsdl
    ? 'served the WSDL'
    : probe.status === 401 || probe.status === 403
      ? 'asks for credentials'
      : 'answered';
  return {
    // Any answer below 500 means the service is up (401 only says it wants credentials).
    healthy: probe.status < 500,
    latencyMs: probe.latencyMs,
    detail: `PublicReportService at ${bi.description} ${what} (HTTP ${probe.status})`,
  };
}

export function oracleBiChecks(api: OatieApiTarget | undefined, bi: OracleBiTarget | undefined): Check[] {
  return [
    api
      ? { name: 'via Oatie API', run: () => oracleBiThroughApi(api) }
      : { name: 'via Oatie API', missing: TARGET_VARIABLES.oatieApi },
    bi
      ? { name: 'direct', run: () => oracleBiDirect(bi) }
      : { name: 'direct', missing: TARGET_VARIABLES.oracleBi },
  ];
}

/** Where the link breaks, from the two views. */
function conclude(viaApi: CheckResult | undefined, direct: CheckResult | undefined): Finding {
  const up = (r: CheckResult | undefined) => r?.state === 'healthy';
  const down = (r: CheckResult | undefined) => r?.state === 'unhealthy';
  if (viaApi?.state === 'not configured' && direct?.state === 'not configured') {
    return {
      level: 'info',
      text: `Oracle BI Publisher is not configured: set ${TARGET_VARIABLES.oatieApi}, or ${TARGET_VARIABLES.oracleBi}.`,
    };
  }
  if (down(viaApi) && up(direct)) {
    return {
      level: 'bad',
      text: 'BI Publisher answers, but the Oatie API cannot use it: check the credentials and data source the API uses for BI Publisher.',
    };
  }
  if (down(direct))
    return { level: 'bad', text: `BI Publisher is not reachable from the bot: ${direct?.detail ?? ''}` };
  if (down(viaApi))
    return { level: 'bad', text: `The Oatie API reports BI Publisher unhealthy: ${viaApi?.detail ?? ''}` };
  return { level: 'ok', text: 'Oracle BI Publisher is reachable and healthy.' };
}

export const healthOracleBi = defineCommand('health oracle-bi', async ({ services }) => {
  const { oatieApi, oracleBi } = services.targets;
  const checks = oracleBiChecks(oatieApi, oracleBi);
  const { value: results, ms } = await timed(() =>
    runChecks(checks, services.config.OATIE_TARGET_TIMEOUT_MS, services.log),
  );
  const [viaApi, direct] = results;
  const { level, text } = conclude(viaApi, direct);
  return diagnosis('Oracle BI Publisher', verdict(level, text), [
    table(['check', 'status', 'latency', 'detail'], checkRows(results)),
    {
      kind: 'context',
      text: `Checked in ${formatMs(ms)}. The direct check sends no credentials: an HTTP 401 still means reachable.`,
    },
  ]);
});
