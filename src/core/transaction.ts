// Services bound to one store transaction: a flow's state change, its timeline, its timers, its
// audit rows and its outbox steps commit together or not at all. Everything in `services` that
// writes to the store goes through `tx` (one connection: on PGlite, a query outside the transaction
// would wait for it to end).
import { ActionStore } from '../actions/action-store.js';
import { AuditLog } from '../audit/audit-log.js';
import type { Services } from './services.js';

export async function inTransaction<T>(services: Services, fn: (tx: Services) => Promise<T>): Promise<T> {
  return services.db.transaction((db) =>
    fn({ ...services, db, actions: new ActionStore(db), audit: new AuditLog(db, () => services.now()) }),
  );
}
