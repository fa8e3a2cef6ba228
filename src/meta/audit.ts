// `audit [--since 24h]`: the audit log, newest first. People are shown by display name: the table
// renders as code in Slack, where a mention would show as a raw id.
import { displayNames } from '../chat/display-names.js';
import { limitRows } from '../chat/message.js';
import { formatDurationShort } from '../core/duration.js';
import { defineCommand, toChannel } from '../commands/handler.js';

const MAX_ROWS = 40;

export const audit = defineCommand('audit', async ({ args, services }) => {
  const from = new Date(services.now().getTime() - args.since);
  const records = await services.audit.since(from, 500);
  const shown = records.slice(0, MAX_ROWS);
  // Only this platform's ids can be looked up; others (another platform, the bot) stand as recorded.
  const here = shown.filter((r) => r.platform === services.chat.name).map((r) => r.actor);
  const names = await displayNames(services.chat, here);
  const rows = records.map((r) => [
    r.at.toISOString().slice(0, 19).replace('T', ' '),
    (r.platform === services.chat.name ? names.get(r.actor) : undefined) ?? r.actor,
    r.event,
    r.command ?? '',
    r.target ?? '',
    r.outcome,
  ]);
  const limited = limitRows(rows, MAX_ROWS);
  return toChannel({
    text: `Audit log: ${records.length} event(s) in the last ${formatDurationShort(args.since)}`,
    blocks: [
      { kind: 'header', text: `Audit log — last ${formatDurationShort(args.since)}` },
      records.length === 0
        ? { kind: 'section', text: 'Nothing recorded in that time.' }
        : {
            kind: 'table',
            columns: ['time (UTC)', 'who', 'event', 'command', 'target', 'outcome'],
            rows: limited.rows,
            omitted: limited.omitted,
          },
    ],
  });
});
