// Errors are values with codes: callers branch on the code, adapters turn each code into a clear message.

export const ErrorCode = {
  BadArgument: 'BAD_ARGUMENT',
  UnknownCommand: 'UNKNOWN_COMMAND',
  NotConfigured: 'NOT_CONFIGURED',
  TargetDown: 'TARGET_DOWN',
  Timeout: 'TIMEOUT',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  Conflict: 'CONFLICT',
  NotAvailable: 'NOT_AVAILABLE',
  Internal: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error the user can read: its message is safe to show in a channel (no secrets, no stack). */
export class OpsError extends Error {
  readonly code: ErrorCode;
  /** A usage line or hint shown under the message. */
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, hint?: string) {
    super(message);
    this.name = 'OpsError';
    this.code = code;
    this.hint = hint;
  }
}

export const badArgument = (message: string, hint?: string): OpsError =>
  new OpsError(ErrorCode.BadArgument, message, hint);
export const notConfigured = (what: string, variable: string): OpsError =>
  new OpsError(ErrorCode.NotConfigured, `${what} is not configured: set ${variable}.`);
export const forbidden = (message: string): OpsError => new OpsError(ErrorCode.Forbidden, message);
export const notFound = (message: string, hint?: string): OpsError =>
  new OpsError(ErrorCode.NotFound, message, hint);
export const conflict = (message: string): OpsError => new OpsError(ErrorCode.Conflict, message);

export function isOpsError(error: unknown): error is OpsError {
  return error instanceof OpsError;
}

/** A short description of any thrown value, for logs (never for channels). */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
