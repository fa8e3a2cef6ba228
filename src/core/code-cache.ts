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

/** Below the length from which Node keeps a decoded text outside V8's heap (about 1 MB). */
const TEXT_PIECE = 64 * 1024;

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
 * A whole file, in memory that V8 maps for WebAssembly rather than in a Buffer. The bundle (3.4 MB)
 * and its cache (1.4 MB) are read once each at start; a Buffer that large comes from glibc's malloc,
 * and freeing it made glibc keep 5–12 MB more of the process's later allocations (its threshold for
 * separately mapped blocks rises to the size of the largest one freed). This memory goes back to the
 * system once it is no longer referenced.
 */
function readOutsideMalloc(file: string): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const pages = Math.max(1, Math.ceil(size / 65_536));
    const bytes = new Uint8Array(new WebAssembly.Memory({ initial: pages, maximum: pages }).buffer, 0, size);
    let read = 0;
    for (let n = -1; read < size && n !== 0; read += n) n = readSync(fd, bytes, read, size - read, read);
    if (read !== size) throw new Error(`${file} changed while it was read`);
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/** The cache's bytes; undefined when there is none, or it cannot be read (the start compiles without one). */
function readCache(file: string): Uint8Array | undefined {
  try {
    return readOutsideMalloc(file);
  } catch {
    return undefined;
  }
}

/**
 * The bundle's text: ASCII (esbuild escapes the rest), decoded as latin1 in pieces of 64 KiB. Node
 * decodes a longer text into memory of its own outside V8's heap, from malloc again.
 */
function asText(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: string[] = [];
  for (let at = 0; at < buffer.length; at += TEXT_PIECE)
    parts.push(buffer.toString('latin1', at, at + TEXT_PIECE));
  return parts.join('');
}

/** Compiles the CommonJS bundle at `bundle` (an absolute path), with its code cache at `cache` if there is one. */
export function compileBundle(bundle: string, cache: string): CompiledBundle {
  const source = asText(readOutsideMalloc(bundle));
  const cacheBytes = readCache(cache);
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
