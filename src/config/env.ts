// Every setting of the bot, read from the environment (and .env) and validated in one place.
import { z } from 'zod';

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const optionalUrl = (protocols: readonly string[]) =>
  optionalString.refine(
    (v) => v === undefined || (URL.canParse(v) && protocols.includes(new URL(v).protocol)),
    { message: `expected a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
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
  .refine(
    (zone) => {
      try {
        new Intl.DateTimeFormat('en-GB', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'expected an IANA time zone such as UTC or Europe/Paris' },
  );

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
  OATIE_CHAT: z.enum(['auto', 'console', 'slack']).default('auto'),
  // Slack.
  SLACK_BOT_TOKEN: optionalString.refine((v) => v === undefined || v.startsWith('xoxb-'), {
    message: 'expected a bot token starting with xoxb-',
  }),
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString.refine((v) => v === undefined || v.startsWith('xapp-'), {
    message: 'expected an app-level token starting with xapp-',
  }),
  SLACK_API_URL: optionalUrl(['http:', 'https:']),
  // Targets: the systems the bot diagnoses and fixes.
  OATIE_DATABASE_URL: optionalUrl(['postgres:', 'postgresql:']),
  OATIE_REDIS_URL: optionalUrl(['redis:', 'rediss:']),
  OATIE_REDIS_PREFIX: z.string().default(''),
  KUBECONFIG: optionalString,
  OATIE_KUBE_IN_CLUSTER: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  OATIE_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'expected a Kubernetes namespace name')
    .default('oatie'),
  OATIE_API_URL: optionalUrl(['http:', 'https:']),
  OATIE_API_TOKEN: optionalString,
  ORACLE_BI_URL: optionalUrl(['http:', 'https:']),
  OATIE_TARGET_TIMEOUT_MS: int(100, 120_000, 5000),
  JWT_CLOCK_TOLERANCE: int(0, 86_400, 300),
  // Optional status page (Atlassian Statuspage).
  STATUSPAGE_API_KEY: optionalString,
  STATUSPAGE_PAGE_ID: optionalString,
  STATUSPAGE_API_URL: optionalUrl(['http:', 'https:']),
});

export type Config = z.infer<typeof envSchema>;

export type ConfigResult = { ok: true; config: Config } | { ok: false; message: string };

/** Validates the environment; on failure, one message naming every wrong variable and what is expected. */
export function readConfig(env: Record<string, string | undefined>): ConfigResult {
  const parsed = envSchema.safeParse(env);
  if (parsed.success) return { ok: true, config: parsed.data };
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  return { ok: false, message: `Invalid configuration — ${problems.join('; ')}` };
}
