// The delivery log decides which deliveries of a chat request are acted on: with a window, the keys
// that come within it share one INSERT, and still each delivery is first exactly once, whether its
// repeat comes in the same batch, a later one, or from another replica's log on the same store.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { migrations } from '../../src/app.js';
import type { Db } from '../../src/store/db.js';
import { DeliveryLog } from '../../src/store/delivery-log.js';
import { migrate } from '../../src/store/migrations.js';
import { openPgDb } from '../../src/store/pg-db.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';

describe('the delivery log', () => {
  let testDb: TestDatabase;
  let db: Db;
  let inserts = 0;
  let counting: Db;

  beforeAll(async () => {
    testDb = await createTestDatabase('deliveries');
    db = openPgDb(testDb.url);
    await migrate(db, migrations);
    counting = {
      ...db,
      query: (sql, params) => {
        if (sql.trimStart().startsWith('INSERT INTO request_deliveries')) inserts += 1;
        return db.query(sql, params);
      },
    };
  });
  afterAll(async () => {
    await db.close();
    await testDb.drop();
  });

  const turn = () => new Promise((resolve) => setImmediate(resolve));

  it('writes the keys that come within its window in one INSERT; a key twice in it is first once', async () => {
    inserts = 0;
    // A window far longer than the few turns of the event loop between the deliveries below.
    const log = new DeliveryLog(counting, Date.now, 500);
    const asked: Array<Promise<boolean>> = [];
    for (const key of ['k1', 'k2', 'k1', 'k3']) {
      asked.push(log.firstDelivery(key));
      await turn();
    }
    expect(await Promise.all(asked)).toEqual([true, true, false, true]);
    expect(inserts).toBe(1);
  });

  it('does not keep a full batch waiting for the rest of the window (a busy bot)', async () => {
    // A window no test would wait out: eight keys are written at once all the same.
    const log = new DeliveryLog(db, Date.now, 600_000);
    const keys = ['f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7', 'f8'];
    expect(await Promise.all(keys.map((key) => log.firstDelivery(key)))).toEqual(keys.map(() => true));
  });

  it('knows a key again in a later batch, and from another replica’s log on the same store', async () => {
    const log = new DeliveryLog(db, Date.now, 5);
    const replica = new DeliveryLog(db, Date.now, 5);
    expect(await log.firstDelivery('again')).toBe(true);
    expect(await log.firstDelivery('again')).toBe(false);
    expect(await replica.firstDelivery('again')).toBe(false);
    const [here, there] = await Promise.all([log.firstDelivery('race'), replica.firstDelivery('race')]);
    expect([here, there].sort()).toEqual([false, true]);
  });

  it('rejects every delivery of a batch the store could not write, and works again after', async () => {
    let failing = true;
    const flaky: Db = {
      ...db,
      query: (sql, params) =>
        failing ? Promise.reject(new Error('store unavailable')) : db.query(sql, params),
    };
    const log = new DeliveryLog(flaky, Date.now, 5);
    const asked = [log.firstDelivery('lost1'), log.firstDelivery('lost2')];
    await expect(Promise.all(asked)).rejects.toThrow('store unavailable');
    await Promise.allSettled(asked);
    failing = false;
    expect(await log.firstDelivery('lost1')).toBe(true);
  });
});
