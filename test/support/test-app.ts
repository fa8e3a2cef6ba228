// Builds the whole core for a test: a store (PGlite or a real Postgres database), the
// default policy, a recording platform, and silent logs.
import { buildApp, migrations, type App, type AppParts } from '../../src/app.js';
import type { ChatPlatform } from '../../src/chat/platform.js';
import { readConfig, type Config } from '../../src/config/env.js';
import { loadPolicy, parsePolicy, type Policy } from '../../src/config/policy.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrations.js';
import { openPgDb } from '../../src/store/pg-db.js';
import type { Targets } from '../../src/targets/targets.js';
import { loadTemplates } from '../../src/templates/load-templates.js';
import { openTestPglite } from './pglite-template.js';
import { RecordingPlatform } from './recording-platform.js';

export const DEFAULT_POLICY_FILE = new URL('../../manifests/kubernetes/policy.yaml', import.meta.url)
  .pathname;

export function testConfig(env: Record<string, string> = {}): Config {
  const result = readConfig({ LOG_LEVEL: 'silent', ...env });
  if (!result.ok) throw new Error(result.message);
  return result.config;
}

export async function defaultPolicy(): Promise<Policy> {
  const result = await loadPolicy(DEFAULT_POLICY_FILE);
  if (!result.ok) throw new Error(result.message);
  return result.policy;
}

/** The default policy with some YAML text changed (e.g. a 3s update interval). */
export async function policyWith(edit: (yaml: string) => string): Promise<Policy> {
  const { readFile } = await import('node:fs/promises');
  const text = edit(await readFile(DEFAULT_POLICY_FILE, 'utf8'));
  const result = parsePolicy(text, 'test-policy.yaml');
  if (!result.ok) throw new Error(result.message);
  return result.policy;
}

/** An edit for policyWith: the shipped policy's `role` (e.g. on-call) filled by `yaml` (indented for you). */
export const withRole =
  (role: string, yaml: string) =>
  (text: string): string =>
    text.replace(new RegExp(`^ {2}${role}: [a-z]+$`, 'm'), `  ${role}:\n${yaml.replace(/^/gm, '    ')}`);

/** A migrated store: PGlite of its own by default (see pglite-template.ts), or the Postgres database at `url`. */
export async function openTestDb(url?: string): Promise<Db> {
  if (url === undefined) return openTestPglite();
  const db = openPgDb(url);
  await migrate(db, migrations);
  return db;
}

export interface TestApp extends App {
  chat: ChatPlatform;
  db: Db;
}

export async function startTestApp(
  options: Partial<Omit<AppParts, 'db'>> & { db: Db; env?: Record<string, string> },
): Promise<TestApp & { chat: RecordingPlatform | ChatPlatform }> {
  const chat = options.chat ?? new RecordingPlatform();
  const config = options.config ?? testConfig(options.env);
  const app = buildApp({
    config,
    policy: options.policy ?? (await defaultPolicy()),
    log: options.log ?? silentLogger,
    db: options.db,
    chat,
    templates: options.templates ?? (await loadTemplates(undefined, config.OATIE_TIMEZONE)),
    targets: options.targets ?? ({ close: () => Promise.resolve() } satisfies Targets),
    scheduler: options.scheduler ?? { pollMs: 50 },
    now: options.now,
  });
  return { ...app, chat, db: options.db };
}
