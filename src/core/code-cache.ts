// Runs the bundled bot (dist/bot.cjs) with V8's code cache: the bytecode of the functions a start
// compiled is saved beside the bundle once the bot is ready, and the next start reads it instead of
// parsing and compiling the bundle again (about 0.1 s of a 2-core machine's start; README, "How it
// starts"). Node 20 has no compile cache of its own for modules, so the bundle is CommonJS, compiled
// here with node:vm. Such a script has no import() of its own once it comes from a cache (Node 20): the
// libraries kept outside the bundle are imported through the entry point (src/core/import-library.ts).
//
// V8 takes a cache only if it was made by the same V8 with the same flags, for a source of the same
// length; it does not compare the text. So a cache file is named after everything that must match: the
// bundle's identity (a hash of its text, given by the build), Node's version, the process's arguments
// and NODE_OPTIONS, and the flags set before the bundle is compiled (src/core/v8-tuning.ts). A cache
// V8 rejects anyway is made again. `npm run build` makes the caches of `npm start` and of
// `node dist/main.js`; a start with other flags writes its own where it may write (an image's dist/
// is read-only: the build's are there).
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import vm from 'node:vm';

/** The one WebAssembly call made here (TypeScript has WebAssembly's types with the DOM's only, left out here). */
declare const WebAssembly: {
  Memory: new (descriptor: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
};

/** Below glibc's threshold for separately mapped blocks (128 KiB). */
const READ_PIECE = 64 * 1024;

export interface CompiledBundle {
  /** The cache of this start: read and used, none there yet, or there but rejected by V8 (made again). */
  cache: 'used' | 'none' | 'rejected';
  /** Runs the bundle; returns what it exports (its CommonJS module.exports). */
  run(): unknown;
  /** Saves the cache if this start had none; call it once the bot is ready, with start-up's V8 flags. */
  saveCache(): void;
}

/** The cache file of `bundle` for this process: a different name for each build, Node, and set of V8 flags. */
export function cacheFile(bundle: string, bundleId: string, flags: readonly string[]): string {
  const key = JSON.stringify([
    bundleId,
    process.version,
    process.arch,
    process.execArgv,
    process.env.NODE_OPTIONS ?? '',
    flags,
  ]);
  return `${bundle}.${createHash('sha256').update(key).digest('hex').slice(0, 16)}.cache`;
}

/**
 * The cache's bytes, or undefined without one, in memory that V8 maps for WebAssembly rather than in
 * a Buffer: a Buffer this large comes from glibc's malloc, and freeing it made glibc keep about 5 MB
 * more of the process's later allocations (see readText). This memory goes back to the system once
 * the cache is read.
 */
function readIfThere(file: string): Uint8Array | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const size = fstatSync(fd).size;
    const pages = Math.max(1, Math.ceil(size / 65_536));
    const bytes = new Uint8Array(new WebAssembly.Memory({ initial: pages, maximum: pages }).buffer, 0, size);
    let read = 0;
    for (let n = -1; read < size && n !== 0; read += n)
      n = readSync(fd, bytes, read, Math.min(READ_PIECE, size - read), read);
    return read === size ? bytes : undefined;
  } catch {
    // None there yet, or not a file that can be read: the start compiles the bundle as without one.
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The bundle's text (ASCII: esbuild escapes the rest), read a piece at a time: reading it whole took
 * a 3 MB block of native memory for a moment, after which glibc kept ~12 MB of the process's later
 * allocations instead of giving them back (its threshold for separately mapped blocks rises to the
 * size of the largest one freed).
 */
function readText(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const piece = Buffer.allocUnsafeSlow(READ_PIECE);
    const parts: string[] = [];
    for (let n = readSync(fd, piece); n > 0; n = readSync(fd, piece))
      parts.push(piece.toString('latin1', 0, n));
    return parts.join('');
  } finally {
    closeSync(fd);
  }
}

/** Compiles the CommonJS bundle at `bundle` (an absolute path), with its code cache at `cache` if there is one. */
export function compileBundle(bundle: string, cache: string): CompiledBundle {
  const source = readText(bundle);
  const cacheBytes = readIfThere(cache);
  // The bundle runs as a CommonJS module would: Node's own wrapper, parameters and all.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    cachedData: cacheBytes,
  });
  const state = cacheBytes === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
  let saved = state === 'used';
  return {
    cache: state,
    run() {
      const module = { exports: {} as unknown };
      const wrapper = script.runInThisContext() as (
        exports: unknown,
        require: NodeJS.Require,
        module: { exports: unknown },
        filename: string,
        dirname: string,
      ) => void;
      wrapper(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
      return module.exports;
    },
    saveCache() {
      if (saved) return;
      saved = true;
      // Written whole, then renamed: two starts at once never read half a cache.
      const partial = `${cache}.${process.pid}`;
      try {
        writeFileSync(partial, script.createCachedData());
        renameSync(partial, cache);
      } catch {
        // A read-only installation (the image's dist/) runs without a cache: only slower to start.
        rmSync(partial, { force: true });
      }
    },
  };
}
