import fs from 'node:fs';
import path from 'node:path';

const GROUP_OR_OTHER = 0o077;
const posix = process.platform !== 'win32';

/**
 * Creates `dir` if needed and makes it and everything below it owner-only (0700 folders, 0600 files), whatever
 * the umask: the data folder holds watchlists, ticks, orders and job payloads. Symbolic links are left alone.
 * Returns how many entries were readable or writable by others before (always 0 on Windows: no POSIX modes).
 */
export function makeOwnerOnly(dir: string): number {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!posix) return 0;
  let tightened = 0;
  const visit = (entry: string) => {
    const stat = fs.lstatSync(entry, { throwIfNoEntry: false });
    if (!stat || stat.isSymbolicLink()) return;
    if ((stat.mode & GROUP_OR_OTHER) !== 0) {
      fs.chmodSync(entry, stat.isDirectory() ? 0o700 : 0o600);
      tightened++;
    }
    if (stat.isDirectory()) for (const name of fs.readdirSync(entry)) visit(path.join(entry, name));
  };
  visit(dir);
  return tightened;
}

/** Creates `dir` owner-only (0700) whatever the umask, for folders made after the start (logs, exports). */
export function ensureOwnerOnlyDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (posix) fs.chmodSync(dir, 0o700);
}

/**
 * Creates `file` empty and 0600 when it does not exist yet: SQLite creates a database 0644 less the umask, and its
 * -wal and -shm files take the database's mode, so an empty owner-only file first keeps all three private.
 */
export function ensureOwnerOnlyFile(file: string): void {
  ensureOwnerOnlyDir(path.dirname(file));
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  if (posix) fs.chmodSync(file, 0o600);
}
