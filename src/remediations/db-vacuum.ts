// `db vacuum <table>`: VACUUM (ANALYZE) one application table, as written by the database.
import { tableMaintenance } from './table-maintenance.js';

export const dbVacuum = tableMaintenance({
  command: 'db vacuum',
  template: 'VACUUM (ANALYZE) %I.%I',
  kinds: ['r', 'm', 'p'],
  verb: 'Vacuum and analyze',
  inTransaction: false,
});
