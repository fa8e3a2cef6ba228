// `npm run teams:manifest`: writes dist/teams/oatie-ops-teams.zip (manifest.json with the bot's app id
// from MICROSOFT_APP_ID, `--domain <host>` for the bot's public host, and the icons of manifests/teams/), ready to upload in Teams (Apps → Manage
// your apps → Upload an app). `npm run teams:manifest -- --icons` draws the two icons again.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { drawIcons, fillManifest, zip } from './app-package.js';

const DIR = fileURLToPath(new URL('../../../manifests/teams/', import.meta.url));
const OUT = 'dist/teams/oatie-ops-teams.zip';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  if (process.argv.includes('--icons')) {
    const icons = drawIcons();
    await writeFile(`${DIR}color.png`, icons.color);
    await writeFile(`${DIR}outline.png`, icons.outline);
    process.stdout.write(`icons written to ${DIR}\n`);
    return;
  }
  const appId = process.env.MICROSOFT_APP_ID?.trim() ?? '';
  if (!GUID.test(appId)) {
    process.stderr.write(
      'teams:manifest: set MICROSOFT_APP_ID to the bot’s Microsoft App ID (a GUID) first.\n',
    );
    process.exit(2);
  }
  const flag = process.argv.indexOf('--domain');
  const domain = flag >= 0 ? process.argv[flag + 1]?.trim() : undefined;
  const manifest = fillManifest(await readFile(`${DIR}manifest.json`, 'utf8'), { appId, domain });
  const archive = zip([
    { name: 'manifest.json', data: Buffer.from(manifest, 'utf8') },
    { name: 'color.png', data: await readFile(`${DIR}color.png`) },
    { name: 'outline.png', data: await readFile(`${DIR}outline.png`) },
  ]);
  await mkdir('dist/teams', { recursive: true });
  await writeFile(OUT, archive);
  process.stdout.write(
    `${OUT} written (${archive.length} bytes): upload it in Teams → Apps → Manage your apps → Upload an app.\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`teams:manifest: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
