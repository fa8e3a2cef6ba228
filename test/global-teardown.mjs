// Removes what global-setup.mjs made.
import { rmSync } from 'node:fs';

export default function globalTeardown() {
  const root = process.env.OATIE_TEST_RUN_DIR;
  if (root !== undefined) rmSync(root, { recursive: true, force: true });
}
