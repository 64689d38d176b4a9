import fs from 'node:fs';
import path from 'node:path';
import { PredefinedUniverseFileSchema, type PredefinedUniverseFile } from '../../../shared/domain/universes';

/**
 * The predefined universes in `<resourcesDir>/universes/*.json`, in file-name order; none when the folder is
 * absent. A file that is not a universe file stops the start: the shipped files are the product's, not a user's.
 */
export function loadUniverseFiles(resourcesDir: string): PredefinedUniverseFile[] {
  const dir = path.join(resourcesDir, 'universes');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const parsed = PredefinedUniverseFileSchema.safeParse(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new Error(`${path.join(dir, file)} is not a universe file: ${issue.path.join('.')}: ${issue.message}`);
      }
      return parsed.data;
    });
}
