import fs from 'node:fs';
import path from 'node:path';
import { writePrivateFile } from '../common/files';

/**
 * Where secrets (the Upstox access token) are kept, outside the database. The desktop app passes a vault
 * backed by the OS keychain (Electron safeStorage); headless mode keeps them in a file only its user can read.
 */
export interface SecretVault {
  readonly storage: 'os-encrypted' | 'file-0600';
  read(name: string): { value: string; updatedAt: number } | null;
  write(name: string, value: string, now: number): void;
  remove(name: string): void;
}

interface StoredSecret {
  value: string;
  updatedAt: number;
}

/** Headless vault: one JSON file, mode 0600, in the data folder. */
export function createFileVault(dataDir: string): SecretVault {
  const file = path.join(dataDir, 'secrets.json');
  const load = (): Record<string, StoredSecret> => {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, StoredSecret>;
    } catch {
      return {};
    }
  };
  return {
    storage: 'file-0600',
    read: (name) => load()[name] ?? null,
    write(name, value, now) {
      writePrivateFile(file, JSON.stringify({ ...load(), [name]: { value, updatedAt: now } }));
    },
    remove(name) {
      const all = load();
      if (!(name in all)) return;
      delete all[name];
      writePrivateFile(file, JSON.stringify(all));
    },
  };
}

/** Encryption the desktop shell provides (Electron safeStorage); the engine never imports Electron itself. */
export interface SecretCipher {
  encrypt(plain: string): Buffer;
  decrypt(cipher: Buffer): string;
}

/** Desktop vault: each secret encrypted by the OS keychain, stored as a 0600 file. */
export function createEncryptedVault(dataDir: string, cipher: SecretCipher): SecretVault {
  const dir = path.join(dataDir, 'secrets');
  const fileOf = (name: string) => path.join(dir, `${name.replace(/[^\w-]/g, '_')}.bin`);
  return {
    storage: 'os-encrypted',
    read(name) {
      try {
        const file = fileOf(name);
        return { value: cipher.decrypt(fs.readFileSync(file)), updatedAt: fs.statSync(file).mtimeMs };
      } catch {
        return null;
      }
    },
    write(name, value) {
      writePrivateFile(fileOf(name), cipher.encrypt(value));
    },
    remove(name) {
      fs.rmSync(fileOf(name), { force: true });
    },
  };
}
