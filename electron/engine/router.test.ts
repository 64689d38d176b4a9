import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../../shared/contract';
import { WorkstationError } from '../../shared/errors';
import { SETTINGS_DEFAULTS } from '../../shared/domain/settings';
import { startEngine, stopAll } from '../../tests/helpers/engine';
import { removeTempDirs } from '../../tests/helpers/temp-dir';
import type { Engine } from './index';
import { createMemoryLogger } from './common/logger';
import type { CommandHandlers } from './common/commands';
import { createRouter, type Router } from './router';

let engine: Engine;
let logger: ReturnType<typeof createMemoryLogger>;
/** Every command answered by the real engine, so a test can replace just one of them. */
let handlers: CommandHandlers;
let router: Router;

beforeEach(() => {
  engine = startEngine().engine;
  router = engine.router;
  logger = createMemoryLogger();
  handlers = Object.fromEntries(
    COMMAND_NAMES.map((name) => [
      name,
      (input: unknown, context: Parameters<Router['dispatch']>[2]) => engine.router.dispatch(name, input, context),
    ]),
  ) as unknown as CommandHandlers;
});

afterEach(async () => {
  await stopAll();
  removeTempDirs();
});

/** The WorkstationError a dispatch rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<WorkstationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkstationError);
  return error as WorkstationError;
}

describe('router', () => {
  it('answers a known command with its contract shape', async () => {
    const view = await router.call('settings.get', {});
    expect(view.values).toEqual(SETTINGS_DEFAULTS);
    expect(view.mode).toBe('demo');
  });

  it('refuses an unknown command with NOT_FOUND', async () => {
    const error = await rejection(router.dispatch('settings.explode', {}));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('settings.explode');
  });

  it('does not treat Object.prototype names as commands', async () => {
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      expect((await rejection(router.dispatch(name, {}))).code).toBe('NOT_FOUND');
    }
  });

  it('refuses a wrongly typed field with VALIDATION_FAILED naming its path, and changes nothing', async () => {
    const before = await router.call('settings.get', {});
    const rowsBefore = engine.homeDb.prepare('SELECT * FROM settings ORDER BY key').all();
    const error = await rejection(router.dispatch('settings.update', { tickRetentionDays: 'x' }));

    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details?.[0]?.path).toEqual(['tickRetentionDays']);
    expect(error.message).toContain('tickRetentionDays');
    expect(await router.call('settings.get', {})).toEqual(before);
    expect(engine.homeDb.prepare('SELECT * FROM settings ORDER BY key').all()).toEqual(rowsBefore);
  });

  it('refuses an out-of-range value and a valid field next to it is not applied either', async () => {
    const error = await rejection(router.dispatch('settings.update', { theme: 'light', tickRetentionDays: 0 }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details?.map((d) => d.path)).toEqual([['tickRetentionDays']]);
    expect((await router.call('settings.get', {})).values.theme).toBe('dark');
  });

  it('refuses an unknown key (strict) by name, and changes nothing', async () => {
    const error = await rejection(router.dispatch('settings.update', { theme: 'light', tickRetentionDayz: 5 }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toContain('tickRetentionDayz');
    expect((await router.call('settings.get', {})).values).toEqual(SETTINGS_DEFAULTS);
  });

  it('refuses input that is not an object', async () => {
    for (const input of ['light', 42, [1, 2], true]) {
      expect((await rejection(router.dispatch('settings.update', input))).code).toBe('VALIDATION_FAILED');
    }
  });

  it('reports a handler that throws a plain Error as INTERNAL and logs it', async () => {
    const broken = createRouter(
      {
        ...handlers,
        'system.health': () => {
          throw new Error('disk on fire');
        },
      },
      logger,
    );
    const error = await rejection(broken.dispatch('system.health', {}));
    expect(error.code).toBe('INTERNAL');
    expect(logger.entries.some((e) => e.level === 'error' && e.fields?.command === 'system.health')).toBe(true);
  });

  it('passes a WorkstationError from a handler through unchanged', async () => {
    const conflicted = createRouter(
      {
        ...handlers,
        'settings.get': () => {
          throw new WorkstationError('CONFLICT', 'already there');
        },
      },
      logger,
    );
    const error = await rejection(conflicted.dispatch('settings.get', {}));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toBe('already there');
  });

  it('reports a handler answer that does not match the contract as INTERNAL instead of passing it on', async () => {
    const wrong = createRouter(
      {
        ...handlers,
        'system.health': () => ({ status: 'ok', version: 42 }) as never,
      },
      logger,
    );
    const error = await rejection(wrong.dispatch('system.health', {}));
    expect(error.code).toBe('INTERNAL');
  });
});
