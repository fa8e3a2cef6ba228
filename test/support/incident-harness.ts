// Incident tests: a policy with intervals of seconds, an app on a RecordingPlatform, and a way to
// type commands and press buttons as someone in some channel, the replies delivered as an adapter would.
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { deliverReplies } from '../../src/chat/deliver.js';
import { parsePolicy, type Policy } from '../../src/config/policy.js';
import { formatDate } from '../../src/core/time-zone.js';
import type { Db } from '../../src/store/db.js';
import { consoleText, RecordingPlatform } from './recording-platform.js';
import { openFreshStore } from './fresh-store.js';
import { DEFAULT_POLICY_FILE, startTestApp, type TestApp } from './test-app.js';
import { waitDeadline } from './wait.js';

type SeverityEdits = Partial<
  Record<'responseTime' | 'updateInterval' | 'statusPageDeadline', string | null> & { notify: string[] }
>;

/** The default policy's YAML with some severity fields changed (e.g. P1 updateInterval: 3s). */
export async function policyYaml(
  edits: Partial<Record<'p0' | 'p1' | 'p2' | 'p3', SeverityEdits>>,
): Promise<string> {
  const doc = parseDocument(await readFile(DEFAULT_POLICY_FILE, 'utf8'));
  for (const [severity, fields] of Object.entries(edits)) {
    for (const [field, value] of Object.entries(fields)) doc.setIn(['severities', severity, field], value);
  }
  return doc.toString();
}

export async function fastPolicy(edits: Parameters<typeof policyYaml>[0]): Promise<Policy> {
  const result = parsePolicy(await policyYaml(edits), 'test-policy.yaml');
  if (!result.ok) throw new Error(result.message);
  return result.policy;
}

/** The war room of an incident declared today: `inc-<yyyymmdd>-<slug>` (tests run in UTC). */
export const warRoomToday = (slug: string): string =>
  `inc-${formatDate(new Date(), 'UTC').replace(/-/g, '')}-${slug}`;

export interface IncidentHarness {
  app: TestApp;
  chat: RecordingPlatform;
  /** Types a command as `as` (default alice) in `in` (default #ops). */
  say(command: string, where?: { as?: string; in?: string; trigger?: string }): Promise<void>;
  /** Presses a button (or submits a form) by its stored action id. */
  press(
    actionId: string,
    where?: { as?: string; in?: string; values?: Record<string, string>; trigger?: string },
  ): Promise<void>;
  /** Everything posted in a channel, as text. */
  posts(channel: string): string[];
  /** What only `user` saw (private answers). */
  privately(user: string): string[];
  /** Direct messages to `user`. */
  dms(user: string): string[];
  stop(): Promise<void>;
}

export interface IncidentHarnessOptions {
  db: Db;
  policy: Policy;
  env?: Record<string, string>;
  chat?: RecordingPlatform;
  targets?: Parameters<typeof startTestApp>[0]['targets'];
  scheduler?: Parameters<typeof startTestApp>[0]['scheduler'];
  /** The app's clock (services.now); the store's timers still fire on the database's clock. */
  now?: () => Date;
  /** Leaves the scheduler stopped (the test starts it with app.scheduler.start()). */
  holdScheduler?: boolean;
}

export async function startIncidentHarness(options: IncidentHarnessOptions): Promise<IncidentHarness> {
  const chat = options.chat ?? new RecordingPlatform();
  const app = await startTestApp({
    db: options.db,
    policy: options.policy,
    env: options.env,
    chat,
    targets: options.targets,
    scheduler: options.scheduler,
    now: options.now,
  });
  if (!options.holdScheduler) app.scheduler.start();
  return harnessFor(app, chat);
}

function harnessFor(app: TestApp, chat: RecordingPlatform): IncidentHarness {
  return {
    app,
    chat,
    async say(command, where = {}) {
      const caller = where.as ?? 'alice';
      const channel = where.in ?? 'ops';
      const replies = await app.router.handleText({ text: command, caller, channel, trigger: where.trigger });
      await deliverReplies(chat, replies, { channel, caller, trigger: where.trigger });
    },
    async press(actionId, where = {}) {
      const caller = where.as ?? 'alice';
      const channel = where.in ?? 'ops';
      const outcome = await app.router.handleAction({
        actionId,
        caller,
        channel,
        values: where.values,
        trigger: where.trigger,
      });
      await deliverReplies(chat, outcome.replies ?? [], { channel, caller, trigger: where.trigger });
    },
    posts: (channel) => chat.postsIn(channel),
    privately: (user) =>
      chat.calls.flatMap((c) => (c.op === 'private' && c.user === user ? [consoleText(c.message)] : [])),
    dms: (user) =>
      chat.calls.flatMap((c) => (c.op === 'dm' && c.user === user ? [consoleText(c.message)] : [])),
    stop: () => app.stop(),
  };
}

/**
 * The action id of the latest button labelled `label` posted (or updated) in `channel`, once there is
 * one: what a command posts through the outbox may arrive after its answer (see Outbox.deliver).
 */
export function buttonIn(chat: RecordingPlatform, channel: string, label: string): Promise<string> {
  const latest = (): string | undefined => {
    const messages = chat.calls.flatMap((c) =>
      (c.op === 'post' || c.op === 'update') && c.channel === channel ? [c.message] : [],
    );
    for (const message of messages.reverse()) {
      const button = message.blocks
        .flatMap((b) => (b.kind === 'actions' ? b.buttons : []))
        .find((b) => b.label === label);
      if (button) return button.actionId;
    }
    return undefined;
  };
  return eventually(`a ${label} button in #${channel}`, latest, 30_000);
}

/** Waits until `check` returns a value; fails with `what` after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = waitDeadline(timeoutMs);
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface IncidentStory extends IncidentHarness {
  db: Db;
}

/** A fresh store (see openFreshStore) and a harness on it; `stop` stops the app, then drops the store. */
export async function startIncidentStory(
  options: Omit<IncidentHarnessOptions, 'db'> & { database?: string },
): Promise<IncidentStory> {
  const store = await openFreshStore(options.database);
  const harness = await startIncidentHarness({ ...options, db: store.db });
  return {
    ...harness,
    db: store.db,
    async stop() {
      await harness.stop();
      await store.close();
    },
  };
}
