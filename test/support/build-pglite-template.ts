// `node --import tsx test/support/build-pglite-template.ts <dir>`: the test run's migrated PGlite data
// directory (see pglite-template.ts), built as `npm run build` builds the bot's.
import { migrations } from '../../src/app.js';
import { buildTemplate } from '../../src/store/pglite-data-dir.js';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: build-pglite-template.ts <dir>');
await buildTemplate(migrations, dir);
