// `db analyze <table>`: refresh the planner statistics of one application table.
import { tableMaintenance } from './table-maintenance.js';

export const dbAnalyze = tableMaintenance({
  command: 'db analyze',
  template: 'ANALYZE %I.%I',
  kinds: ['r', 'm', 'p'],
  verb: 'Analyze',
  inTransaction: true,
});
