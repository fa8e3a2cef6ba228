// Decodes a pasted JWT without a library and without its key: format problems, header, claims,
// expiry and clock skew. Never returns the token or its signature, only facts about them.
import { z } from 'zod';

export type JwtProblem = 'not-a-jwt' | 'encrypted' | 'truncated' | 'bad-base64' | 'bad-json' | 'unsigned';

export interface JwtInspection {
  /** Whether the text started with `Bearer ` (what an Authorization header needs). */
  bearer: boolean;
  segments: number;
  problem?: { kind: JwtProblem; detail: string };
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  signatureBytes?: number;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const jsonObject = z.record(z.string(), z.unknown());

/** Strips what people paste around a token: quotes, `Authorization:`, `Bearer `. */
function unwrap(input: string): { token: string; bearer: boolean } {
  let text = input
    .trim()
    .replace(/^["'`]+|["'`]+$/g, '')
    .trim();
  text = text.replace(/^authorization\s*:\s*/i, '');
  const bearer = /^bearer\s+/i.test(text);
  if (bearer) text = text.replace(/^bearer\s+/i, '');
  return { token: text.trim(), bearer };
}

type Decoded = { ok: true; value: Record<string, unknown> } | { ok: false; kind: JwtProblem; detail: string };

function decodeSegment(segment: string, name: string): Decoded {
  if (!BASE64URL.test(segment)) {
    const hint = /[+/=]/.test(segment) ? ' (it uses standard base64 characters + / =, not base64url)' : '';
    return { ok: false, kind: 'bad-base64', detail: `The ${name} is not base64url${hint}.` };
  }
  // A base64 text of length 4n+1 cannot come from whole bytes: the token was cut.
  if (segment.length % 4 === 1)
    return {
      ok: false,
      kind: 'truncated',
      detail: `The ${name} is cut short (its length is impossible for base64url).`,
    };
  const text = Buffer.from(segment, 'base64url').toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {
      ok: false,
      kind: 'bad-json',
      detail: `The ${name} does not decode to JSON: the token is damaged or truncated.`,
    };
  }
  const parsed = jsonObject.safeParse(json);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, kind: 'bad-json', detail: `The ${name} is JSON but not an object.` };
}

function segmentProblem(parts: string[]): JwtInspection['problem'] {
  if (parts.length === 5)
    return {
      kind: 'encrypted',
      detail: 'This is an encrypted token (JWE, 5 parts): its claims cannot be read without the key.',
    };
  if (parts.length === 2)
    return {
      kind: 'truncated',
      detail:
        'The token has 2 parts instead of 3: the signature is missing (cut off when copied or logged?).',
    };
  if (parts.length !== 3) {
    return {
      kind: 'not-a-jwt',
      detail: `This is not a JWT: it has ${parts.length} part(s) separated by dots; a JWT has 3 (header.claims.signature).`,
    };
  }
  return undefined;
}

export function inspectJwt(input: string): JwtInspection {
  const { token, bearer } = unwrap(input);
  const parts = token.split('.');
  const result: JwtInspection = { bearer, segments: parts.length };
  if (/\s/.test(token)) {
    return {
      ...result,
      problem: {
        kind: 'not-a-jwt',
        detail: 'The token contains spaces or line breaks: it was wrapped or pasted with other text.',
      },
    };
  }
  const shape = segmentProblem(parts);
  if (shape) return { ...result, problem: shape };
  const [headerPart = '', claimsPart = '', signature = ''] = parts;
  const header = decodeSegment(headerPart, 'header');
  if (!header.ok) return { ...result, problem: { kind: header.kind, detail: header.detail } };
  const claims = decodeSegment(claimsPart, 'claims part');
  if (!claims.ok)
    return { ...result, header: header.value, problem: { kind: claims.kind, detail: claims.detail } };
  const inspected = { ...result, header: header.value, claims: claims.value };
  if (!BASE64URL.test(signature)) {
    return { ...inspected, problem: { kind: 'bad-base64', detail: 'The signature is not base64url.' } };
  }
  if (signature === '') {
    return {
      ...inspected,
      problem: {
        kind: 'unsigned',
        detail: 'The token has no signature: every service verifying it must reject it.',
      },
    };
  }
  return { ...inspected, signatureBytes: Buffer.from(signature, 'base64url').length };
}

/** A NumericDate claim (seconds since 1970) as a Date; undefined when absent or not a number. */
export function numericDate(claims: Record<string, unknown>, name: string): Date | undefined {
  const value = claims[name];
  return typeof value === 'number' && Number.isFinite(value) ? new Date(value * 1000) : undefined;
}
