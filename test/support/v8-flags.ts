// Each test worker runs PGlite as the bot does (src/core/v8-tuning.ts): on V8's baseline WebAssembly
// compiler only, so that creating an in-memory store does not also spend the two cores on optimising compiles.
import { setFlagsFromString } from 'node:v8';
import { WASM_BASELINE_ONLY } from '../../src/core/v8-tuning.js';

setFlagsFromString(WASM_BASELINE_ONLY);
