// The bot's entry point (`npm start`, `node dist/main.js`, `npm run dev`): V8 is tuned for a bot before
// anything else loads (src/core/v8-tuning.ts), then the composition root starts the bot. The .env file
// is read first: whether DATABASE_URL is set (the Postgres store or the embedded one) tunes V8.
import { existsSync } from 'node:fs';
import { tuneForStartUp } from './core/v8-tuning.js';

if (existsSync('.env')) process.loadEnvFile('.env');
tuneForStartUp({ embedded: (process.env.DATABASE_URL ?? '').trim() === '' });
await import('./start-bot.js');
