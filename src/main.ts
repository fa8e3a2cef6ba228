// The bot's entry point (`npm start`, `node dist/main.js`, `npm run dev`): V8 is tuned for a bot before
// anything else loads (src/core/v8-tuning.ts), then the composition root starts the bot.
import { tuneForStartUp } from './core/v8-tuning.js';

tuneForStartUp();
await import('./start-bot.js');
