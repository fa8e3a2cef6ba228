// `db vacuum <table>`: VACUUM (ANALYZE) one application table, as written by the database.
import { defineFix } from './remediation.js';
import { tableMaintenance } from './table-maintenance.js';

export const dbVacuum = defineFix(
  tableMaintenance({
    command: 'db vacuum',
    template: 'VACUUM (ANALYZE) %I.%I',
    kinds: ['r', 'm', 'p'],
    verb: 'Vacuum and analyze',
  }),
);
