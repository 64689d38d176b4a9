import type { z } from 'zod';
import type { CommandName, CommandOutput, Commands } from '../../../shared/contract';

export interface CommandContext {
  transport: 'ipc' | 'local-api' | 'internal';
}

/** Answers one command: its input already checked against the contract, its answer checked again by the router. */
export type CommandHandler<K extends CommandName> = (
  input: z.output<Commands[K]['input']>,
  context: CommandContext,
) => CommandOutput<K> | Promise<CommandOutput<K>>;

/** A handler for every command of the contract: the compiler refuses a missing one. */
export type CommandHandlers = { [K in CommandName]: CommandHandler<K> };

/** A handler for every command of one domain of the contract (`typeof feedCommands`, ...). */
export type DomainHandlers<Domain> = { [K in keyof Domain & CommandName]: CommandHandler<K> };
