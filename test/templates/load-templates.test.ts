// Templates: every file of templates/ compiles at start-up, OATIE_TEMPLATES_DIR overrides by file
// name, a broken template stops the bot with its file and line, and the helpers speak the time zone.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { splitMentions } from '../../src/chat/message.js';
import { loadTemplates } from '../../src/templates/load-templates.js';
import { runBot } from '../support/run-bot.js';

describe('templates', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oatie-templates-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('loads every shipped template, rendering plain text without HTML escaping', async () => {
    const templates = await loadTemplates(undefined);
    const text = templates.render('incident-announce', {
      ref: 'INC-7',
      severity: 'P1',
      label: 'High',
      title: '<b>Reports</b> & "exports" down',
      warRoom: true,
      channel: 'C1',
      commander: 'U1',
    });
    expect(text).toContain('INC-7 declared: P1 (High): <b>Reports</b> & "exports" down');
    expect(splitMentions(text).filter((p) => p.kind !== 'text')).toEqual([
      { kind: 'channel', id: 'C1' },
      { kind: 'user', id: 'U1' },
    ]);
    for (const name of [
      'incident-alert',
      'incident-update',
      'reminder',
      'incident-resolved',
      'escalation',
      'status-page-reminder',
      'review-reminder',
    ]) {
      expect(() => templates.render(name, {})).not.toThrow();
    }
    expect(() => templates.render('no-such-template', {})).toThrow('template no-such-template is not loaded');
  });

  it('formats durations and times in the configured time zone', async () => {
    await writeFile(
      join(dir, 'clock.hbs'),
      '{{duration ms}} | {{time at}} | {{date at}} | {{datetime at}} | {{timeRange at until}} | {{upper s}}',
    );
    const winter = {
      ms: 45 * 60_000,
      at: new Date(Date.UTC(2024, 0, 15, 14, 30)),
      until: new Date(Date.UTC(2024, 0, 15, 15, 15)),
      s: 'investigating',
    };
    expect((await loadTemplates(dir)).render('clock', winter)).toBe(
      '45 minutes | 14:30 UTC | 2024-01-15 | 2024-01-15 14:30 UTC | 14:30 - 15:15 UTC | INVESTIGATING',
    );
    expect((await loadTemplates(dir, 'Europe/Paris')).render('clock', winter)).toBe(
      '45 minutes | 15:30 CET | 2024-01-15 | 2024-01-15 15:30 CET | 15:30 - 16:15 CET | INVESTIGATING',
    );
    const summer = {
      ...winter,
      at: new Date(Date.UTC(2024, 6, 1, 23, 30)),
      until: new Date(Date.UTC(2024, 6, 2, 0, 10)),
    };
    expect((await loadTemplates(dir, 'America/New_York')).render('clock', summer)).toContain(
      '19:30 EDT | 2024-07-01',
    );
    // A range across midnight shows its dates.
    expect((await loadTemplates(dir)).render('clock', summer)).toContain(
      '| 2024-07-01 23:30 - 2024-07-02 00:10 UTC |',
    );
    expect((await loadTemplates(dir, 'Asia/Tokyo')).render('clock', summer)).toContain(
      '| 08:30 - 09:10 GMT+9 |',
    );
  });

  it('lets a file in OATIE_TEMPLATES_DIR replace the shipped one of the same name', async () => {
    await writeFile(join(dir, 'reminder.hbs'), 'Update {{ref}} please, {{mention commander}}');
    const templates = await loadTemplates(dir);
    expect(templates.render('reminder', { ref: 'INC-3', commander: 'alice' })).toBe(
      'Update INC-3 please, \u0001user:alice\u0002',
    );
    expect(templates.render('incident-announce', { ref: 'INC-3' })).toContain('INC-3 declared');
  });

  it('refuses a template that does not compile, naming the file and line', async () => {
    await writeFile(join(dir, 'reminder.hbs'), 'Reminder\n{{#if ref}}\n{{ref}\n');
    await expect(loadTemplates(dir)).rejects.toThrow(
      new RegExp(`^${join(dir, 'reminder.hbs')}:3: Expecting .*got 'INVALID'$`),
    );
    await writeFile(join(dir, 'reminder.hbs'), 'Reminder\n\n{{durtion elapsed}}\n');
    await expect(loadTemplates(dir)).rejects.toThrow(
      `${join(dir, 'reminder.hbs')}:3: You specified knownHelpersOnly, but used the unknown helper durtion`,
    );
    await expect(loadTemplates(join(dir, 'missing'))).rejects.toThrow(
      'cannot read the templates directory (ENOENT)',
    );
  });

  it('stops the bot at start-up with exit code 2 and the file and line of a broken template', async () => {
    await writeFile(join(dir, 'incident-alert.hbs'), 'ALERT\n{{#each actions}}\n- {{this}}\n');
    const run = await runBot('', {
      OATIE_TEMPLATES_DIR: dir,
      OATIE_DATA_DIR: join(dir, 'data'),
      LOG_LEVEL: 'silent',
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `oatie-ops: invalid template — ${join(dir, 'incident-alert.hbs')}:4: Expecting`,
    );
  });
});
