// The war room: a channel named inc-<yyyymmdd>-<slug>, created with -2, -3 … when the name is taken.
import type { ChatPlatform } from '../chat/platform.js';
import { conflict } from '../core/errors.js';
import { formatDate } from '../core/time-zone.js';

/** Slack's limit on channel names; Teams and the console accept the same. */
export const MAX_CHANNEL_NAME = 80;
const MAX_ATTEMPTS = 50;

/** Lowercase ASCII letters, digits and single dashes; accents folded, everything else (emoji, `<!here>`) dropped. */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** `inc-20240115-report-generation-down` for a title declared on that day in `zone`. */
export function warRoomName(title: string, at: Date, zone: string): string {
  const prefix = `inc-${formatDate(at, zone).replace(/-/g, '')}`;
  const slug = slugify(title) || 'incident';
  return fit(`${prefix}-${slug}`, MAX_CHANNEL_NAME);
}

/** The name for the n-th attempt: the base, then base-2, base-3 …, cut so the suffix always fits. */
export function candidateName(base: string, attempt: number): string {
  if (attempt <= 1) return fit(base, MAX_CHANNEL_NAME);
  const suffix = `-${attempt}`;
  return `${fit(base, MAX_CHANNEL_NAME - suffix.length)}${suffix}`;
}

function fit(name: string, max: number): string {
  return name.length <= max ? name : name.slice(0, max).replace(/-+$/, '');
}

/** The names earlier attempts asked the platform to create, kept in the store before each call. */
export interface TriedNames {
  names: readonly string[];
  record(names: readonly string[]): Promise<void>;
}

const forgetful: TriedNames = { names: [], record: () => Promise.resolve() };

/**
 * Creates the war room, trying base, base-2, base-3 … while the platform says the name is taken or
 * `usedBefore` says an incident already had it (the console forgets its channels at restart).
 * Idempotent with `tried`: a name an earlier attempt asked for and now "taken" is the channel that
 * attempt created (its answer was lost to a crash or a timeout), so it is looked up, not made again.
 */
export async function openWarRoom(
  chat: ChatPlatform,
  base: string,
  usedBefore: (name: string) => Promise<boolean> = () => Promise.resolve(false),
  tried: TriedNames = forgetful,
): Promise<{ id: string; name: string }> {
  const names = [...tried.names];
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const name = candidateName(base, attempt);
    const ours = names.includes(name);
    if (!ours) {
      if (await usedBefore(name)) continue;
      names.push(name);
      await tried.record(names);
    }
    const result = await chat.createChannel(name);
    if (result.ok) return { id: result.id, name: result.name };
    if (ours) return { id: await chat.resolveChannel(name), name };
  }
  throw conflict(
    `Could not open a war room: the names ${base} to ${candidateName(base, MAX_ATTEMPTS)} are all taken.`,
  );
}
