// The Teams app package: manifest.json with the bot's app id filled in, and the two icons, in a zip
// Teams can sideload. Written with node:zlib alone (deflate + CRC-32), so packaging needs no extra
// dependency; the icons themselves are drawn the same way (drawIcons) and kept in manifests/teams/.
import { deflateRawSync, deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export interface ZipEntry {
  name: string;
  data: Buffer;
}

/** A zip archive (deflated entries, no directories), as Teams' app upload reads it. */
export function zip(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const packed = deflateRawSync(entry.data);
    const crc = crc32(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(0, 10); // time and date: none (reproducible packages)
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(0, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** An RGBA PNG of `size`×`size` whose pixels `paint` gives as [r, g, b, a]. */
export function png(size: number, paint: (x: number, y: number) => [number, number, number, number]): Buffer {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y += 1) {
    const row = y * (size * 4 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < size; x += 1) raw.set(paint(x, y), row + 1 + x * 4);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Whether (x, y) is on a ring around the centre of a `size` square (the "O" of oatie). */
const onRing = (x: number, y: number, size: number, outer: number, inner: number): boolean => {
  const c = (size - 1) / 2;
  const d = Math.hypot(x - c, y - c);
  return d <= outer * size && d >= inner * size;
};

/** Teams' two icons: colour (192×192, full bleed) and outline (32×32, white on transparent). */
export function drawIcons(): { color: Buffer; outline: Buffer } {
  const color = png(192, (x, y) => (onRing(x, y, 192, 0.34, 0.2) ? [255, 159, 28, 255] : [31, 45, 61, 255]));
  const outline = png(32, (x, y) => (onRing(x, y, 32, 0.42, 0.26) ? [255, 255, 255, 255] : [0, 0, 0, 0]));
  return { color, outline };
}

/** manifest.json with the placeholders `{{MICROSOFT_APP_ID}}` and `{{BOT_DOMAIN}}` filled in. */
export function fillManifest(template: string, values: { appId: string; domain?: string }): string {
  const manifest = template
    .replaceAll('{{MICROSOFT_APP_ID}}', values.appId)
    .replaceAll('{{BOT_DOMAIN}}', values.domain ?? 'oatie-ops.example.com');
  JSON.parse(manifest); // a template edited by hand must still be JSON
  return manifest;
}
