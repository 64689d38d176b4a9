import type { z } from 'zod';
import { commands, isCommandName, type CommandInput, type CommandName, type CommandOutput } from '../../shared/contract';
import { WorkstationError, type ErrorDetail } from '../../shared/errors';
import type { Logger } from './logger';

export interface CommandContext {
  transport: 'ipc' | 'local-api' | 'internal';
}

export type CommandHandler<K extends CommandName> = (
  input: z.output<(typeof commands)[K]['input']>,
  context: CommandContext,
) => CommandOutput<K> | Promise<CommandOutput<K>>;

/** A handler for every command of the contract: the compiler refuses a missing one. */
export type CommandHandlers = { [K in CommandName]: CommandHandler<K> };

export interface Router {
  dispatch(name: string, input: unknown, context?: CommandContext): Promise<unknown>;
  call<K extends CommandName>(name: K, input: CommandInput<K>, context?: CommandContext): Promise<CommandOutput<K>>;
}

export function zodDetails(error: z.ZodError): ErrorDetail[] {
  return error.issues.map((issue) => ({ path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: issue.message, code: issue.code }));
}

function describeIssues(name: string, details: ErrorDetail[]): string {
  const first = details[0];
  if (!first) return `invalid input for ${name}`;
  const where = first.path.length ? first.path.join('.') : '(input)';
  const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
  return `invalid input for ${name}: ${where}: ${first.message}${more}`;
}

/**
 * Dispatches contract commands to engine services: validates the input (a bad request never reaches a service),
 * calls the handler, and checks the answer against the contract so that no transport ever sends a shape it did not promise.
 */
export function createRouter(handlers: CommandHandlers, logger: Logger): Router {
  const dispatch = async (name: string, input: unknown, context: CommandContext = { transport: 'internal' }) => {
    if (!isCommandName(name)) throw new WorkstationError('NOT_FOUND', `unknown command: ${name}`);
    const spec = commands[name];
    const parsed = spec.input.safeParse(input ?? {});
    if (!parsed.success) {
      const details = zodDetails(parsed.error);
      throw new WorkstationError('VALIDATION_FAILED', describeIssues(name, details), details);
    }
    const handler = handlers[name] as (input: unknown, context: CommandContext) => unknown;
    let result: unknown;
    try {
      result = await handler(parsed.data, context);
    } catch (error) {
      if (error instanceof WorkstationError) throw error;
      logger.error('command failed', { command: name, error });
      throw new WorkstationError('INTERNAL', `${name} failed: ${error instanceof Error ? error.message : String(error)}`);
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
