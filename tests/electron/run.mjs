// Entry of `npm run test:electron` (after `electron-vite build`): runs the Playwright _electron smoke test where the
// Electron binary exists, and says plainly that it did not run where it does not (see docs TOOLCHAIN.md).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const ELECTRON_DIR = path.join(ROOT, 'node_modules', 'electron');

/** Mirrors node_modules/electron/index.js: path.txt names the binary under dist/ (or ELECTRON_OVERRIDE_DIST_PATH). */
function electronBinary() {
  const pathFile = path.join(ELECTRON_DIR, 'path.txt');
  const relative = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!relative && !override) return null;
  const binary = path.join(override || path.join(ELECTRON_DIR, 'dist'), relative || 'electron');
  return fs.existsSync(binary) ? binary : null;
}

function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

const binary = electronBinary();
if (!binary) {
  console.log(
    'SKIPPED: the Electron binary is not installed here (npm install ran with ELECTRON_SKIP_BINARY_DOWNLOAD=1 or its download failed); the _electron smoke test did not run.',
  );
  process.exit(0);
}

if (!fs.existsSync(path.join(ROOT, 'out', 'main', 'index.js'))) {
  console.error('out/main/index.js is missing: run `electron-vite build` first (npm run test:electron does).');
  process.exit(1);
}

let command = 'npx';
let args = ['playwright', 'test', '-c', 'tests/electron/playwright.config.ts', ...process.argv.slice(2)];
// Electron needs a display; on a headless Linux box borrow a virtual one when xvfb-run is there.
if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY && hasCommand('xvfb-run')) {
  args = ['-a', command, ...args];
  command = 'xvfb-run';
}

console.log(`Electron: ${binary}`);
const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
if (result.error) {
  console.error(`could not run Playwright: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
