import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { command, stream } from './define';
import { commands, COMMAND_NAMES, deliveryOf, EVENT_NAMES, events, mergeDomains, SNAPSHOT_EVENTS } from './index';

describe('the contract', () => {
  it('refuses a command or event name that two domains both define', () => {
    const a = { 'x.one': command(z.object({}), z.null()) };
    const b = { 'x.one': command(z.object({}), z.number()) };
    expect(() => mergeDomains('command', [a, b])).toThrow('the contract defines the command "x.one" twice');
    expect(() => mergeDomains('event', [{ tick: stream(z.null()) }, { tick: stream(z.null()) }])).toThrow(
      'event "tick" twice',
    );
  });

  it('lists exactly its commands and events in the schema-free names the preload uses', () => {
    expect([...COMMAND_NAMES].sort()).toEqual(Object.keys(commands).sort());
    expect([...EVENT_NAMES].sort()).toEqual(Object.keys(events).sort());
  });

  it('says of every event whether a slow client may skip it', () => {
    expect([...SNAPSHOT_EVENTS].sort()).toEqual([
      'feed_status',
      'job_progress_update',
      // The whole login status each time.
      'login_changed',
      // The whole of the positions and wallet each time.
      'portfolio_changed',
      'settings_changed',
      'world_changed',
    ]);
    // Coalesced ticks hold only what changed since the previous batch, and outcomes happen once: never skipped.
    for (const name of ['market_ticks', 'job_completed', 'job_failed', 'critical_error', 'order_update'] as const)
      expect(deliveryOf(name)).toBe('stream');
  });
});
