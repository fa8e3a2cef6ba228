// The Teams app package: a manifest Teams accepts (the bot's id filled in, commands the bot knows),
// icons of the sizes Teams asks for, and a zip whose entries read back intact.
import { readFile } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import { crc32, fillManifest, zip } from '../../../src/chat/teams/app-package.js';
import { catalog } from '../../../src/commands/catalog.js';
import { parseCommand } from '../../../src/commands/parse.js';

const DIR = new URL('../../../manifests/teams/', import.meta.url);
const APP_ID = '0b0e0000-0000-4000-8000-0000000000b0';

interface Manifest {
  id: string;
  icons: { color: string; outline: string };
  bots: Array<{
    botId: string;
    scopes: string[];
    commandLists: Array<{ commands: Array<{ title: string }> }>;
  }>;
}

/** Width and height from a PNG's IHDR, after checking its signature. */
function pngSize(data: Buffer): [number, number] {
  expect(data.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(data.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return [data.readUInt32BE(16), data.readUInt32BE(20)];
}

/** The entries of a zip, read from its local headers and inflated, each checked against its CRC. */
function unzip(archive: Buffer): Map<string, Buffer> {
  const entries = new Map<string, Buffer>();
  let at = 0;
  while (archive.readUInt32LE(at) === 0x04034b50) {
    const packed = archive.readUInt32LE(at + 18);
    const nameLength = archive.readUInt16LE(at + 26);
    const name = archive.subarray(at + 30, at + 30 + nameLength).toString('utf8');
    const start = at + 30 + nameLength + archive.readUInt16LE(at + 28);
    const data = inflateRawSync(archive.subarray(start, start + packed));
    expect(crc32(data)).toBe(archive.readUInt32LE(at + 14));
    entries.set(name, data);
    at = start + packed;
  }
  expect(archive.readUInt32LE(archive.length - 22)).toBe(0x06054b50);
  expect(archive.readUInt16LE(archive.length - 12)).toBe(entries.size);
  return entries;
}

describe('the Teams app package', () => {
  it('fills the bot id into a manifest that lists commands the bot parses', async () => {
    const manifest = JSON.parse(
      fillManifest(await readFile(new URL('manifest.json', DIR), 'utf8'), { appId: APP_ID }),
    ) as Manifest;
    expect(manifest.id).toBe(APP_ID);
    const [bot] = manifest.bots;
    expect(bot?.botId).toBe(APP_ID);
    expect(bot?.scopes).toEqual(['personal', 'team', 'groupChat']);
    const titles = bot?.commandLists.flatMap((l) => l.commands.map((c) => c.title)) ?? [];
    expect(titles.length).toBeLessThanOrEqual(10); // Teams shows at most 10 per list
    for (const title of titles) {
      const parsed = parseCommand(title);
      // A title is a command, or the start of one that needs its arguments (incident p1 <title>).
      const known =
        parsed.ok || Object.keys(catalog).some((name) => title.startsWith(name.split(' ')[0] ?? name));
      expect({ title, known }).toEqual({ title, known: true });
    }
  });

  it('has a 192×192 colour icon and a 32×32 outline icon', async () => {
    expect(pngSize(await readFile(new URL('color.png', DIR)))).toEqual([192, 192]);
    expect(pngSize(await readFile(new URL('outline.png', DIR)))).toEqual([32, 32]);
  });

  it('writes a zip whose entries read back intact', () => {
    const files = [
      { name: 'manifest.json', data: Buffer.from('{"id":"x"}') },
      { name: 'color.png', data: Buffer.alloc(5000, 7) },
    ];
    const entries = unzip(zip(files));
    expect([...entries.keys()]).toEqual(['manifest.json', 'color.png']);
    expect(entries.get('color.png')).toEqual(files[1]?.data);
  });
});
