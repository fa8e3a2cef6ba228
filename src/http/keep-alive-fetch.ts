// fetch for the chat platforms' Web APIs, over node:http(s) and connections kept alive: the answer
// to every command is one such call, and Node's own fetch (undici's Request, web streams, an abort
// signal per call) took about as much of the main thread's time as the rest of the answer did
// (README, "Performance"). Only what those calls send goes this way (a string or bytes, or no body);
// anything else (a form with files, a stream, a Request) goes to the platform's fetch.
//
// Every call has a deadline, whether or not the caller gives a signal; a signal given still aborts it.
// A status other than 2xx is an answer, not an error, as with fetch; no redirect is followed.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface KeepAliveFetchOptions {
  /** The whole call, connection to last byte of the answer. */
  timeoutMs: number;
  /** Connections per host (a kept-alive one is reused; more open when all are busy). */
  maxSockets?: number;
}

export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * A kept-alive connection unused this long is closed by us first, so that a server closing it at its
 * own idle timeout (commonly 5 s) does not race a request onto it.
 */
const IDLE_SOCKET_MS = 4000;
/** Statuses whose answer has no body (the Response constructor refuses one). */
const NO_BODY = new Set([204, 205, 304]);

function toHeaders(raw: IncomingMessage['headers']): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}

/** The caller's headers, the body's length, and the type fetch would give the body when none is set. */
function outgoingHeaders(
  init: RequestInit | undefined,
  body: string | Uint8Array | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {};
  new Headers(init?.headers).forEach((value, name) => {
    headers[name] = value;
  });
  if (body === undefined) return headers;
  headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
  if (headers['content-type'] === undefined && typeof init?.body !== 'object')
    headers['content-type'] = 'text/plain;charset=UTF-8';
  if (headers['content-type'] === undefined && init?.body instanceof URLSearchParams)
    headers['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
  return headers;
}

/** The body as a string or bytes, or null when it is of a kind this fetch leaves to the platform's. */
function plainBody(body: RequestInit['body']): string | Uint8Array | undefined | null {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof URLSearchParams) return body.toString();
  return null;
}

/** Why `signal` aborted, as an Error (fetch rejects with the reason itself when it is one). */
function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException('This operation was aborted', 'AbortError');
}

/** An answer as it came off the connection. */
interface RawAnswer {
  status: number;
  statusText: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** An answer read without building a Response: enough for a caller that reads a status, a header and the text. */
export interface PlainAnswer {
  status: number;
  header(name: string): string | undefined;
  text: string;
}

/** What a plain call sends: a method, its headers, and a string body if any. */
export interface PlainInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export interface KeepAliveFetch extends Fetch {
  /**
   * The same call for a string body, answered without a Response (its web stream, headers object and
   * abort signal per call were a twentieth of the bot's CPU per command at 300/s).
   */
  plain(url: string | URL, init: PlainInit): Promise<PlainAnswer>;
}

export function keepAliveFetch(options: KeepAliveFetchOptions): KeepAliveFetch {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 50, timeout: IDLE_SOCKET_MS };
  const http = new HttpAgent(agentOptions);
  const https = new HttpsAgent(agentOptions);

  /** One call on a kept-alive connection, within the deadline; `signal` may abort it. */
  function send(
    url: URL,
    method: string,
    headers: Record<string, string>,
    body: string | Uint8Array | undefined,
    signal: AbortSignal | undefined,
  ): Promise<RawAnswer> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const secure = url.protocol === 'https:';
    return new Promise<RawAnswer>((resolve, reject) => {
      const req = (secure ? httpsRequest : httpRequest)(url, {
        method,
        headers,
        agent: secure ? https : http,
      });
      const deadline = setTimeout(
        () => fail(new DOMException(`no answer within ${options.timeoutMs} ms`, 'TimeoutError')),
        options.timeoutMs,
      );
      const onAbort = () => {
        if (signal) fail(abortReason(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      let settled = false;
      function settle(): boolean {
        if (settled) return false;
        settled = true;
        clearTimeout(deadline);
        signal?.removeEventListener('abort', onAbort);
        return true;
      }
      function fail(reason: Error): void {
        if (!settle()) return;
        req.destroy();
        reject(reason);
      }
      req.on('error', (error) => fail(error));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error) => fail(error));
        res.on('close', () => {
          if (!res.complete) fail(new Error('the connection closed before the whole answer came'));
        });
        res.on('end', () => {
          const answer = {
            status: res.statusCode ?? 0,
            statusText: res.statusMessage ?? '',
            headers: res.headers,
            body: Buffer.concat(chunks),
          };
          if (settle()) resolve(answer);
        });
      });
      req.end(body);
    });
  }

  const fetchIt: Fetch = async (input, init) => {
    const body = plainBody(init?.body);
    if (input instanceof Request || body === null) return fetch(input, init);
    const url = input instanceof URL ? input : new URL(input);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return fetch(input, init);
    const answer = await send(
      url,
      init?.method ?? 'GET',
      outgoingHeaders(init, body),
      body,
      init?.signal ?? undefined,
    );
    // A status fetch cannot represent (below 200 or above 599) makes this throw: no answer to speak of.
    return new Response(NO_BODY.has(answer.status) ? null : answer.body, {
      status: answer.status,
      statusText: answer.statusText,
      headers: toHeaders(answer.headers),
    });
  };

  return Object.assign(fetchIt, {
    async plain(url: string | URL, init: PlainInit): Promise<PlainAnswer> {
      const headers = { ...init.headers };
      if (init.body !== undefined) headers['content-length'] = String(Buffer.byteLength(init.body));
      const answer = await send(
        url instanceof URL ? url : new URL(url),
        init.method,
        headers,
        init.body,
        undefined,
      );
      return {
        status: answer.status,
        header: (name) => {
          const value = answer.headers[name.toLowerCase()];
          return Array.isArray(value) ? value[0] : value;
        },
        text: answer.body.toString('utf8'),
      };
    },
  });
}
