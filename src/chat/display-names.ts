// People's names for places where a mention cannot render (table cells are code in Slack): each
// distinct id is asked of the platform once per call, and the platform caches across calls.
import type { ChatPlatform } from './platform.js';

/** The display names of `ids`, by id; an id whose name cannot be had stands for itself. */
export async function displayNames(chat: ChatPlatform, ids: Iterable<string>): Promise<Map<string, string>> {
  const unique = [...new Set(ids)].filter((id) => id.trim() !== '');
  const names = await Promise.all(unique.map((id) => chat.displayName(id).catch(() => id)));
  return new Map(unique.map((id, i) => [id, names[i] ?? id]));
}
