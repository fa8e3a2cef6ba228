// The answer to a command (an ephemeral message) is the bot's most frequent Web API call. It is tried
// first as one JSON request over kept-alive HTTP, without the WebClient's machinery per call (form
// encoding, its request queue and retry wrapper, the redaction of its debug lines, run even when debug
// is off, a Response per call): at 300 commands a second, 1.57–1.83 → 1.28–1.49 ms of the main
// thread per command (README, "Performance").
//
// What Slack answers with HTTP 200 is its answer: ok, or ok: false as the WebClient's own
// WebAPIPlatformError, so that callers read it as before. Anything else (HTTP 429 or 5xx, an answer
// that is not JSON, no answer) hands the call to the WebClient, whose retries and rate-limit handling
// then apply as they always did; after a 429, every call goes to the WebClient until its Retry-After
// has passed, so that a rate-limited Slack is not asked twice for each call. Only for calls the
// WebClient would itself send again after a lost answer (the retrying client): a call that must not
// happen twice never comes here.
import { WebAPIPlatformError, type WebAPICallResult, type WebClient } from '@slack/web-api';
import type { KeepAliveFetch } from '../../http/keep-alive-fetch.js';

export type WebApiFirstTry = <R extends WebAPICallResult>(
  method: string,
  args: Record<string, unknown>,
  viaClient: () => Promise<R>,
) => Promise<R>;

type Answer = WebAPICallResult & { error?: unknown };

function parsed(text: string): Answer | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && 'ok' in value ? (value as Answer) : undefined;
  } catch {
    return undefined;
  }
}

/** Retry-After in seconds, as Slack sends it; 1 s when it is missing or unreadable. */
function retryAfterMs(header: string | undefined): number {
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000;
}

/** Tries `method` once over `http` with the client's address and token; else `viaClient()`. */
export function webApiFirstTry(
  client: Pick<WebClient, 'slackApiUrl' | 'token'>,
  http: Pick<KeepAliveFetch, 'plain'>,
  now: () => number = Date.now,
): WebApiFirstTry {
  /** Until when Slack asked us to wait (HTTP 429): the WebClient, which waits, sends meanwhile. */
  let limitedUntil = 0;
  return async <R extends WebAPICallResult>(
    method: string,
    args: Record<string, unknown>,
    viaClient: () => Promise<R>,
  ): Promise<R> => {
    if (client.token === undefined || now() < limitedUntil) return viaClient();
    let result: Answer | undefined;
    try {
      const answer = await http.plain(`${client.slackApiUrl}${method}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          authorization: `Bearer ${client.token}`,
        },
        body: JSON.stringify(args),
      });
      if (answer.status === 200) result = parsed(answer.text);
      else if (answer.status === 429) limitedUntil = now() + retryAfterMs(answer.header('retry-after'));
    } catch {
      // No answer: the WebClient sends it again, as its own retries would have.
    }
    if (result === undefined) return viaClient();
    if (!result.ok) throw new WebAPIPlatformError({ ...result, error: String(result.error) });
    return result as R;
  };
}
