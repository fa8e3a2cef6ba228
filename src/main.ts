// The bot's entry point (`npm start`, `node dist/main.js`, `npm run dev`). V8 is tuned for a chat bot
// before anything is loaded (each flag measured on a 2-core machine; see the README's Performance):
// - the young generation does not grow: V8 lets it grow to 32 MiB (two 16 MiB semi-spaces) once
//   allocation is brisk, as while the modules load, and keeps it for good, though a chat bot's requests
//   each allocate a few kilobytes. At 1 MiB it costs more frequent, shorter scavenges of the main
//   thread, whose pauses never hold up an ack (they are written on the front door's thread);
// - `--optimize-for-size`: smaller heap growth and code; about 10 MiB less at idle;
// - `--liftoff-only`: the embedded store's WebAssembly runs on V8's baseline compiler only. Its
//   optimising tier compiled PGlite's hot functions on the two cores during start-up, and the main
//   thread waited about 0.3 s for it; queries are about a fifth slower afterwards, a few µs each.
//   The only other WebAssembly is the small HTTP parser of Node's fetch.
import { setFlagsFromString } from 'node:v8';

for (const flag of ['--semi-space-growth-factor=1', '--optimize-for-size', '--liftoff-only'])
  setFlagsFromString(flag);
await import('./start-bot.js');
