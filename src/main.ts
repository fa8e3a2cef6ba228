// The bot's entry point (`npm start`, `node dist/main.js`, `npm run dev`): V8 is tuned for a bot before
// anything else loads (src/core/v8-tuning.ts), then the composition root starts the bot. The .env file
// is read first: whether DATABASE_URL is set (the Postgres store or the embedded one) tunes V8.
// Built (dist/main.js), it runs the bundled bot beside it with V8's code cache (src/core/code-cache.ts);
// from the sources (`npm run dev`), the composition root itself.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tuneForLoading, tuneForStartUp } from './core/v8-tuning.js';

/** Set by `npm run build` in dist/main.js only: the bundle beside it, and a hash of its text. */
declare const OATIE_BOT_BUNDLE: { file: string; id: string } | undefined;

if (existsSync('.env')) process.loadEnvFile('.env');
const flags = tuneForStartUp();
const store = { embedded: (process.env.DATABASE_URL ?? '').trim() === '' };
const bundle = typeof OATIE_BOT_BUNDLE === 'undefined' ? undefined : OATIE_BOT_BUNDLE;
if (bundle === undefined) {
  tuneForLoading(store);
  const { startBot } = await import('./start-bot.js');
  startBot();
} else {
  const { cacheFile, compileBundle } = await import('./core/code-cache.js');
  const file = fileURLToPath(new URL(bundle.file, import.meta.url));
  const compiled = compileBundle(file, cacheFile(file, bundle.id, flags));
  tuneForLoading(store);
  const { startBot } = compiled.run() as typeof import('./start-bot.js');
  startBot({
    importLibrary: (specifier) => import(specifier),
    codeCache: compiled.cache,
    onReady: () => compiled.saveCache(),
  });
}
