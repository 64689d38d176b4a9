import {
  commands,
  isCommandName,
  type CommandInput,
  type CommandName,
  type CommandOutput,
} from '../../shared/contract';
import { WorkstationError } from '../../shared/errors';
import type { CommandContext, CommandHandlers } from './common/commands';
import { assertJsonDepth, parseOrThrow, zodDetails } from './common/parse';

/** Deeper than any command's input needs (a schedule payload is a few levels). */
const MAX_INPUT_DEPTH = 32;
import type { Logger } from './common/logger';

export interface Router {
  dispatch(name: string, input: unknown, context?: CommandContext): Promise<unknown>;
  call<K extends CommandName>(name: K, input: CommandInput<K>, context?: CommandContext): Promise<CommandOutput<K>>;
}

/**
 * Dispatches contract commands to engine services: validates the input (a bad request never reaches a service),
 * calls the handler, and checks the answer against the contract so that no transport ever sends a shape it did not promise.
 */
export function createRouter(handlers: CommandHandlers, logger: Logger): Router {
  const dispatch = async (name: string, input: unknown, context: CommandContext = { transport: 'internal' }) => {
    if (!isCommandName(name)) throw new WorkstationError('NOT_FOUND', `unknown command: ${name}`);
    const spec = commands[name];
    // Refused before any schema walks it: a payload nested thousands deep would overflow the stack in there.
    assertJsonDepth(input, MAX_INPUT_DEPTH);
    const parsed: unknown = parseOrThrow(spec.input, input === undefined ? {} : input, `invalid input for ${name}`);
    const handler = handlers[name] as (input: unknown, context: CommandContext) => unknown;
    let result: unknown;
    try {
      result = await handler(parsed, context);
    } catch (error) {
      if (error instanceof WorkstationError) throw error;
      logger.error('command failed', { command: name, error });
      throw new WorkstationError(
        'INTERNAL',
        `${name} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const checked = spec.output.safeParse(result);
    if (!checked.success) {
      logger.error('command answer does not match the contract', { command: name, issues: zodDetails(checked.error) });
      throw new WorkstationError('INTERNAL', `${name} produced an answer that does not match the contract`);
    }
    return checked.data;
  };
  return {
    dispatch,
    call: (name, input, context) => dispatch(name, input, context) as never,
  };
}
