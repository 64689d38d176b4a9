import fs from 'node:fs';
import path from 'node:path';
import { PredefinedUniverseFileSchema, type PredefinedUniverseFile } from '../../../shared/domain/universes';
import { parseOrThrow } from './parse';

/**
 * The predefined universes in `<resourcesDir>/universes/*.json`, in file-name order; none when the folder is absent.
 * Read by the imports (the universes a user picks) and by the demo simulator (which lists every member). A file that
 * is not a universe file, or names another id than its own, stops the start: the shipped files are the product's.
 */
export function loadUniverseFiles(resourcesDir: string): PredefinedUniverseFile[] {
  const dir = path.join(resourcesDir, 'universes');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const where = path.join(dir, file);
      const parsed = parseOrThrow(
        PredefinedUniverseFileSchema,
        JSON.parse(fs.readFileSync(where, 'utf8')),
        `${where} is not a universe file`,
      );
      if (`${parsed.id}.json` !== file) throw new Error(`${where} holds the universe ${parsed.id}`);
      return parsed;
    });
}
