#!/usr/bin/env node
/**
 * better-sqlite3 is a native module: Node and Electron need different builds of it. This makes sure the build in
 * node_modules fits the runtime about to load it, rebuilding only when it does not:
 *   node scripts/native-modules.mjs node                 before tests and `npm run serve`
 *   node scripts/native-modules.mjs electron             before `npm start` (downloads Electron's headers once)
 *   node scripts/native-modules.mjs electron --optional  skips quietly where the Electron binary is not installed
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const moduleDir = path.join(root, 'node_modules', 'better-sqlite3');
const marker = path.join(moduleDir, 'build', 'tickdesk-runtime.txt');
const target = process.argv[2];
const optional = process.argv.includes('--optional');

const readMarker = () => (fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8').trim() : '');
const writeMarker = (value) => fs.writeFileSync(marker, value + '\n');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function rebuild(env, label) {
  console.log(`Rebuilding better-sqlite3 for ${label} (a native module must match its runtime)...`);
  const result = spawnSync(npm, ['rebuild', 'better-sqlite3'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function loadsInNode() {
  const probe = `const D = require(${JSON.stringify(moduleDir)}); new D(':memory:').close();`;
  return spawnSync(process.execPath, ['-e', probe], { stdio: 'ignore' }).status === 0;
}

if (target === 'node') {
  const wanted = `node-abi-${process.versions.modules}`;
  if (!loadsInNode()) {
    rebuild(
      { npm_config_runtime: 'node', npm_config_target: process.versions.node, npm_config_disturl: '' },
      `Node ${process.versions.node}`,
    );
  }
  writeMarker(wanted);
} else if (target === 'electron') {
  const version = JSON.parse(
    fs.readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8'),
  ).version;
  let binary;
  try {
    binary = require('electron');
  } catch {
    binary = undefined;
  }
  if (!binary || !fs.existsSync(binary)) {
    const message =
      'The Electron binary is not installed (npm install ran with ELECTRON_SKIP_BINARY_DOWNLOAD=1, or its download failed).';
    if (optional) process.exit(0);
    console.error(
      `${message} Run \`npm install\` again with network access, or use \`npm run serve\` for the browser mode.`,
    );
    process.exit(1);
  }
  const wanted = `electron-${version}`;
  if (readMarker() !== wanted) {
    rebuild(
      {
        npm_config_runtime: 'electron',
        npm_config_target: version,
        npm_config_disturl: 'https://electronjs.org/headers',
      },
      `Electron ${version}`,
    );
    writeMarker(wanted);
  }
} else {
  console.error('usage: native-modules.mjs node|electron [--optional]');
  process.exit(2);
}
