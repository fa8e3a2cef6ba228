// A declaration that repeats one made moments ago — two people typing the same title, a double submit —
// asks first instead of opening a second war room: "INC-1 is already open — declare another?", with a
// button that carries only a stored action id (the declaration is kept in the store, not in the button).
import { mention, type Message } from '../chat/message.js';
import { toCaller, type Reply } from '../commands/handler.js';
import type { Services } from '../core/services.js';
import { IncidentAction } from './incident-action-kinds.js';
import { incidentRef } from './incident-model.js';
import type { Declaration } from './flows/declare.js';

/** How recent an open incident of the same title in the same channel must be to count as the same one. */
export const TWIN_WINDOW_MS = 2 * 60_000;

interface Twin {
  id: number;
  commander: string;
}

/** An open incident with this title (case and spacing aside) declared in `channel` in the last 2 minutes. */
export async function recentTwin(
  services: Services,
  channel: string,
  title: string,
): Promise<Twin | undefined> {
  const since = new Date(services.now().getTime() - TWIN_WINDOW_MS);
  const rows = await services.db.query<Twin>(
    `SELECT id, commander FROM incidents
      WHERE state <> 'resolved' AND declared_in = $1 AND lower(title) = lower($2) AND started_at >= $3
      ORDER BY id DESC LIMIT 1`,
    [channel, title, since],
  );
  return rows.rows[0];
}

/** The question to the caller, with a button that declares the same incident anyway. */
export async function askAboutTwin(
  services: Services,
  d: Declaration,
  title: string,
  twin: Twin,
): Promise<Reply[]> {
  const { severity, service, impact, channel } = d;
  const actionId = await services.actions.create(IncidentAction.DeclareAnyway, {
    severity,
    title,
    service,
    impact,
    channel,
  });
  const ref = incidentRef(twin);
  const question = `${ref} is already open — declare another?`;
  const message: Message = {
    text: question,
    blocks: [
      { kind: 'section', text: `⚠️ ${question}` },
      {
        kind: 'context',
        text: `${ref} “${title}” was declared in this channel by ${mention(twin.commander)} less than 2 minutes ago. Nothing new was opened.`,
      },
      { kind: 'actions', buttons: [{ actionId, label: 'Declare another', style: 'primary' }] },
    ],
  };
  return [toCaller(message)];
}
