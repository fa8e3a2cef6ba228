// Every setting the bot reads is documented: in .env.example and in the README's configuration table.
import { readFile } from 'node:fs/promises';
import { envSchema } from '../../src/config/env.js';
import { ROOT } from '../support/run-bot.js';

describe('the documentation of settings', () => {
  const variables = Object.keys(envSchema.shape);

  it('lists every variable in .env.example with a comment', async () => {
    const example = await readFile(`${ROOT}/.env.example`, 'utf8');
    for (const name of variables) {
      const lines = example.split('\n');
      const index = lines.findIndex((l) => new RegExp(`^#?\\s?${name}=`).test(l));
      expect({ name, found: index >= 0 }).toEqual({ name, found: true });
      expect({ name, commented: (lines[index - 1] ?? '').startsWith('#') }).toEqual({
        name,
        commented: true,
      });
    }
  });

  it('lists every variable in the README', async () => {
    const readme = await readFile(`${ROOT}/README.md`, 'utf8');
    for (const name of variables)
      expect({ name, documented: readme.includes(`\`${name}\``) }).toEqual({ name, documented: true });
  });
});
