/** The building blocks of the contract: a command with its schemas and REST route, an event with its delivery kind. */
import { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A REST route of the Local API that serves a command; path parameters (`:id`) become input fields. */
export interface HttpRoute {
  method: HttpMethod;
  /** Below the API prefix, e.g. `/jobs/:id`. */
  path: string;
  /** Status of a successful answer: 202 for commands that start durable work. */
  status?: 200 | 201 | 202;
  /** The command answers a file (`{ filename, contentType, body }`): the Local API sends it as the response body. */
  download?: true;
}

export interface CommandSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  http?: HttpRoute;
}

export function command<I extends z.ZodType, O extends z.ZodType>(
  input: I,
  output: O,
  http?: HttpRoute,
): CommandSpec<I, O> {
  return http ? { input, output, http } : { input, output };
}

/**
 * How an event may be delivered to a slow client. A `snapshot` carries the whole latest value (a status, a job's
 * progress): the next one supersedes it, so skipping one loses nothing. A `stream` event is never skipped.
 */
export type EventDelivery = 'snapshot' | 'stream';

export interface EventSpec<S extends z.ZodType = z.ZodType> {
  payload: S;
  delivery: EventDelivery;
}

export const snapshot = <S extends z.ZodType>(payload: S): EventSpec<S> => ({ payload, delivery: 'snapshot' });
export const stream = <S extends z.ZodType>(payload: S): EventSpec<S> => ({ payload, delivery: 'stream' });

export const NoInput = z.object({}).strict();
