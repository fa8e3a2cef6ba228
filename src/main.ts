// The bot's entry point (`npm start`, `node dist/main.js`, `npm run dev`). Before anything is loaded,
// the young generation is kept from growing: V8 lets it grow to 32 MiB (two 16 MiB semi-spaces) once
// allocation is brisk, as while the modules load, and keeps it for good, though a chat bot's requests
// each allocate a few kilobytes. At 1 MiB it costs more frequent, shorter scavenges of the main thread,
// whose pauses never hold up an ack (they are written on the front door's thread, src/http/front-door.ts).
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--semi-space-growth-factor=1');
await import('./start-bot.js');
