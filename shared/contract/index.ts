/**
 * The one contract between the engine and everything that talks to it (Electron IPC, the Local API, the renderer's
 * bridge). Each domain writes its commands and events in its own file; this file merges them, refusing a name
 * written twice, and checks them against the schema-free name list the preload uses.
 */
import type { z } from 'zod';
import type { EVENT_ENVELOPE_VERSION } from '../constants';
import type { CommandSpec, EventDelivery, EventSpec } from './define';
import { analysisCommands, analysisEvents } from './analysis';
import { calendarCommands, calendarEvents } from './calendar';
import { feedCommands, feedEvents } from './feed';
import { importsCommands, importsEvents } from './imports';
import { instrumentsCommands, instrumentsEvents } from './instruments';
import { jobsCommands, jobsEvents } from './jobs';
import { loginCommands, loginEvents } from './login';
import { COMMAND_NAMES, EVENT_NAMES, type CommandName, type EventName } from './names';
import { settingsCommands, settingsEvents } from './settings';
import { systemCommands, systemEvents } from './system';
import { tradingCommands, tradingEvents } from './trading';

export type { CommandSpec, EventDelivery, EventSpec, HttpMethod, HttpRoute } from './define';
export {
  COMMAND_NAMES,
  EVENT_NAMES,
  IPC_CHANNELS,
  isCommandName,
  isEventName,
  type CommandName,
  type EventName,
} from './names';

type UnionToIntersection<U> = (U extends unknown ? (part: U) => void : never) extends (part: infer I) => void
  ? I
  : never;

/** Merges the domains' maps into one; a name two domains both define is a startup error, not a silent override. */
export function mergeDomains<const Parts extends readonly Record<string, unknown>[]>(
  what: string,
  parts: Parts,
): UnionToIntersection<Parts[number]> {
  const merged: Record<string, unknown> = {};
  for (const part of parts) {
    for (const [name, spec] of Object.entries(part)) {
      if (Object.prototype.hasOwnProperty.call(merged, name))
        throw new Error(`the contract defines the ${what} "${name}" twice`);
      merged[name] = spec;
    }
  }
  return merged as UnionToIntersection<Parts[number]>;
}

export const commands = mergeDomains('command', [
  systemCommands,
  settingsCommands,
  jobsCommands,
  calendarCommands,
  feedCommands,
  instrumentsCommands,
  importsCommands,
  analysisCommands,
  tradingCommands,
  loginCommands,
]);
export const events = mergeDomains('event', [
  systemEvents,
  settingsEvents,
  jobsEvents,
  calendarEvents,
  feedEvents,
  instrumentsEvents,
  importsEvents,
  analysisEvents,
  tradingEvents,
  loginEvents,
]);

export type Commands = typeof commands;
export type Events = typeof events;

/** The name lists and the merged maps must agree, both ways. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const commandNamesListed: Same<keyof Commands, CommandName> = true;
const eventNamesListed: Same<keyof Events, EventName> = true;
void commandNamesListed;
void eventNamesListed;

function checkListed(what: string, listed: readonly string[], defined: object): void {
  const missing = Object.keys(defined).filter((name) => !listed.includes(name));
  const extra = listed.filter((name) => !Object.prototype.hasOwnProperty.call(defined, name));
  if (missing.length || extra.length || new Set(listed).size !== listed.length) {
    throw new Error(
      `contract ${what} names out of step with names.ts: missing ${missing.join(', ') || 'none'}, extra ${extra.join(', ') || 'none'}`,
    );
  }
}
checkListed('command', COMMAND_NAMES, commands);
checkListed('event', EVENT_NAMES, events);

export type CommandInput<K extends CommandName> = z.input<Commands[K]['input']>;
export type CommandOutput<K extends CommandName> = z.output<Commands[K]['output']>;
export type EventPayload<K extends EventName> = z.output<Events[K]['payload']>;

/** Events whose newest value replaces the previous one: a slow client may skip some without losing anything. */
export const SNAPSHOT_EVENTS: ReadonlySet<EventName> = new Set(
  (Object.entries(events) as [EventName, EventSpec][])
    .filter(([, spec]) => spec.delivery === 'snapshot')
    .map(([name]) => name),
);

export function deliveryOf(event: EventName): EventDelivery {
  return events[event].delivery;
}

/** What every pushed event looks like on the wire, over IPC and the Local API alike. */
export interface EventEnvelope<K extends EventName = EventName> {
  event: K;
  timestamp: string;
  source: string;
  version: typeof EVENT_ENVELOPE_VERSION;
  payload: EventPayload<K>;
}

/** Local API paths that are not commands. */
export const API_PATHS = {
  events: '/events',
  command: '/commands/:name',
} as const;

/** Where the desktop shell saved a report's PDF; `saved` is false, and `filePath` null, when the user cancelled. */
export interface ReportPdfSaved {
  saved: boolean;
  filePath: string | null;
}

/** The renderer's only door to the engine, the same whether it is Electron IPC or the Local API. */
export interface WorkstationApi {
  invoke<K extends CommandName>(name: K, input: CommandInput<K>): Promise<CommandOutput<K>>;
  on<K extends EventName>(event: K, listener: (envelope: EventEnvelope<K>) => void): () => void;
  /**
   * Desktop app only (absent in a browser): prints a saved report to PDF and asks the user where to save it.
   * Rejects with an ErrorBody (`VALIDATION_FAILED` for an id that is not a positive integer, `NOT_FOUND`...).
   */
  printReportToPdf?(reportId: number): Promise<ReportPdfSaved>;
  /**
   * Desktop app only: runs the Upstox login in a window of its own (`login.start`, Upstox's dialog, then
   * `login.complete` with what the redirect carried) and resolves once the window is closed; the outcome arrives as
   * `login_changed`. The page never chooses the URL the window opens.
   */
  openUpstoxLogin?(): Promise<void>;
}

// Keeps `CommandSpec` honest: every merged entry is one.
const everyCommandIsASpec: Record<CommandName, CommandSpec> = commands;
void everyCommandIsASpec;
