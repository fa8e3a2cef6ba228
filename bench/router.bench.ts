// Command handling through the core (parse, handler, audit write) on the embedded store.
import { buildApp, migrations } from '../src/app.js';
import { readConfig } from '../src/config/env.js';
import { loadPolicy } from '../src/config/policy.js';
import { silentLogger } from '../src/core/logger.js';
import { migrate } from '../src/store/migrations.js';
import { openPgliteDb } from '../src/store/pglite-db.js';
import { loadTemplates } from '../src/templates/load-templates.js';
import { RecordingPlatform } from '../test/support/recording-platform.js';
import { fmt, mib, percentile, rate, timeEach, type Figure } from './measure.js';

export async function run(): Promise<Figure[]> {
  const config = readConfig({ LOG_LEVEL: 'silent' });
  const policy = await loadPolicy(new URL('../manifests/kubernetes/policy.yaml', import.meta.url).pathname);
  if (!config.ok || !policy.ok) throw new Error('bad bench configuration');
  const db = await openPgliteDb(undefined);
  await migrate(db, migrations);
  const app = buildApp({
    config: config.config,
    policy: policy.policy,
    log: silentLogger,
    db,
    chat: new RecordingPlatform(),
    templates: await loadTemplates(undefined),
    targets: { close: () => Promise.resolve() },
  });
  const n = 3000;
  const before = process.memoryUsage().rss;
  const { sorted, totalMs } = await timeEach(n, (i) =>
    app.router.handleText({
      text: i % 2 === 0 ? 'help db' : 'db conections',
      caller: 'alice',
      channel: 'bench',
    }),
  );
  const after = process.memoryUsage().rss;
  await app.stop();
  await db.close();
  return [
    {
      // One command after the other: each `help` waits for the audit log's window (AUDIT_WINDOW_MS),
      // which a bot answering many people at once fills instead.
      name: 'router, one command after another: help (its audit row waits up to 10 ms for others) / typo, on PGlite',
      value: rate(n, totalMs),
    },
    { name: 'router p50 / p99', value: `${fmt(percentile(sorted, 50))} / ${fmt(percentile(sorted, 99))}` },
    { name: `RSS growth over ${n} commands`, value: mib(after - before) },
  ];
}
