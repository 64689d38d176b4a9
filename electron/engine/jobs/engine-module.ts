import type { CommandName } from '../../../shared/contract';
import type { CommandHandler } from '../common/commands';
import type { AnyJobKind } from './registry';
import type { ScheduleDefinition } from './scheduler';

/**
 * What a capability gives the engine: the answers to its commands, the job kinds it runs and the schedules a new
 * install starts with, and its part in starting and stopping. `createEngine` only lists modules; none is a singleton.
 */
export interface EngineModule<K extends CommandName = never> {
  readonly name: string;
  readonly handlers: { readonly [N in K]: CommandHandler<N> };
  readonly jobKinds?: readonly AnyJobKind[];
  readonly schedules?: readonly ScheduleDefinition[];
  /** Starts background work; modules start in the order listed, after every job kind is registered. */
  start?(): void;
  /** Stops it; modules stop in the reverse order. */
  stop?(): void | Promise<void>;
}
