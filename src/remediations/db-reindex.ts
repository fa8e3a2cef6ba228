// `db reindex <table>`: rebuild every index of one table without blocking writes (REINDEX CONCURRENTLY).
import { tableMaintenance } from './table-maintenance.js';

// CONCURRENTLY does not apply to partitioned tables in Postgres 15, so they are refused at plan time.
export const dbReindex = tableMaintenance({
  command: 'db reindex',
  template: 'REINDEX TABLE CONCURRENTLY %I.%I',
  kinds: ['r', 'm'],
  verb: 'Rebuild the indexes of',
  inTransaction: false,
});
