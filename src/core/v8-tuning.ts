// V8 tuned for a chat bot, each setting measured on a 2-core machine (README, "How it starts"). V8 reads
// these flags as it goes, so they are set by the entry point before anything else loads, and one is
// turned off again once the bot is ready.
import { setFlagsFromString } from 'node:v8';

/**
 * The embedded store's WebAssembly runs on V8's baseline compiler (Liftoff) only. Its optimising
 * tier compiled PGlite's hot functions on the two cores during start-up, and the main thread waited
 * about 0.3 s for it; queries are about a fifth slower afterwards, a few µs each. The only other
 * WebAssembly is the small HTTP parser of Node's fetch. Also given to the initdb child process
 * (src/store/pglite-data-dir.ts) and set in the test workers.
 */
export const WASM_BASELINE_ONLY = '--liftoff-only';

/**
 * Before anything loads:
 * - the young generation does not grow: V8 lets it grow to 32 MiB (two 16 MiB semi-spaces) once
 *   allocation is brisk, as while the modules load, and keeps it for good, though a chat bot's requests
 *   each allocate a few kilobytes. At 1 MiB it costs more frequent, shorter scavenges;
 * - WebAssembly on the baseline compiler only (WASM_BASELINE_ONLY).
 * Returns the flags set: V8 takes a code cache only with the flags it was made with, so these are
 * part of its key (src/core/code-cache.ts).
 */
export function tuneForStartUp(): string[] {
  const flags = ['--semi-space-growth-factor=1', WASM_BASELINE_ONLY];
  for (const flag of flags) setFlagsFromString(flag);
  return flags;
}

/**
 * While the modules load, on the Postgres store: `--optimize-for-size`, so that the heap grows in small
 * steps and the bot settles about 10 MiB smaller at idle. Not with the embedded store, whose process is
 * measured against 250 MB, not 120–150: there the flag's extra collections cost about 90 ms of the
 * start (ready 1029 → 937 ms, median of 21, from an existing data directory). Set after the bundle is
 * compiled, so that one code cache serves both stores.
 */
export function tuneForLoading(store: { embedded: boolean }): void {
  if (!store.embedded) setFlagsFromString('--optimize-for-size');
}

/**
 * Once ready, the heap may grow for speed again: kept small under load, its frequent major
 * collections paused the front door's thread, and acks at 2,000 a second took up to 0.5–1 s (p99).
 */
export function tuneForService(): void {
  // Also the flags of start-up again, as the code cache was made with them (saved after this).
  setFlagsFromString('--no-optimize-for-size');
}
