// The Atlassian Statuspage adapter (STATUSPAGE_API_KEY, STATUSPAGE_PAGE_ID, STATUSPAGE_API_URL),
// over fetch with a timeout on every call. Paths carry only the configured page id and ids the API
// returned, encoded; answers are validated before use.
import { z } from 'zod';
import type { Config } from '../config/env.js';
import { acceptedText, baseUrl, callTarget, parseAnswer, parseJson, type HttpTarget } from './http-call.js';
import type { StatusPageImpact, StatusPageStatus, StatusPageTarget } from './statuspage-port.js';

export const DEFAULT_STATUSPAGE_API_URL = 'https://api.statuspage.io/v1';

export interface StatuspageSettings {
  apiKey: string;
  pageId: string;
  url?: string;
  timeoutMs: number;
}

const created = z.object({ id: z.string().min(1).max(200) }).loose();

class Statuspage implements StatusPageTarget {
  readonly description: string;
  private readonly base: URL;
  private readonly target: HttpTarget;

  constructor(private readonly settings: StatuspageSettings) {
    const url = baseUrl(settings.url ?? DEFAULT_STATUSPAGE_API_URL);
    this.base = new URL(`pages/${encodeURIComponent(settings.pageId)}/`, url);
    this.description = `${url.host} page ${settings.pageId}`;
    this.target = { what: `The status page API at ${url.host}`, timeoutMs: settings.timeoutMs };
  }

  async open(incident: {
    name: string;
    status: StatusPageStatus;
    body: string;
    impact: StatusPageImpact;
  }): Promise<string> {
    const body = await this.send('POST', 'incidents', {
      incident: {
        name: incident.name,
        status: incident.status,
        body: incident.body,
        impact_override: incident.impact,
      },
    });
    return parseAnswer(created, body, this.target.what).id;
  }

  async update(id: string, update: { status: StatusPageStatus; body: string }): Promise<void> {
    await this.send('PATCH', `incidents/${encodeURIComponent(id)}`, { incident: update });
  }

  private send(method: 'POST' | 'PATCH', path: string, payload: object): Promise<unknown> {
    const init: RequestInit = {
      method,
      headers: {
        authorization: `OAuth ${this.settings.apiKey}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify(payload),
      redirect: 'error',
    };
    const hint = 'check STATUSPAGE_API_KEY and STATUSPAGE_PAGE_ID';
    const ok = (status: number) => status >= 200 && status <= 299;
    return callTarget(this.target, new URL(path, this.base), init, async (response) =>
      parseJson(await acceptedText(response, ok, this.target, hint)),
    );
  }
}

export function openStatuspage(settings: StatuspageSettings): StatusPageTarget {
  return new Statuspage(settings);
}

/** The status page client when both STATUSPAGE_API_KEY and STATUSPAGE_PAGE_ID are set. */
export function statusPageFromConfig(config: Config): StatusPageTarget | undefined {
  if (config.STATUSPAGE_API_KEY === undefined || config.STATUSPAGE_PAGE_ID === undefined) return undefined;
  return openStatuspage({
    apiKey: config.STATUSPAGE_API_KEY,
    pageId: config.STATUSPAGE_PAGE_ID,
    url: config.STATUSPAGE_API_URL,
    timeoutMs: config.OATIE_TARGET_TIMEOUT_MS,
  });
}
