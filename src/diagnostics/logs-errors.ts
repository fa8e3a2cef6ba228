// `logs errors [--since 1h] [--app <name>]`: the guide's ELK error analysis — ERROR entries in the
// window counted by error_type, top 10, with when each was first and last seen — from Elasticsearch;
// without it (or when it does not answer), the Kubernetes logs of the app's pods, ERROR lines grouped
// by message shape, and the answer says so.
import type { Block } from '../chat/message.js';
import { defineCommand } from '../commands/handler.js';
import { formatDuration } from '../core/duration.js';
import { isOpsError, notConfigured } from '../core/errors.js';
import type { Services } from '../core/services.js';
import type { KubeTarget, LabelSelector, LogSearchTarget } from '../targets/targets.js';
import { TARGET_VARIABLES } from '../targets/require-target.js';
import { groupErrors } from './error-shapes.js';
import { readLogs } from './k8s-logs.js';
import { ago } from './relative-time.js';
import { count, diagnosis, plural, table, type Finding } from './verdict.js';

const TOP = 10;
/** Lines read per pod in the fallback (kubectl logs --since reads them all; a chat answer cannot). */
const FALLBACK_TAIL = 1000;
const MAX_PODS = 10;

interface Args {
  since: number;
  app?: string;
}

/** When an error was seen, to the minute (seconds are noise in a window of hours). */
function seen(at: Date | undefined, now: Date): string {
  if (!at) return '—';
  const ms = now.getTime() - at.getTime();
  const rounded = ms >= 60_000 ? Math.round(ms / 60_000) * 60_000 : ms;
  return ago(new Date(now.getTime() - rounded), now);
}

function errorsFinding(
  services: Services,
  total: number,
  kinds: number,
  worst: string | undefined,
  window: string,
): Finding {
  if (total === 0) return { level: 'ok', text: `No errors in the last ${window}.` };
  const level = total >= services.policy.triage.thresholds.errorLines ? 'warn' : 'ok';
  const most = worst === undefined ? '' : `; most frequent: ${worst}`;
  return {
    level,
    text: `${plural(total, 'error', 'errors')} in the last ${window}, of ${plural(kinds, 'kind', 'kinds')}${most}.`,
  };
}

async function fromElasticsearch(services: Services, search: LogSearchTarget, args: Args, where: string) {
  const breakdown = await search.errorBreakdown({ sinceMs: args.since, app: args.app, top: TOP });
  const now = services.now();
  const window = formatDuration(args.since);
  const top = breakdown.types[0];
  const finding = errorsFinding(
    services,
    breakdown.total,
    breakdown.types.length,
    top && `${top.type} (${count(top.count)})`,
    window,
  );
  const blocks: Block[] = [];
  if (breakdown.types.length > 0) {
    blocks.push(
      table(
        ['error type', 'count', 'first seen', 'last seen'],
        breakdown.types.map((t) => [t.type, count(t.count), seen(t.firstSeen, now), seen(t.lastSeen, now)]),
        TOP,
      ),
    );
  }
  blocks.push({
    kind: 'context',
    text: `From Elasticsearch at ${search.description}: level ERROR${where}, by error_type, top ${TOP}.`,
  });
  return diagnosis(`Errors — last ${window}${where}`, finding, blocks);
}

async function fromKubernetes(services: Services, kube: KubeTarget, args: Args, where: string, why: string) {
  const selector: LabelSelector | undefined =
    args.app === undefined ? undefined : { matchLabels: { app: args.app }, matchExpressions: [] };
  const pods = (await kube.listPods({ selector })).sort((a, b) => a.name.localeCompare(b.name));
  const window = formatDuration(args.since);
  const title = `Errors — last ${window}${where}`;
  const source = `${why} Read from the Kubernetes logs instead: the last ${FALLBACK_TAIL} lines of each pod${where} in ${kube.namespace}, ERROR lines grouped by message shape.`;
  if (pods.length === 0) {
    return diagnosis(
      title,
      { level: 'info', text: `No pods${where} in namespace ${kube.namespace}: no logs to read.` },
      [{ kind: 'context', text: source }],
    );
  }
  const { read, failed } = await readLogs(kube, pods.slice(0, MAX_PODS), args.since / 1000, FALLBACK_TAIL);
  const shapes = groupErrors(read.map((r) => ({ pod: r.pod.name, lines: r.lines })));
  const total = shapes.reduce((sum, s) => sum + s.count, 0);
  const top = shapes[0];
  const finding = errorsFinding(
    services,
    total,
    shapes.length,
    top && `“${top.shape}” (${count(top.count)})`,
    window,
  );
  const now = services.now();
  const blocks: Block[] = [];
  if (shapes.length > 0) {
    blocks.push(
      table(
        ['error (shape)', 'count', 'pods', 'first seen', 'last seen'],
        shapes.map((s) => [
          s.shape,
          count(s.count),
          count(s.pods.size),
          seen(s.firstSeen, now),
          seen(s.lastSeen, now),
        ]),
        TOP,
      ),
    );
  }
  const notes = [source];
  if (pods.length > MAX_PODS) notes.push(`Only ${MAX_PODS} of ${pods.length} pods were read.`);
  for (const f of failed)
    notes.push(`${f.pod.name}: no logs (${isOpsError(f.reason) ? f.reason.message : 'unreadable'})`);
  blocks.push({ kind: 'context', text: notes.join(' ') });
  return diagnosis(title, finding, blocks);
}

export const logsErrors = defineCommand('logs errors', async ({ args, services }) => {
  const { logSearch, kube } = services.targets;
  const where = args.app === undefined ? '' : `, app ${args.app}`;
  if (logSearch) {
    try {
      return await fromElasticsearch(services, logSearch, args, where);
    } catch (error) {
      // Elasticsearch failing is when the logs matter most: read them from the cluster if we can.
      if (!kube || !isOpsError(error)) throw error;
      return fromKubernetes(services, kube, args, where, `Elasticsearch did not answer (${error.message})`);
    }
  }
  if (!kube)
    throw notConfigured(
      'Elasticsearch (or Kubernetes for its logs)',
      `${TARGET_VARIABLES.elasticsearch}, or ${TARGET_VARIABLES.kube}`,
    );
  return fromKubernetes(
    services,
    kube,
    args,
    where,
    `Elasticsearch is not configured (${TARGET_VARIABLES.elasticsearch}).`,
  );
});
