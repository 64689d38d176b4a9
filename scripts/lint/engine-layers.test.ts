import path from 'node:path';
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { afterAll, describe, it } from 'vitest';
import { engineLayers, noTestImports } from './engine-layers.js';

RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const ROOT = path.resolve('/repo');
const engine = (file: string) => path.join(ROOT, 'electron', 'engine', file);
const tester = new RuleTester({
  languageOptions: { parser: tseslint.parser, ecmaVersion: 2024, sourceType: 'module' },
});

tester.run('engine-layers', engineLayers, {
  valid: [
    { filename: engine('store/candles.ts'), code: "import { parseOrThrow } from '../common/parse';" },
    { filename: engine('jobs/runner.ts'), code: "import { openDatabase } from '../store/open';" },
    { filename: engine('feed/module.ts'), code: "import { createUpstoxRest } from '../upstox/rest';" },
    { filename: engine('feed/module.ts'), code: "import { seedDemoMarket } from './demo-seed';" },
    { filename: engine('feed/sources.ts'), code: "import { startUpstoxSimulator } from '../sim';" },
    { filename: engine('sim/server.ts'), code: "import { FeedResponse } from '../upstox/proto';" },
    { filename: engine('instruments/module.ts'), code: "import type { FeedModule } from '../feed/module';" },
    { filename: engine('instruments/module.ts'), code: "import { type FeedModule } from '../feed/module';" },
    { filename: engine('index.ts'), code: "import { createFeedModule } from './feed/module';" },
    { filename: engine('api/server.ts'), code: "import type { Router } from '../router';" },
    {
      filename: engine('jobs/errors.test.ts'),
      code: "import { createInstrumentsModule } from '../instruments/module';",
    },
    {
      filename: engine('store/open.ts'),
      code: "import { z } from 'zod'; import { names } from '../../../shared/contract/names';",
    },
  ],
  invalid: [
    { filename: engine('upstox/rest.ts'), code: "import { etaOf } from '../jobs/eta';", errors: [{ messageId: 'up' }] },
    {
      filename: engine('common/parse.ts'),
      code: "import { zodDetails } from '../router';",
      errors: [{ messageId: 'up' }],
    },
    { filename: engine('store/ticks.ts'), code: "export { x } from '../feed/service';", errors: [{ messageId: 'up' }] },
    { filename: engine('jobs/runner.ts'), code: "export * from '../settings/service';", errors: [{ messageId: 'up' }] },
    {
      filename: engine('store/ticks.ts'),
      code: "const m = await import('../jobs/runner');",
      errors: [{ messageId: 'up' }],
    },
    {
      filename: engine('instruments/module.ts'),
      code: "import { createFeedModule } from '../feed/module';",
      errors: [{ messageId: 'sibling' }],
    },
    {
      filename: engine('instruments/module.ts'),
      code: "import { type A, b } from '../feed/module';",
      errors: [{ messageId: 'sibling' }],
    },
    {
      filename: engine('feed/demo-seed.ts'),
      code: "import type { Simulator } from '../sim';",
      errors: [{ messageId: 'sim' }],
    },
    {
      filename: engine('trading/brokers/paper.ts'),
      code: "import { startUpstoxSimulator } from '../../sim';",
      errors: [{ messageId: 'sim' }],
    },
    {
      filename: engine('wallet/module.ts'),
      code: "import { parseOrThrow } from '../common/parse';",
      errors: [{ messageId: 'unknown' }],
    },
  ],
});

tester.run('no-test-imports', noTestImports, {
  valid: [
    {
      filename: path.join(ROOT, 'electron/engine/feed/module.test.ts'),
      code: "import { FakeClock } from '../../../tests/helpers/fake-clock';",
    },
    {
      filename: path.join(ROOT, 'electron/engine/feed/module.ts'),
      code: "import { systemClock } from '../common/clock';",
    },
  ],
  invalid: [
    {
      filename: path.join(ROOT, 'electron/engine/sim/client.ts'),
      code: "import { waitFor } from '../../../tests/helpers/wait';",
      errors: [{ messageId: 'tests' }],
    },
  ],
});
