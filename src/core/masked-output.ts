// Every line the process writes passes the one masker (src/core/secrets.ts): standard output and
// standard error — start-up errors, warnings, a library's console.log — and an uncaught error,
// which Node would otherwise print (with its message and stack) straight to the file descriptor.
import { maskSecrets } from './secrets.js';

function masking(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  const masked = (chunk: unknown, ...rest: unknown[]): boolean => {
    const text =
      typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString() : chunk;
    return write(typeof text === 'string' ? maskSecrets(text) : text, ...rest);
  };
  stream.write = masked;
}

let installed = false;

/** Masks whatever this process writes from now on; `onFatal` ends the process after an uncaught error. */
export function maskProcessOutput(onFatal: (message: string) => void): void {
  if (installed) return;
  installed = true;
  masking(process.stdout);
  masking(process.stderr);
  const fatal = (error: unknown): void =>
    onFatal(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
}
