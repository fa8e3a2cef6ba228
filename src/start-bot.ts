// Composition root (started by main.ts): read the configuration, build the adapters, start. Nothing else.
// The chat adapters in use are imported when chosen, so the others' libraries never load. Once the
// settings are read, the store opens while the rest of the bot's modules load (its WebAssembly
// compiles and its files are read meanwhile), and the policy and the templates are read and checked.
import { join } from 'node:path';
import { chatAdapters, readConfig } from './config/env.js';
import { describeConfig } from './config/print-config.js';
import { describeError } from './core/errors.js';
import { provideImporter } from './core/import-library.js';
import { createLogger } from './core/logger.js';
import { maskProcessOutput } from './core/masked-output.js';
import { ROOT } from './core/root.js';
import { maskSecrets } from './core/secrets.js';
import { stopOnSignals } from './core/shutdown.js';
import { tuneForService } from './core/v8-tuning.js';
import { describeStore, openStore } from './store/open-store.js';
import { buildTargets } from './targets/build-targets.js';
import type { TemplateRenderer } from './templates/renderer.js';

const DEFAULT_POLICY = join(ROOT, 'manifests', 'kubernetes', 'policy.yaml');

function stop(code: number, message: string): never {
  // Masked here and again by maskProcessOutput: a start-up error may quote a URL or a config file.
  process.stderr.write(`oatie-ops: ${maskSecrets(message)}\n`);
  process.exit(code);
}

/** What the entry point (src/main.ts) gives the start, and hears of it. */
export interface StartHooks {
  /** The entry point's import(), for the libraries outside the bundle (see core/import-library.ts). */
  importLibrary?: (specifier: string) => Promise<unknown>;
  /** How the bundle's code cache was found (said in the ready line), when the bot runs from its bundle. */
  codeCache?: string;
  /** Once the bot is ready (and V8's flags are those of start-up again): the code cache is saved here. */
  onReady?: () => void;
}

