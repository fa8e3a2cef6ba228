// The triage card in the neutral message model: one row per check (state and one line of evidence),
// the likely causes ranked by what failed and how badly, and the fixes the checks offered as buttons.
import type { Block, Button, Message } from '../chat/message.js';
import type { TriageThresholds } from '../config/triage-policy.js';
import { formatMs } from '../diagnostics/verdict.js';
import type { RowResult } from './run-triage.js';
import type { Symptom } from './symptoms.js';
import type { CheckState } from './triage-check.js';

export interface CardState {
  symptom: Symptom;
  rows: readonly RowResult[];
  done: boolean;
  /** Fixes of the guide's section that the rows call for (see Symptom.fixes), after the rows' own. */
  extraFixes?: readonly Button[];
  thresholds: TriageThresholds;
  checkTimeoutMs: number;
  deadlineMs: number;
  /** How long the whole triage took, once done. */
  ms?: number;
}

const STATE_LABEL: Record<CheckState | 'running', string> = {
  ok: '✅ ok',
  warning: '⚠️ warning',
  failing: '🔴 failing',
  'not configured': '⚙️ not configured',
  'timed out': '⏱️ timed out',
  running: '⏳ running…',
};

/** How much a row's state says about its cause: failing, then warning, then an unknown (timed out). */
const WEIGHT: Record<CheckState, number> = {
  failing: 3,
  warning: 2,
  'timed out': 1,
  ok: 0,
  'not configured': 0,
};

const MAX_FIX_BUTTONS = 5;
const MAX_CAUSES = 4;

export interface RankedCause {
  cause: string;
  score: number;
  /** The rows that point at it, worst first. */
  because: string[];
}

/** The causes the finished rows point at, most likely first (ties keep the guide's order). */
export function rankCauses(symptom: Symptom, rows: readonly RowResult[]): RankedCause[] {
  const causes = new Map<string, RankedCause>();
  symptom.checks.forEach((sc, i) => {
    const report = rows[i]?.report;
    if (!report || WEIGHT[report.state] === 0) return;
    const entry = causes.get(sc.cause) ?? { cause: sc.cause, score: 0, because: [] };
    entry.score += WEIGHT[report.state];
    entry.because.push(`${rows[i]?.check.label ?? sc.check} ${report.state}`);
    causes.set(sc.cause, entry);
  });
  return [...causes.values()].sort((a, b) => b.score - a.score);
}

/** The fix buttons of every row, in row order, each label once. */
export function offeredFixes(rows: readonly RowResult[]): Button[] {
  const seen = new Set<string>();
  const buttons: Button[] = [];
  for (const row of rows) {
    for (const button of row.report?.buttons ?? []) {
      if (seen.has(button.label)) continue;
      seen.add(button.label);
      buttons.push(button);
    }
  }
  return buttons.slice(0, MAX_FIX_BUTTONS);
}

function countStates(rows: readonly RowResult[]): string {
  const order: CheckState[] = ['failing', 'warning', 'timed out', 'not configured', 'ok'];
  const parts = order.flatMap((state) => {
    const n = rows.filter((r) => r.report?.state === state).length;
    return n > 0 ? [`${n} ${state}`] : [];
  });
  return parts.join(', ');
}

/** One line for the card's notification text and the incident's timeline. */
export function triageSummary(state: Pick<CardState, 'symptom' | 'rows' | 'done'>): string {
  const { symptom, rows, done } = state;
  const finished = rows.filter((r) => r.report).length;
  if (!done)
    return `Triage ${symptom.id}: ${finished} of ${rows.length} checks done (${countStates(rows) || 'running'})`;
  const worst = rankCauses(symptom, rows)[0];
  const likely = worst ? `; most likely: ${worst.cause}` : '; nothing found wrong';
  return `Triage ${symptom.id}: ${countStates(rows)}${likely}`;
}

function headline(state: CardState): string {
  const finished = state.rows.filter((r) => r.report);
  if (!state.done) return `⏳ Running ${state.rows.length} checks at once: ${finished.length} done so far.`;
  const ran = state.rows.filter((r) => r.report?.state !== 'not configured');
  if (ran.length === 0) return '⚙️ Nothing could be checked: no target of these checks is configured.';
  const bad = state.rows.some((r) => r.report?.state === 'failing');
  const icon = bad ? '🔴' : rankCauses(state.symptom, state.rows).length > 0 ? '⚠️' : '✅';
  return `${icon} ${countStates(state.rows)} (in ${formatMs(state.ms ?? 0)}).`;
}

/** One line per check: state, name and evidence (a table would cut the evidence on narrow platforms). */
function rowLines(rows: readonly RowResult[]): string {
  return rows
    .map((r) => {
      const state = r.report?.state ?? 'running';
      const evidence = r.report ? `: ${r.report.evidence}` : '';
      return `${STATE_LABEL[state]} — ${r.check.label}${evidence}`;
    })
    .join('\n');
}

function causesBlock(state: CardState): Block[] {
  const ranked = rankCauses(state.symptom, state.rows).slice(0, MAX_CAUSES);
  const ran = state.rows.some((r) => r.report && r.report.state !== 'not configured');
  if (ranked.length === 0) {
    return state.done && ran
      ? [{ kind: 'section', text: 'Likely causes: none found by the checks that answered.' }]
      : [];
  }
  const lines = ranked.map((c, i) => `${i + 1}. ${c.cause} (${c.because.join('; ')})`);
  return [{ kind: 'section', text: `Likely causes:\n${lines.join('\n')}` }];
}

function footer(state: CardState): string {
  const commands = state.symptom.checks
    .map((sc, i) => state.rows[i]?.check.command(state.thresholds) ?? sc.check)
    .filter((c, i, all) => all.indexOf(c) === i)
    .map((c) => `\`${c}\``)
    .join(', ');
  return `Guide: ${state.symptom.guideSection}. Full answers: ${commands}. Each check gives up after ${formatMs(Math.min(state.checkTimeoutMs, state.deadlineMs))}.`;
}

export function triageCard(state: CardState): Message {
  const fixes = [...offeredFixes(state.rows), ...(state.extraFixes ?? [])];
  const blocks: Block[] = [
    { kind: 'header', text: `Triage: ${state.symptom.guideSection.split(' › ')[1] ?? state.symptom.id}` },
    { kind: 'section', text: headline(state) },
    { kind: 'section', text: rowLines(state.rows) },
    ...causesBlock(state),
  ];
  if (fixes.length > 0) {
    blocks.push(
      { kind: 'actions', buttons: fixes },
      {
        kind: 'context',
        text: 'Each fix needs the approval of someone else; what it will run is shown first.',
      },
    );
  }
  if (state.symptom.next !== undefined) blocks.push({ kind: 'context', text: state.symptom.next });
  blocks.push({ kind: 'context', text: footer(state) });
  return { text: triageSummary(state), blocks };
}
