// Nothing a user can type answers "not available yet": every command of the catalog has its handler.
import { catalog, commandNames } from '../../src/commands/catalog.js';
import { handlerFor } from '../../src/commands/registry.js';
import { RecordingPlatform } from '../support/recording-platform.js';
import { openTestDb, startTestApp } from '../support/test-app.js';

describe('the command registry', () => {
  it('has a handler for every command of the catalog, and exactly one', () => {
    const missing = commandNames.filter((name) => handlerFor(name) === undefined);
    expect(missing).toEqual([]);
    for (const name of commandNames) expect(handlerFor(name)?.name).toBe(name);
  });

  it('lists every command in help', async () => {
    const db = await openTestDb();
    const app = await startTestApp({ db, chat: new RecordingPlatform() });
    try {
      const [reply] = await app.router.handleText({ text: 'help', caller: 'alice', channel: 'ops' });
      const text = reply?.kind === 'message' ? JSON.stringify(reply.message.blocks) : '';
      for (const name of commandNames) expect(text).toContain(catalog[name].usage.replace(/"/g, '\\"'));
    } finally {
      await app.stop();
      await db.close();
    }
  });
});
