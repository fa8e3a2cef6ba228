// `auth token <jwt>`: "Invalid JWT Token" — format, header, claims, expiry in words and clock skew.
// Answered to the caller only, and the token and its signature are never repeated.
import { shorten, type Block, type Field } from '../chat/message.js';
import { defineCommand, toCaller } from '../commands/handler.js';
import { formatDuration } from '../core/duration.js';
import { inspectJwt, numericDate, type JwtInspection } from './jwt-inspect.js';
import { ago, utc } from './relative-time.js';
import { verdict, worst, type Finding, type Level } from './verdict.js';

const STANDARD_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'jti'];
const MAX_OTHER_CLAIMS = 10;

function timeFindings(claims: Record<string, unknown>, now: Date, toleranceSeconds: number): Finding[] {
  const findings: Finding[] = [];
  const tolerance = toleranceSeconds * 1000;
  const skewHint = `beyond JWT_CLOCK_TOLERANCE (${formatDuration(tolerance)}): the issuer's clock and this server's disagree — check time synchronisation (ntpdate -q pool.ntp.org)`;
  const exp = numericDate(claims, 'exp');
  if ('exp' in claims && exp === undefined)
    findings.push({ level: 'bad', text: 'The exp claim is not a number of seconds.' });
  else if (exp === undefined) findings.push({ level: 'warn', text: 'It never expires (no exp claim).' });
  else if (exp.getTime() + tolerance <= now.getTime())
    findings.push({
      level: 'bad',
      text: `It expired ${ago(exp, now)} (${utc(exp)}), beyond JWT_CLOCK_TOLERANCE (${formatDuration(tolerance)}): refresh it with the refresh token (POST /auth/refresh).`,
    });
  else if (exp <= now) {
    // The platform accepts exp up to the tolerance late, as it does iat and nbf early.
    const late = Math.floor((now.getTime() - exp.getTime()) / 1000);
    findings.push({
      level: 'warn',
      text: `It expired ${late} s ago (${utc(exp)}); still accepted for another ${toleranceSeconds - late} s (JWT_CLOCK_TOLERANCE ${toleranceSeconds} s): refresh it now (POST /auth/refresh).`,
    });
  } else
    findings.push({
      level: 'ok',
      text: `It expires in ${formatDuration(exp.getTime() - now.getTime())} (${utc(exp)}).`,
    });

  const iat = numericDate(claims, 'iat');
  if (iat && iat.getTime() - now.getTime() > tolerance) {
    findings.push({
      level: 'bad',
      text: `It was issued ${formatDuration(iat.getTime() - now.getTime())} in the future, ${skewHint}.`,
    });
  } else if (iat && iat > now) {
    findings.push({
      level: 'info',
      text: `It was issued ${formatDuration(iat.getTime() - now.getTime())} in the future, within the clock tolerance.`,
    });
  }
  const nbf = numericDate(claims, 'nbf');
  if (nbf && nbf.getTime() - now.getTime() > tolerance) {
    findings.push({
      level: 'bad',
      text: `It is not valid before ${utc(nbf)} (in ${formatDuration(nbf.getTime() - now.getTime())}), ${skewHint}.`,
    });
  }
  return findings;
}

function findingsOf(inspection: JwtInspection, now: Date, toleranceSeconds: number): Finding[] {
  const findings: Finding[] = [];
  if (inspection.problem) findings.push({ level: 'bad', text: inspection.problem.detail });
  if (inspection.header?.alg === 'none')
    findings.push({ level: 'bad', text: 'Its algorithm is "none": it is not signed.' });
  if (inspection.claims) findings.push(...timeFindings(inspection.claims, now, toleranceSeconds));
  if (!inspection.bearer) {
    findings.push({
      level: 'info',
      text: 'It was pasted without the `Bearer ` prefix; the Authorization header must read `Bearer <token>`.',
    });
  }
  return findings;
}

function claimValue(value: unknown): string {
  if (typeof value === 'string') return shorten(value, 60);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value))
    return shorten(value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', '), 60);
  return value === null ? 'null' : '{…}';
}

function claimFields(inspection: JwtInspection, now: Date): Field[] {
  const fields: Field[] = [];
  const header = inspection.header ?? {};
  for (const name of ['alg', 'typ', 'kid']) {
    if (name in header) fields.push({ label: `header ${name}`, value: claimValue(header[name]) });
  }
  const claims = inspection.claims ?? {};
  for (const name of STANDARD_CLAIMS) {
    if (!(name in claims)) continue;
    const moment = numericDate(claims, name);
    fields.push({
      label: name,
      value: moment ? `${utc(moment)} (${ago(moment, now)})` : claimValue(claims[name]),
    });
  }
  const others = Object.keys(claims).filter((k) => !STANDARD_CLAIMS.includes(k));
  for (const name of others.slice(0, MAX_OTHER_CLAIMS))
    fields.push({ label: shorten(name, 30), value: claimValue(claims[name]) });
  if (others.length > MAX_OTHER_CLAIMS)
    fields.push({ label: 'more claims', value: String(others.length - MAX_OTHER_CLAIMS) });
  if (inspection.signatureBytes !== undefined) {
    fields.push({
      label: 'signature',
      value: `${inspection.signatureBytes} bytes, present (not verified here: the bot does not hold the key)`,
    });
  }
  return fields;
}

/** Seconds the platform still accepts an expired token for (JWT_CLOCK_TOLERANCE), if it is in them. */
function graceLeft(inspection: JwtInspection, now: Date, toleranceSeconds: number): number | undefined {
  const exp = inspection.claims ? numericDate(inspection.claims, 'exp') : undefined;
  if (exp === undefined || exp > now) return undefined;
  const left = toleranceSeconds - Math.floor((now.getTime() - exp.getTime()) / 1000);
  return left > 0 ? left : undefined;
}

function headline(level: Level, inspection: JwtInspection, grace: number | undefined): string {
  if (inspection.problem) return 'This token is malformed.';
  if (level === 'bad') return 'This token will be rejected.';
  if (grace !== undefined)
    return `This token has expired but is still accepted for another ${grace} s (clock tolerance).`;
  if (level === 'warn') return 'This token is well-formed, with a caveat.';
  return 'This token is well-formed and within its validity period (signature not checked).';
}

export const authToken = defineCommand('auth token', ({ args, services }) => {
  const now = services.now();
  const inspection = inspectJwt(args.token);
  const findings = findingsOf(inspection, now, services.config.JWT_CLOCK_TOLERANCE);
  const level = worst(findings.map((f) => f.level).filter((l) => l !== 'info'));
  const grace = graceLeft(inspection, now, services.config.JWT_CLOCK_TOLERANCE);
  const summary = verdict(level === 'info' ? 'ok' : level, headline(level, inspection, grace));
  const blocks: Block[] = [
    { kind: 'header', text: 'JWT inspection (only you see this)' },
    { kind: 'section', text: summary },
    { kind: 'section', text: findings.map((f) => verdict(f.level, f.text)).join('\n') },
  ];
  const fields = claimFields(inspection, now);
  if (fields.length > 0) blocks.push({ kind: 'fields', fields });
  blocks.push({
    kind: 'context',
    text: 'The token is not stored or logged. Tokens are credentials: avoid pasting live ones in shared channels.',
  });
  return Promise.resolve(toCaller({ text: summary, blocks }));
});
