// `k8s logs <deployment> [--since 1h] [--grep <text>]`: log analysis — the last lines of each pod of
// a deployment (found through the deployment's own selector), filtered, counted by level.
import type { Block } from '../chat/message.js';
import { shorten } from '../chat/message.js';
import { defineCommand } from '../commands/handler.js';
import { formatDuration } from '../core/duration.js';
import { isOpsError, notFound } from '../core/errors.js';
import type { KubePod, KubeTarget } from '../targets/targets.js';
import { maskSecrets } from '../core/secrets.js';
import { levelOf, type LogLevel } from './log-lines.js';
import { kubeOf } from '../targets/require-target.js';
import { count, diagnosis, plural, verdict, type Level } from './verdict.js';

/** Lines read per pod, as `kubectl logs --tail=100`. */
const TAIL_LINES = 100;
const MAX_PODS = 10;
/** Lines shown in the channel, shared among the pods. */
const SHOWN_LINES = 30;
const LINE_WIDTH = 200;

interface PodLines {
  pod: KubePod;
  lines: string[];
}

interface UnreadPod {
  pod: KubePod;
  reason: unknown;
}

/** The last `tailLines` lines of each pod, masked; the pods that could not be read. Shared with `logs errors`. */
export async function readLogs(
  kube: KubeTarget,
  pods: KubePod[],
  sinceSeconds: number,
  tailLines = TAIL_LINES,
) {
  const results = await Promise.allSettled(
    pods.map((pod) =>
      kube.podLogs(pod.name, { container: pod.containers[0]?.name, sinceSeconds, tailLines }),
    ),
  );
  const read: PodLines[] = [];
  const failed: UnreadPod[] = [];
  results.forEach((result, i) => {
    const pod = pods[i];
    if (!pod) return;
    // Masked as soon as read: --grep then cannot probe a secret character by character either.
    if (result.status === 'fulfilled')
      read.push({
        pod,
        lines: result.value
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map(maskSecrets),
      });
    else failed.push({ pod, reason: result.reason });
  });
  // Every pod failing the same way is the API failing, not the pods: say that instead.
  if (read.length === 0 && failed[0]) throw failed[0].reason;
  return { read, failed };
}

/** "abc12" for report-service-7d9f8c6b5-abc12: enough to tell pods apart in a narrow column. */
const shortName = (pod: string): string => pod.slice(pod.lastIndexOf('-') + 1) || pod;

function excerpt(read: PodLines[]): string {
  const withLines = read.filter((r) => r.lines.length > 0);
  const share = Math.max(1, Math.floor(SHOWN_LINES / Math.max(1, withLines.length)));
  return withLines
    .flatMap((r) => r.lines.slice(-share).map((l) => `${shortName(r.pod.name)} | ${shorten(l, LINE_WIDTH)}`))
    .join('\n');
}

function levelCounts(read: readonly PodLines[]): Record<LogLevel, number> {
  const counts: Record<LogLevel, number> = { ERROR: 0, WARN: 0, INFO: 0, OTHER: 0 };
  for (const line of read.flatMap((r) => r.lines)) counts[levelOf(line)] += 1;
  return counts;
}

/** What was read and what could not be. */
function readingNotes(podCount: number, failed: readonly UnreadPod[], filtered: boolean): string {
  const notes = [
    `The last ${TAIL_LINES} lines of each pod were read${filtered ? ', then filtered (case-insensitive)' : ''}.`,
  ];
  if (podCount > MAX_PODS) notes.push(`Only ${MAX_PODS} of ${podCount} pods were read.`);
  for (const f of failed)
    notes.push(`${f.pod.name}: no logs (${isOpsError(f.reason) ? f.reason.message : 'unreadable'})`);
  return notes.join(' ');
}

export const k8sLogs = defineCommand('k8s logs', async ({ args, services }) => {
  const kube = kubeOf(services);
  const deployment = await kube.getDeployment(args.deployment);
  if (!deployment)
    throw notFound(`There is no deployment ${args.deployment} in namespace ${kube.namespace}.`);
  // The pods are found with the selector the API holds for the deployment, never with typed text.
  const pods = (await kube.listPods({ selector: deployment.selector })).sort((a, b) =>
    a.name.localeCompare(b.name),
  );
  const window = formatDuration(args.since);
  const title = `Logs of ${deployment.name} — last ${window}${args.grep === undefined ? '' : `, matching “${shorten(args.grep, 40)}”`}`;
  if (pods.length === 0)
    return diagnosis(title, verdict('warn', `Deployment ${deployment.name} has no pods: nothing to read.`));
  const { read, failed } = await readLogs(kube, pods.slice(0, MAX_PODS), args.since / 1000);
  const needle = args.grep?.toLowerCase();
  const matched = read.map((r) => ({
    ...r,
    lines: needle === undefined ? r.lines : r.lines.filter((l) => l.toLowerCase().includes(needle)),
  }));
  const counts = levelCounts(matched);
  const total = counts.ERROR + counts.WARN + counts.INFO + counts.OTHER;
  const level: Level = counts.ERROR > 0 ? 'warn' : total === 0 ? 'info' : 'ok';
  const across = plural(read.length, 'pod', 'pods');
  const text =
    total === 0
      ? `No ${needle === undefined ? 'log lines' : 'matching lines'} in the last ${window} across ${across}.`
      : `${plural(counts.ERROR, 'error', 'errors')} and ${plural(counts.WARN, 'warning', 'warnings')} in ${plural(total, 'line', 'lines')} across ${across}.`;
  const blocks: Block[] = [
    {
      kind: 'fields',
      fields: [
        { label: 'ERROR', value: count(counts.ERROR) },
        { label: 'WARN', value: count(counts.WARN) },
        { label: 'INFO', value: count(counts.INFO) },
        { label: 'other', value: count(counts.OTHER) },
      ],
    },
  ];
  if (total > 0) blocks.push({ kind: 'code', text: excerpt(matched) });
  blocks.push({ kind: 'context', text: readingNotes(pods.length, failed, needle !== undefined) });
  return diagnosis(title, verdict(level, text), blocks);
});
