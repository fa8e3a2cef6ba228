// What a failure says on the approval card: coded errors are written for people; a Postgres error
// reduced to its SQLSTATE gets the condition's name, so "failed" says why.
import { shorten } from '../chat/message.js';
import { describeError, isOpsError } from '../core/errors.js';

// The conditions a fix's statement can plausibly hit (Postgres appendix A, "Error Codes").
const CONDITIONS: Record<string, string> = {
  '23505': 'unique_violation: duplicate values',
  '40P01': 'deadlock_detected',
  '42501': 'insufficient_privilege: the database user may not do this',
  '42P07': 'duplicate_table: the name is taken',
  '53100': 'disk_full',
  '53200': 'out_of_memory',
  '54000': 'program_limit_exceeded, e.g. an index row larger than the btree maximum',
  '55P03': 'lock_not_available',
  '57014': 'query_canceled',
};

const messageOf = (error: unknown): string => (isOpsError(error) ? error.message : describeError(error));

/** The SQLSTATE a Postgres failure reports, if any. */
export const sqlStateOf = (error: unknown): string | undefined =>
  /SQLSTATE ([0-9A-Z]{5})/.exec(messageOf(error))?.[1];

export function failureText(error: unknown): string {
  const text = messageOf(error);
  const code = sqlStateOf(error);
  const condition = code === undefined ? undefined : CONDITIONS[code];
  const full = condition === undefined ? text : `${text.replace(/\.$/, '')}: ${condition}.`;
  return shorten(full, 600);
}
