// Whether the bot's database role sees every session in pg_stat_activity: without pg_monitor (or
// pg_read_all_stats) Postgres hides other roles' sessions, and a diagnostic would undercount.
import type { Block } from '../chat/message.js';
import type { SqlTarget } from '../targets/targets.js';

const VISIBILITY_SQL = `
SELECT current_user AS role,
       (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
         OR pg_has_role(current_user, 'pg_read_all_stats', 'MEMBER') AS sees_all`;

/** A warning block when the role sees only its own sessions; nothing when it sees them all. */
export async function visibilityWarning(target: SqlTarget): Promise<Block[]> {
  const [row] = await target.query<{ role: string; sees_all: boolean }>(VISIBILITY_SQL);
  if (!row || row.sees_all) return [];
  return [
    {
      kind: 'context',
      text: `⚠️ The bot's database role ${row.role} sees only its own sessions, so these figures leave others out. Grant it the monitoring role: GRANT pg_monitor TO ${row.role};`,
    },
  ];
}
