import fs from 'node:fs';
import path from 'node:path';
import { ensureOwnerOnlyDir } from './owner-only';

/** Writes atomically with mode 0600, so a crash never leaves a half-written or world-readable file. */
export function writePrivateFile(file: string, data: string | Buffer): void {
  ensureOwnerOnlyDir(path.dirname(file));
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, data, { mode: 0o600 });
  fs.chmodSync(temp, 0o600);
  fs.renameSync(temp, file);
}
