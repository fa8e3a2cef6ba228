// Every setting of the bot, read from the environment (and .env) and validated in one place.
import { z } from 'zod';
import { isTimeZone } from '../core/time-zone.js';

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const optionalUrl = (protocols: readonly string[]) =>
  optionalString.refine(
    (v) => v === undefined || (URL.canParse(v) && protocols.includes(new URL(v).protocol)),
    { error: `expected a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

const int = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === undefined || v === '' ? String(fallback) : v))
    .pipe(
      z
        .string()
        .regex(/^-?\d+$/, 'expected a whole number')
        .transform(Number)
        .pipe(z.number().int().min(min).max(max)),
    );

const ianaZone = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v === '' ? 'UTC' : v))
  .refine(isTimeZone, { error: 'expected an IANA time zone such as UTC or Europe/Paris' });

/** The variables, their defaults and what each one means (also in .env.example and the README). */
export const envSchema = z.object({
  PORT: int(0, 65535, 3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // The bot's own store.
  DATABASE_URL: optionalUrl(['postgres:', 'postgresql:']),
  OATIE_DATA_DIR: z.string().default('./data'),
  // Behaviour.
  OATIE_POLICY_FILE: optionalString,
  OATIE_TEMPLATES_DIR: optionalString,
  OATIE_TIMEZONE: ianaZone,
  OATIE_INCIDENTS_CHANNEL: z.string().trim().min(1).default('incidents'),
  OATIE_CONSOLE_USER: z.string().trim().min(1).default('alice'),
  OATIE_CHAT: z.enum(['auto', 'console', 'slack', 'teams']).default('auto'),
  // The work behind each ack: how many requests run at once, and how many may wait before "busy".
  OATIE_WORK_CONCURRENCY: int(1, 1000, 16),
  OATIE_WORK_QUEUE_LIMIT: int(1, 1_000_000, 10_000),
  // Slack over HTTP: how many nice steps the main thread (answers, timers) runs below the front door's
  // thread (acks), on Linux; 0 leaves them equal.
  OATIE_ANSWERS_NICENESS: int(0, 19, 5),
  // Slack.
  SLACK_BOT_TOKEN: optionalString.refine((v) => v === undefined || v.startsWith('xoxb-'), {
    error: 'expected a bot token starting with xoxb-',
  }),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString.refine((v) => v === undefined || v.startsWith('xapp-'), {
    error: 'expected an app-level token starting with xapp-',
  }),
  SLACK_API_URL: optionalUrl(['http:', 'https:']),
  // Microsoft Teams (Bot Framework).
  MICROSOFT_APP_ID: optionalString,
  MICROSOFT_APP_PASSWORD: optionalString,
  MICROSOFT_APP_TENANT_ID: optionalString,
  TEAMS_ALLOW_UNAUTHENTICATED: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  // Microsoft Graph, for a channel per incident in OATIE_TEAMS_TEAM_ID (else a thread in the incidents channel).
  GRAPH_TENANT_ID: optionalString,
  GRAPH_CLIENT_ID: optionalString,
  GRAPH_CLIENT_SECRET: optionalString,
  GRAPH_API_URL: optionalUrl(['http:', 'https:']),
  GRAPH_LOGIN_URL: optionalUrl(['http:', 'https:']),
  OATIE_TEAMS_TEAM_ID: optionalString,
  // Targets: the systems the bot diagnoses and fixes.
  OATIE_DATABASE_URL: optionalUrl(['postgres:', 'postgresql:']),
  OATIE_REDIS_URL: optionalUrl(['redis:', 'rediss:']),
  OATIE_REDIS_PREFIX: z.string().default(''),
  /** The schema of the platform's tables (users, organizations, …): names are never looked up through
   * search_path, where a `$user` schema could shadow them. */
  OATIE_PLATFORM_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_$]{0,62}$/, 'expected a schema name such as public')
    .default('public'),
  KUBECONFIG: optionalString,
  OATIE_KUBE_IN_CLUSTER: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  OATIE_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'expected a Kubernetes namespace name')
    .default('oatie'),
  // Services of OATIE_NAMESPACE whose endpoints `k8s dns` checks, comma-separated.
  OATIE_PLATFORM_SERVICES: z
    .string()
    .trim()
    .default('postgres,redis')
    .pipe(
      z
        .string()
        .regex(
          /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(,[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?){0,19}$/,
          'expected Kubernetes service names separated by commas, such as postgres,redis',
        )
        .transform((v) => v.split(',')),
    ),
  // Names `k8s dns` resolves from the bot, comma-separated (default: the platform services' cluster names
  // when in the cluster, and the hosts of the configured targets).
  OATIE_DNS_NAMES: optionalString.pipe(
    z
      .string()
      .regex(
        /^[A-Za-z0-9]([-.A-Za-z0-9]{0,252})?(,[A-Za-z0-9]([-.A-Za-z0-9]{0,252})?){0,29}$/,
        'expected host names separated by commas, such as postgres.oatie.svc.cluster.local,redis',
      )
      .transform((v) => v.split(','))
      .optional(),
  ),
  // DNS servers `k8s dns` asks directly (ip or ip:port, comma-separated) instead of the system resolver.
  OATIE_DNS_SERVERS: optionalString.pipe(
    z
      .string()
      .regex(
        /^[0-9a-fA-F.:[\]]{2,47}(,[0-9a-fA-F.:[\]]{2,47}){0,3}$/,
        'expected DNS server addresses separated by commas, such as 10.96.0.10 or 127.0.0.1:5353',
      )
      .transform((v) => v.split(','))
      .optional(),
  ),
  OATIE_API_URL: optionalUrl(['http:', 'https:']),
  OATIE_API_TOKEN: optionalString,
  ORACLE_BI_URL: optionalUrl(['http:', 'https:']),
  // Centralized logs for `logs errors` (without it: the Kubernetes logs of the app).
  OATIE_ELASTICSEARCH_URL: optionalUrl(['http:', 'https:']),
  OATIE_ELASTICSEARCH_INDEX: z
    .string()
    .trim()
    .regex(/^[a-z0-9*][a-z0-9_.*,-]{0,254}$/, 'expected an index name or pattern such as logs-*')
    .default('logs-*'),
  OATIE_TARGET_TIMEOUT_MS: int(100, 120_000, 5000),
  // Fixes: statement_timeout of VACUUM / CREATE INDEX CONCURRENTLY / REINDEX, and how long a restart's rollout is watched.
  OATIE_FIX_TIMEOUT_MS: int(1000, 86_400_000, 1_800_000),
  OATIE_ROLLOUT_WATCH_MS: int(1000, 3_600_000, 120_000),
  JWT_CLOCK_TOLERANCE: int(0, 86_400, 300),
  // Alertmanager intake (POST /webhooks/alertmanager): the bearer token its receiver sends, and where
  // alert groups are posted.
  ALERTMANAGER_TOKEN: optionalString.refine((v) => v === undefined || v.length >= 16, {
    error: 'expected a random token of at least 16 characters',
  }),
  OATIE_ALERTS_CHANNEL: z.string().trim().min(1).default('alerts'),
  // Paging (PagerDuty Events API v2): P0/P1 declarations and escalation steps page on-call.
  PAGERDUTY_ROUTING_KEY: optionalString,
  PAGERDUTY_EVENTS_URL: optionalUrl(['http:', 'https:']),
  // PagerDuty's webhook v3 (POST /webhooks/pagerduty): the subscription's signing secret; an
  // acknowledgement made in PagerDuty acknowledges the incident in chat.
  PAGERDUTY_WEBHOOK_SECRET: optionalString.refine((v) => v === undefined || v.length >= 16, {
    error: "expected the webhook subscription's signing secret (at least 16 characters)",
  }),
  // PagerDuty REST API (read-only token): the on-call of the policy's PagerDuty schedules.
  PAGERDUTY_API_TOKEN: optionalString,
  PAGERDUTY_API_URL: optionalUrl(['http:', 'https:']),
  // Optional status page (Atlassian Statuspage).
  STATUSPAGE_API_KEY: optionalString,
  STATUSPAGE_PAGE_ID: optionalString,
  STATUSPAGE_API_URL: optionalUrl(['http:', 'https:']),
});

export type Config = z.infer<typeof envSchema>;

export type ConfigResult = { ok: true; config: Config } | { ok: false; message: string; problems: string[] };

/** Validates the environment; on failure, every wrong variable and what is expected (one problem each). */
export function readConfig(env: Record<string, string | undefined>): ConfigResult {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  // Read from the raw values too, so a half-configured Slack is named beside every other mistake.
  const chat = chatProblem(slackSettings(env));
  if (chat !== undefined) problems.push(chat);
  const teams = teamsProblem(env);
  if (teams !== undefined) problems.push(teams);
  if (parsed.success && problems.length === 0) return { ok: true, config: parsed.data };
  return { ok: false, message: `Invalid configuration — ${problems.join('; ')}`, problems };
}

type SlackSettings = Pick<Config, 'SLACK_BOT_TOKEN' | 'SLACK_SIGNING_SECRET' | 'SLACK_APP_TOKEN'> & {
  OATIE_CHAT: string;
};

function slackSettings(env: Record<string, string | undefined>): SlackSettings {
  const value = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  };
  return {
    OATIE_CHAT: value('OATIE_CHAT') ?? 'auto',
    SLACK_BOT_TOKEN: value('SLACK_BOT_TOKEN'),
    SLACK_SIGNING_SECRET: value('SLACK_SIGNING_SECRET'),
    SLACK_APP_TOKEN: value('SLACK_APP_TOKEN'),
  };
}

const slackReady = (c: SlackSettings): boolean =>
  c.SLACK_BOT_TOKEN !== undefined &&
  (c.SLACK_SIGNING_SECRET !== undefined || c.SLACK_APP_TOKEN !== undefined);

/** Which chat adapter runs: OATIE_CHAT when set; with `auto`, Slack when its credentials are set, else Teams when its are, else the console. */
export function chatMode(config: Config): Exclude<Config['OATIE_CHAT'], 'auto'> {
  if (config.OATIE_CHAT !== 'auto') return config.OATIE_CHAT;
  if (slackReady(config)) return 'slack';
  return teamsReady(config) ? 'teams' : 'console';
}

/** Whether the Teams adapter can start: an app id and password, or authentication turned off on purpose. */
export const teamsReady = (
  c: Pick<Config, 'MICROSOFT_APP_ID' | 'MICROSOFT_APP_PASSWORD' | 'TEAMS_ALLOW_UNAUTHENTICATED'>,
): boolean =>
  (c.MICROSOFT_APP_ID !== undefined && c.MICROSOFT_APP_PASSWORD !== undefined) ||
  c.TEAMS_ALLOW_UNAUTHENTICATED;

/**
 * The chat adapters that run in this process: with `auto`, every platform whose credentials are
 * set (Slack and Teams side by side on one HTTP server); none means the console.
 */
export function chatAdapters(config: Config): Array<'slack' | 'teams'> {
  if (config.OATIE_CHAT === 'slack' || config.OATIE_CHAT === 'teams') return [config.OATIE_CHAT];
  if (config.OATIE_CHAT === 'console') return [];
  return [
    ...(slackReady(config) ? ['slack' as const] : []),
    ...(teamsReady(config) ? ['teams' as const] : []),
  ];
}

/** An app id without its password (or the reverse) is an error, not a silent console. */
function teamsProblem(env: Record<string, string | undefined>): string | undefined {
  const set = (name: string) => (env[name]?.trim() ?? '') !== '';
  const unauthenticated = env.TEAMS_ALLOW_UNAUTHENTICATED?.trim() === 'true';
  if (set('MICROSOFT_APP_ID') && !set('MICROSOFT_APP_PASSWORD'))
    return 'MICROSOFT_APP_PASSWORD: required with MICROSOFT_APP_ID for Teams';
  if (set('MICROSOFT_APP_PASSWORD') && !set('MICROSOFT_APP_ID'))
    return 'MICROSOFT_APP_ID: required with MICROSOFT_APP_PASSWORD for Teams';
  if (env.OATIE_CHAT?.trim() === 'teams' && !set('MICROSOFT_APP_ID') && !unauthenticated)
    return 'MICROSOFT_APP_ID: required for Teams (OATIE_CHAT=teams); set it and MICROSOFT_APP_PASSWORD, or TEAMS_ALLOW_UNAUTHENTICATED=true for a local emulator';
  const graph = ['GRAPH_TENANT_ID', 'GRAPH_CLIENT_ID', 'GRAPH_CLIENT_SECRET', 'OATIE_TEAMS_TEAM_ID'];
  const graphSet = graph.filter(set);
  if (graphSet.length > 0 && graphSet.length < graph.length)
    return `${graph.filter((n) => !set(n)).join(', ')}: required with ${graphSet.join(', ')} for war-room channels through Microsoft Graph`;
  return undefined;
}

/** Half-configured Slack is an error, not a silent fall-back to the console. */
function chatProblem(c: SlackSettings): string | undefined {
  const someSlack =
    c.SLACK_BOT_TOKEN !== undefined ||
    c.SLACK_SIGNING_SECRET !== undefined ||
    c.SLACK_APP_TOKEN !== undefined;
  if (!(c.OATIE_CHAT === 'slack' || (c.OATIE_CHAT === 'auto' && someSlack)) || slackReady(c))
    return undefined;
  const why = c.OATIE_CHAT === 'slack' ? 'OATIE_CHAT=slack' : 'another SLACK_ variable is set';
  if (c.SLACK_BOT_TOKEN === undefined)
    return `SLACK_BOT_TOKEN: required for Slack (${why}); set it, or set OATIE_CHAT=console`;
  return `SLACK_SIGNING_SECRET: required for Slack over HTTP (${why}); set it, or SLACK_APP_TOKEN for Socket Mode, or OATIE_CHAT=console`;
}
