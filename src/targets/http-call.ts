// What the adapters over fetch share (Oatie API, Oracle BI Publisher, Statuspage): a base URL without
// credentials, a call bounded by the target timeout whose failures become coded errors, and answers
// checked before use.
import type { z } from 'zod';
import { ErrorCode, OpsError } from '../core/errors.js';
import { networkError, statusError } from './network-error.js';

/** A target reached over HTTP: its sentence name ("The Oatie API at host:port") and its timeout. */
export interface HttpTarget {
  what: string;
  timeoutMs: number;
}

/** `url` as a base for relative paths: its path kept (an API behind a prefix), with a trailing slash,
 * and any credentials written in it dropped, so they never reach a message. */
export function baseUrl(url: string): URL {
  const base = new URL(url);
  base.username = '';
  base.password = '';
  base.pathname = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  return base;
}

/** One request within the target's timeout; `read` takes the answer. Any failure (refused, timed out,
 * a body that stalls, an error `read` throws) comes out as an OpsError naming the target. */
export async function callTarget<T>(
  target: HttpTarget,
  url: URL,
  init: RequestInit,
  read: (response: Response) => Promise<T>,
): Promise<T> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(target.timeoutMs) });
    return await read(response);
  } catch (error) {
    throw networkError(error, target.what, target.timeoutMs);
  }
}

/** The body as text if the status is accepted; otherwise the body is dropped and the status named
 * (with `credentialHint` for 401 and 403). */
export async function acceptedText(
  response: Response,
  accepted: (status: number) => boolean,
  target: HttpTarget,
  credentialHint: string,
): Promise<string> {
  if (!accepted(response.status)) {
    await response.body?.cancel();
    throw statusError(response.status, target.what, credentialHint);
  }
  return response.text();
}

/** `raw` parsed as JSON; undefined when it is not JSON (the schema then says it cannot be read). */
export function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

/** `body` checked against `schema`; an answer of another shape is a readable TargetDown, not a crash. */
export function parseAnswer<S extends z.ZodType>(
  schema: S,
  body: unknown,
  what: string,
  kind = 'something',
): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw new OpsError(ErrorCode.TargetDown, `${what} answered ${kind} the bot cannot read.`);
  return parsed.data;
}
