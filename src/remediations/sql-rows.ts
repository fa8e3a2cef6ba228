// Rows read from the Oatie database, checked with zod: the catalog's answer is a boundary too.
import type { z } from 'zod';
import type { Queryable } from '../targets/targets.js';

export async function rowsOf<S extends z.ZodType>(
  target: Queryable,
  sql: string,
  params: readonly unknown[],
  row: S,
): Promise<Array<z.output<S>>> {
  const rows = await target.query(sql, params);
  return rows.map((r) => row.parse(r));
}
