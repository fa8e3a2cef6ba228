// Each test worker runs PGlite as the bot does (src/main.ts): on V8's baseline WebAssembly compiler only,
// so that creating an in-memory store does not also spend the two cores on optimising compiles.
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--liftoff-only');