async function main(hooks: StartHooks): Promise<void> {
  const mainStarted = performance.now();
  maskProcessOutput((message) => stop(1, message));
  const configResult = readConfig(process.env);
  if (!configResult.ok) {
    // One line per problem, so each can be read (and grepped) on its own. No colon after the name:
    // the output masker would take "SLACK_BOT_TOKEN: expected…" for a credential and hide the reason.
    const lines = configResult.problems.map((p) => p.replace(/^(\w+): /, 'invalid configuration of $1 — '));
    stop(2, lines.join('\noatie-ops: '));
  }
  const config = configResult.config;
  const policyFile = config.OATIE_POLICY_FILE ?? DEFAULT_POLICY;
  const log = createLogger(config.LOG_LEVEL);

  const policyLoading = import('./config/policy.js').then(({ loadPolicy }) => loadPolicy(policyFile));
  if (process.argv.includes('--print-config')) {
    const policyResult = await policyLoading;
    if (!policyResult.ok) stop(2, `invalid policy — ${policyResult.message}`);
    process.stdout.write(`${describeConfig(config, policyFile).join('\n')}\n`);
    return;
  }

  // Side by side: the rest of the bot's modules, the policy, the templates, and the store (migrated
  // once the migration list, which is the composition root's, has loaded). Every step is settled
  // before any failure stops the process, so a store being opened is closed, never cut off halfway.
  const appModule = import('./app.js');
  const templating = import('./templates/load-templates.js').then(({ loadTemplates }) =>
    loadTemplates(config.OATIE_TEMPLATES_DIR, config.OATIE_TIMEZONE),
  );
  const storeSettings = { databaseUrl: config.DATABASE_URL, dataDir: config.OATIE_DATA_DIR };
  const opening = openStore(
    storeSettings,
    appModule.then((m) => m.migrations),
  );
  const [loaded, policed, templated, opened] = await Promise.allSettled([
    appModule,
    policyLoading,
    templating,
    opening,
  ]);
  const closeStore = () =>
    opened.status === 'fulfilled' ? opened.value.close().catch(() => undefined) : Promise.resolve();
  if (loaded.status === 'rejected') {
    await closeStore();
    throw loaded.reason;
  }
  if (policed.status === 'rejected') {
    await closeStore();
    throw policed.reason;
  }
  const policyResult = policed.value;
  if (!policyResult.ok) {
    await closeStore();
    stop(2, `invalid policy — ${policyResult.message}`);
  }
  if (templated.status === 'rejected') {
    await closeStore();
    stop(2, `invalid template — ${describeError(templated.reason)}`);
  }
  if (opened.status === 'rejected')
    stop(1, `cannot open the store at ${describeStore(storeSettings)}: ${describeError(opened.reason)}`);
  const { buildApp } = loaded.value;
  const templates: TemplateRenderer = templated.value;
  const db = opened.value;

  let targets;
  try {
    targets = await buildTargets(config, log);
  } catch (error) {
    // A target's configuration that cannot be used (an unreadable kubeconfig) is a bad setting.
    await db.close();
    stop(2, `invalid target configuration — ${describeError(error)}`);
  }

  const parts = { config, policy: policyResult.policy, log, db, templates, targets };
  const ready = (fields: object) => {
    const now = performance.now();
    log.info(
      {
        // Since the process started (performance's time origin): node, and every module loaded.
        ms: Math.round(now),
        // Since main() began: the store, the policy, the templates, the chat adapter, and the modules
        // loaded on the way (app, adapters); the modules of start-up itself (config, logger) are before.
        mainMs: Math.round(now - mainStarted),
        store: describeStore(storeSettings),
        codeCache: hooks.codeCache,
        ...fields,
      },
      'ready',
    );
    tuneForService();
    hooks.onReady?.();
  };

  const adapters = chatAdapters(config);
  if (adapters.length > 0) {
    // The HTTP side (server, metrics, webhooks) is loaded only when a chat platform needs it.
    const [{ createMetrics }, { HttpServer }, { serveWebhooks }, { responseSamples }] = await Promise.all([
      import('./http/metrics.js'),
      import('./http/server.js'),
      import('./http/webhooks.js'),
      import('./reviews/index.js'),
    ]);
    const storeDb = db;
    const metrics = createMetrics();
    const http = new HttpServer({ log, metrics });
    // Slack and Teams side by side: each its own core on the one store, each scheduler running its platform's timers.
    const slackModule = adapters.includes('slack') ? await import('./chat/slack/start-slack.js') : undefined;
    const slack = await slackModule?.startSlack({
      config,
      log,
      http,
      buildCore: (chat) => buildApp({ ...parts, chat }),
    });
    // botbuilder is loaded only when Teams runs: it adds seconds to the start of every other mode.
    const teamsModules = adapters.includes('teams')
      ? await Promise.all([import('./chat/teams/start-teams.js'), import('./chat/teams/graph-war-rooms.js')])
      : undefined;
    const teams = teamsModules
      ? await teamsModules[0].startTeams({
          config,
          policy: parts.policy,
          log,
          db,
          http,
          warRooms: teamsModules[1].graphWarRooms(config, log),
          buildCore: (chat) => buildApp({ ...parts, chat }),
        })
      : undefined;
    const core = slack?.core ?? teams?.core;
    if (!core) throw new Error('no chat adapter started');
    metrics.watchIncidents(() => responseSamples(core.services));
    let stopping = false;
    // Both cores watch the same store and targets: one monitor answers /health for the process, and
    // Alertmanager's alerts go to the first platform (Slack when both run).
    http.serveHealthFrom({ monitor: core.health, ready: () => !stopping });
    serveWebhooks(http, core.services);
    // Slack over HTTP: its acks are written on a thread of their own, which owns the port and
    // forwards every other request to this server, then on 127.0.0.1 only (see http/front-door.ts).
    let front: { port: number; close(): Promise<void> } | undefined;
    if (slack?.mode === 'http' && slackModule) {
      const { openFrontDoor, yieldToFrontDoor } = await import('./http/front-door.js');
      front = await openFrontDoor({
        port: config.PORT,
        innerPort: await http.listen(0, '127.0.0.1'),
        slackPath: slackModule.SLACK_EVENTS_PATH,
        signingSecret: config.SLACK_SIGNING_SECRET ?? '',
        bodyLimit: slackModule.SLACK_BODY_LIMIT,
        admitLimit: config.OATIE_WORK_QUEUE_LIMIT + config.OATIE_WORK_CONCURRENCY,
        log,
        onAcked: (request, done) => slack.acceptAcked(request, done),
        onFailure: (reason) => stop(1, reason),
      });
      // At 1,000 commands a second the answers keep the main thread busy: a core goes to an ack first.
      try {
        yieldToFrontDoor(config.OATIE_ANSWERS_NICENESS);
      } catch (error) {
        log.warn({ err: describeError(error) }, 'the main thread could not yield to the front door');
      }
    }
    const port = front?.port ?? (await http.listen(config.PORT));
    slack?.core.scheduler.start();
    teams?.core.scheduler.start();
    ready({ chat: adapters.join('+'), mode: slack?.mode, port });
    stopOnSignals(log, async () => {
      // /readyz answers 503 from now on; no new connection or Socket Mode envelope is taken, while
      // the work in hand gets a few seconds to finish (what does not is recorded as interrupted).
      stopping = true;
      const closing = Promise.all([front?.close(), http.close(), slack?.stop(), teams?.stop()]);
      await Promise.all([slack?.core.stop(), teams?.core.stop()]);
      await closing;
      await storeDb.close();
    });
    return;
  }

  const { ConsolePlatform } = await import('./chat/console/console-platform.js');
  const { ConsoleSession, runConsole } = await import('./chat/console/console-session.js');
  const chat = new ConsolePlatform(process.stdout);
  const app = buildApp({ ...parts, chat });
  app.scheduler.start();
  ready({ chat: chat.name });

  const session = new ConsoleSession(chat, app.router, {
    user: config.OATIE_CONSOLE_USER,
    channel: 'console',
  });
  await runConsole(session, process.stdin, process.stdout, process.stdin.isTTY);
  await app.stop();
  await db.close();
}

/** Starts the bot (called by src/main.ts, which has tuned V8 first); a failure stops the process. */
export function startBot(hooks: StartHooks = {}): void {
  if (hooks.importLibrary) provideImporter(hooks.importLibrary);
  main(hooks).catch((error: unknown) => stop(1, describeError(error)));
}
