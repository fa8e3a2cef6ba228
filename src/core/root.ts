// The project's root folder (the repository, or /app in the image): the nearest folder above this module
// that holds package.json. Found by walking up, so it is the same from src/ (tsx), from dist/ compiled
// file by file, and from the bundle in dist/ (where every module shares the bundle's location).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const ROOT = findRoot(fileURLToPath(import.meta.url));
