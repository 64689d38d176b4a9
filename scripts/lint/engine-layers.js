import path from 'node:path';

/**
 * The engine's layer map (DESIGN.md), lowest first. A file may import from its own folder and from any
 * lower tier. Folders that share a tier (the capabilities) may see each other's types only, so a
 * capability never runs another's code except through what `createEngine` passes in.
 */
export const ENGINE_TIERS = [
  ['common'],
  ['store'],
  ['upstox'],
  ['sim'],
  ['jobs'],
  ['calendar', 'settings', 'system', 'feed', 'instruments', 'imports', 'analysis', 'trading', 'login'],
  ['world'],
  ['config', 'router', 'api'],
  ['index'],
];

/** The only product file allowed to load the simulator: the feed's choice of market source. */
export const SIM_IMPORTERS = ['feed/sources.ts'];

const TIER_OF = new Map(ENGINE_TIERS.flatMap((names, tier) => names.map((name) => [name, tier])));
const ENGINE_MARKER = `${path.sep}electron${path.sep}engine${path.sep}`;

/** `feed/backfill.job.ts` → `feed`; a file at the engine root is its own unit (`router.ts` → `router`). */
function unitOf(relative) {
  const [first, ...rest] = relative.split(path.sep);
  return rest.length === 0 ? first.replace(/(\.test)?\.ts$/, '') : first;
}

function engineRelative(file) {
  const at = file.lastIndexOf(ENGINE_MARKER);
  return at === -1 ? null : file.slice(at + ENGINE_MARKER.length);
}

function isTypeOnly(node) {
  if (node.importKind === 'type' || node.exportKind === 'type') return true;
  const specifiers = node.specifiers ?? [];
  return specifiers.length > 0 && specifiers.every((s) => s.importKind === 'type' || s.exportKind === 'type');
}

/** @type {import('eslint').Rule.RuleModule} */
export const engineLayers = {
  meta: {
    type: 'problem',
    docs: {
      description: 'An engine import never goes up the layer map, and only the feed source loads the simulator.',
    },
    schema: [],
    messages: {
      up: "'{{from}}' (tier {{fromTier}}) may not import '{{to}}' (tier {{toTier}}): imports in the engine go down the layer map {{map}}.",
      sibling: "'{{from}}' may import only types from '{{to}}': capabilities talk through what createEngine passes in.",
      sim: 'Only {{allowed}} loads the simulator (sim/); product code never depends on it.',
      unknown:
        "'{{unit}}' is not in the engine layer map: add the folder to ENGINE_TIERS in scripts/lint/engine-layers.js.",
    },
  },
  create(context) {
    const fromRelative = engineRelative(context.filename);
    if (fromRelative === null) return {};
    const fromUnit = unitOf(fromRelative);
    // A test may drive its layer through the layers above it (the decoder against the simulator's frames).
    if (/\.test\.ts$/.test(fromRelative)) return {};
    const map = ENGINE_TIERS.map((names) => names.join('|')).join(' < ');

    function check(node, source) {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = path.resolve(path.dirname(context.filename), source);
      const toRelative = engineRelative(target.endsWith('.ts') ? target : `${target}.ts`);
      if (toRelative === null) return;
      const toUnit = unitOf(toRelative);
      if (toUnit === fromUnit) return;
      const fromTier = TIER_OF.get(fromUnit);
      const toTier = TIER_OF.get(toUnit);
      if (fromTier === undefined || toTier === undefined) {
        const unit = fromTier === undefined ? fromUnit : toUnit;
        context.report({ node, messageId: 'unknown', data: { unit } });
        return;
      }
      if (toUnit === 'sim' && !SIM_IMPORTERS.includes(fromRelative.split(path.sep).join('/'))) {
        context.report({ node, messageId: 'sim', data: { allowed: SIM_IMPORTERS.join(', ') } });
        return;
      }
      if (toTier > fromTier) {
        context.report({ node, messageId: 'up', data: { from: fromUnit, fromTier, to: toUnit, toTier, map } });
      } else if (toTier === fromTier && !isTypeOnly(node)) {
        context.report({ node, messageId: 'sibling', data: { from: fromUnit, to: toUnit } });
      }
    }

    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

/** @type {import('eslint').Rule.RuleModule} */
export const noTestImports = {
  meta: {
    type: 'problem',
    docs: { description: 'Product code never imports from tests/: helpers there are for tests and benchmarks.' },
    schema: [],
    messages: { tests: "Product code may not import '{{source}}' from tests/." },
  },
  create(context) {
    if (/\.test\.ts$/.test(context.filename)) return {};
    const electronAt = context.filename.lastIndexOf(`${path.sep}electron${path.sep}`);
    if (electronAt === -1) return {};
    const testsDir = path.join(context.filename.slice(0, electronAt), 'tests') + path.sep;
    function check(node, source) {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      if (path.resolve(path.dirname(context.filename), source).startsWith(testsDir)) {
        context.report({ node, messageId: 'tests', data: { source } });
      }
    }
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

export default { rules: { 'engine-layers': engineLayers, 'no-test-imports': noTestImports } };
