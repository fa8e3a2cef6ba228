// Posts a triage card in a channel at once (every row "running"), updates it in place as checks
// finish, and settles it by the deadline. In an incident's channel the result joins its timeline.
import type { Button } from '../chat/message.js';
import type { PostedMessage } from '../chat/platform.js';
import { acceptsArgs, fixButton } from '../diagnostics/fix-button.js';
import { describeError } from '../core/errors.js';
import type { Services } from '../core/services.js';
import { recordEvent } from '../incidents/incident-lookup.js';
import { findOpenIncidentInChannel } from '../incidents/incident-store.js';
import { triageChecks } from './checks.js';
import { runTriage, type RowResult, type TriageTimers } from './run-triage.js';
import type { Symptom } from './symptoms.js';
import { triageCard, triageSummary, type CardState } from './triage-card.js';
import type { TriageCheck } from './triage-check.js';

/** Updates of a card are at least this far apart (chat platforms rate-limit edits); the last is never held. */
const UPDATE_EVERY_MS = 250;

export interface TriageOutcome {
  posted: PostedMessage;
  rows: RowResult[];
  summary: string;
}

export interface PostTriageOptions {
  caller: string;
  timers?: TriageTimers;
}

function checksOf(symptom: Symptom): TriageCheck[] {
  return symptom.checks.map((sc) => {
    const check = triageChecks.get(sc.check);
    if (!check) throw new Error(`symptom ${symptom.id} names no check ${sc.check}`);
    return check;
  });
}

/** Edits the card at most every UPDATE_EVERY_MS, one edit at a time; `flush` sends the final state. */
function cardUpdater(services: Services, posted: PostedMessage, render: () => CardState) {
  let chain: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const send = () => {
    const message = triageCard(render());
    chain = chain
      .then(() => services.chat.update(posted, message))
      .catch((error: unknown) =>
        services.log.warn({ err: describeError(error) }, 'triage card update failed'),
      );
    return chain;
  };
  return {
    soon() {
      timer ??= setTimeout(() => {
        timer = undefined;
        void send();
      }, UPDATE_EVERY_MS);
    },
    flush() {
      clearTimeout(timer);
      timer = undefined;
      return send();
    },
  };
}

export async function postTriage(
  services: Services,
  channel: string,
  symptom: Symptom,
  options: PostTriageOptions,
): Promise<TriageOutcome> {
  const { deadline, checkTimeout, thresholds } = services.policy.triage;
  const checks = checksOf(symptom);
  const started = performance.now();
  let rows: readonly RowResult[] = checks.map((check) => ({ check }));
  let done = false;
  let extraFixes: Button[] = [];
  const render = (): CardState => ({
    symptom,
    rows,
    done,
    extraFixes,
    thresholds,
    checkTimeoutMs: checkTimeout,
    deadlineMs: deadline,
    ms: performance.now() - started,
  });
  const posted = await services.chat.post(channel, triageCard(render()));
  const updater = cardUpdater(services, posted, render);
  const ctx = { services, thresholds, caller: options.caller, channel };
  const finished = await runTriage(checks, ctx, {
    checkTimeoutMs: checkTimeout,
    deadlineMs: deadline,
    timers: options.timers,
    onProgress: (current) => {
      rows = current;
      updater.soon();
    },
  });
  rows = finished;
  extraFixes = await symptomFixes(services, symptom, finished);
  done = true;
  await updater.flush();
  const summary = triageSummary({ symptom, rows: finished, done: true });
  await recordOnIncident(services, channel, options.caller, summary);
  return { posted, rows: finished, summary };
}

/** The section's own fixes whose checks found something, when the policy allows their target. */
async function symptomFixes(
  services: Services,
  symptom: Symptom,
  rows: readonly RowResult[],
): Promise<Button[]> {
  const allowed = services.policy.kubernetes.deployments.map((d) => d.name);
  const buttons: Button[] = [];
  for (const fix of symptom.fixes ?? []) {
    const found = rows.some((r) => {
      const state = r.report?.state;
      return fix.when.some((id) => id === r.check.id) && (state === 'failing' || state === 'warning');
    });
    const deployment = fix.proposal.args.deployment;
    const permitted = deployment === undefined || allowed.includes(deployment);
    if (found && permitted && acceptsArgs(fix.proposal)) {
      buttons.push(await fixButton(services, fix.label, fix.proposal));
    }
  }
  return buttons;
}

/** In an open incident's channel, the triage joins the timeline. */
async function recordOnIncident(services: Services, channel: string, actor: string, summary: string) {
  try {
    const incident = await findOpenIncidentInChannel(services.db, channel);
    if (incident) await recordEvent(services, incident, actor, 'triage', summary);
  } catch (error) {
    services.log.warn({ err: describeError(error) }, 'could not add the triage to the timeline');
  }
}
