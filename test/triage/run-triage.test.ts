// The deadline: every row is settled when the one timer fires, a hanging check reads "timed out",
// and an answer that comes after it changes nothing. The clock is driven by hand (no waiting).
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { parsePolicy } from '../../src/config/policy.js';
import { DEFAULT_POLICY_FILE } from '../support/test-app.js';
import { notConfigured, OpsError, ErrorCode } from '../../src/core/errors.js';
import type { Services } from '../../src/core/services.js';
import { silentLogger } from '../../src/core/logger.js';
import { runTriage, type RowResult, type TriageTimers } from '../../src/triage/run-triage.js';
import type { CheckReport, TriageCheck } from '../../src/triage/triage-check.js';

/** Timers that fire only when the test says so. */
class ManualTimers implements TriageTimers {
  private readonly due: Array<{ run: () => void; ms: number; cleared: boolean }> = [];
  setTimeout(run: () => void, ms: number) {
    const timer = { run, ms, cleared: false };
    this.due.push(timer);
    return timer;
  }
  clearTimeout(handle: unknown) {
    (handle as { cleared: boolean }).cleared = true;
  }
  get pending(): number[] {
    return this.due.filter((t) => !t.cleared).map((t) => t.ms);
  }
  fire() {
    for (const t of this.due.splice(0)) if (!t.cleared) t.run();
  }
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const check = (id: string, run: () => Promise<CheckReport>, lane?: 'postgres'): TriageCheck => ({
  id,
  label: id,
  command: () => id,
  lane,
  run,
});

const ok = (evidence: string): CheckReport => ({ state: 'ok', evidence, buttons: [] });

const ctx = {
  services: { log: silentLogger } as unknown as Services,
  thresholds: {
    connectionsWarnPercent: 80,
    longRunning: 300_000,
    idleFor: 600_000,
    slowQueryMs: 1000,
    errorLines: 1,
  },
  caller: 'alice',
  channel: 'ops',
};

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('runTriage', () => {
  test('a hanging check is timed out by the deadline, the others keep their answers, late answers are ignored', async () => {
    const timers = new ManualTimers();
    const hanging = deferred<CheckReport>();
    const progress: string[][] = [];
    const done = runTriage(
      [check('fast', () => Promise.resolve(ok('fine'))), check('hangs', () => hanging.promise)],
      ctx,
      {
        checkTimeoutMs: 4000,
        deadlineMs: 1500,
        timers,
        onProgress: (rows: readonly RowResult[]) =>
          progress.push(rows.map((r) => r.report?.state ?? 'running')),
      },
    );
    await flush();
    // One timer, at the earlier of the check timeout and the deadline.
    expect(timers.pending).toEqual([1500]);
    expect(progress).toEqual([['ok', 'running']]);

    timers.fire();
    const rows = await done;
    expect(rows.map((r) => [r.check.id, r.report?.state, r.report?.evidence])).toEqual([
      ['fast', 'ok', 'fine'],
      ['hangs', 'timed out', 'no answer within 1.5 s'],
    ]);

    hanging.resolve(ok('too late'));
    await flush();
    expect(rows[1]?.report?.state).toBe('timed out');
    expect(progress).toHaveLength(2);
  });

  test('errors become states: not configured, the target’s own timeout, failing', async () => {
    const timers = new ManualTimers();
    const rows = await runTriage(
      [
        check('nc', () => Promise.reject(notConfigured('The Oatie database', 'OATIE_DATABASE_URL'))),
        check('to', () =>
          Promise.reject(new OpsError(ErrorCode.Timeout, 'Redis did not answer within 2 s.')),
        ),
        check('down', () =>
          Promise.reject(new OpsError(ErrorCode.TargetDown, 'Redis refused the connection.')),
        ),
        check('bug', () => Promise.reject(new Error('password=hunter2 leaked'))),
      ],
      ctx,
      { checkTimeoutMs: 1000, deadlineMs: 5000, timers },
    );
    expect(rows.map((r) => r.report?.state)).toEqual(['not configured', 'timed out', 'failing', 'failing']);
    expect(rows[0]?.report?.evidence).toBe('The Oatie database is not configured: set OATIE_DATABASE_URL.');
    // An unexpected error's text is never shown.
    expect(rows[3]?.report?.evidence).toBe('the check failed unexpectedly (see the bot’s log)');
    expect(timers.pending).toEqual([]);
  });

  test('checks of one lane take turns; after the deadline the rest of the lane never starts', async () => {
    const timers = new ManualTimers();
    const first = deferred<CheckReport>();
    const started: string[] = [];
    const done = runTriage(
      [
        check('db-1', () => (started.push('db-1'), first.promise), 'postgres'),
        check('db-2', () => (started.push('db-2'), Promise.resolve(ok('second'))), 'postgres'),
        check('other', () => (started.push('other'), Promise.resolve(ok('parallel')))),
      ],
      ctx,
      { checkTimeoutMs: 1000, deadlineMs: 1000, timers },
    );
    await flush();
    expect(started.sort()).toEqual(['db-1', 'other']);
    timers.fire();
    const rows = await done;
    first.resolve(ok('late'));
    await flush();
    expect(started.sort()).toEqual(['db-1', 'other']);
    expect(rows.map((r) => r.report?.state)).toEqual(['timed out', 'timed out', 'ok']);
  });

  test('a policy file without a triage section gets the guide’s deadline and thresholds', () => {
    // The shipped policy without its `triage:` section: an older policy file.
    const doc = parseDocument(readFileSync(DEFAULT_POLICY_FILE, 'utf8'));
    doc.delete('triage');
    const result = parsePolicy(doc.toString(), 'old-policy.yaml');
    if (!result.ok) throw new Error(result.message);
    expect(result.policy.triage).toEqual({
      deadline: 5000,
      checkTimeout: 4000,
      thresholds: {
        connectionsWarnPercent: 80,
        longRunning: 300_000,
        idleFor: 600_000,
        slowQueryMs: 1000,
        errorLines: 1,
      },
      keywords: {},
    });
  });
});
