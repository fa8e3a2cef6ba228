// The console end to end, as the issue states it: with a policy whose P1 update interval is 3s,
// `printf 'incident p1 Report generation down\nwait 7s\n' | npm start` prints the alert and two reminders.
// runBot runs what `npm start` runs, with that text on standard input.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { policyYaml } from '../support/incident-harness.js';
import { runBot } from '../support/run-bot.js';

describe('npm start with a 3-second P1 update interval', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oatie-incident-e2e-'));
    await writeFile(join(dir, 'policy.yaml'), await policyYaml({ p1: { updateInterval: '3s' } }));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('prints the alert and two reminders', async () => {
    const result = await runBot(
      'incident p1 Report generation down\nwait 7s\n',
      { OATIE_POLICY_FILE: join(dir, 'policy.yaml'), OATIE_DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn' },
      50_000,
    );
    expect(result.stderr).not.toMatch(/oatie-ops:|Error/);
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/--- #inc-\d{8}-report-generation-down created ---/);
    expect(out).toMatch(/--- #inc-\d{8}-report-generation-down: invited @alice, @bob ---/);
    expect(out).toContain('🚨 INCIDENT ALERT 🚨\n\nINC-1: Report generation down\n\nSeverity: P1 (High)');
    expect(out).toContain('Current Status: INVESTIGATING');
    expect(out).toContain('Updates will be provided every 3 seconds.');
    const reminders =
      out.match(
        /⏰ Reminder: INC-1 needs a status update\n\n@alice, it has been \d+ seconds since the last update/g,
      ) ?? [];
    // Two reminders are due in 7 s (at 3 s and 6 s); a third may join them when the machine is so loaded
    // that the declaration itself took over 2 s. A reminder is never early, and each comes once.
    expect(reminders.length).toBeGreaterThanOrEqual(2);
    const ages = reminders.map((r) => Number(/been (\d+) seconds/.exec(r)?.[1]));
    expect(ages[0]).toBeGreaterThanOrEqual(3);
    expect(ages[1]).toBeGreaterThanOrEqual(6);
    expect(new Set(ages).size).toBe(ages.length);
  });
});
