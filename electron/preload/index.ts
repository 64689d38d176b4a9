/**
 * Builds `window.workstation` from the contract's names and exposes nothing else: no ipcRenderer, no channel names,
 * no Node. Runs sandboxed, so it builds as CommonJS (electron.vite.config.ts).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { CommandInput, CommandOutput, EventEnvelope, ReportPdfSaved, WorkstationApi } from '../../shared/contract';
// Names only: the schemas (and zod) stay out of the preload; the engine's router validates every call.
import {
  IPC_CHANNELS,
  isCommandName,
  isEventName,
  type CommandName,
  type EventName,
} from '../../shared/contract/names';
import type { ErrorBody, Outcome } from '../../shared/errors';

/**
 * What a failed `invoke` rejects with in the page: the ErrorBody plus `name: 'WorkstationError'`, as a plain object.
 *
 * contextBridge rebuilds a thrown Error in the page from its message alone (electron/electron#25596): the class is
 * lost, and so are `code` and `details`, even as own properties. A plain object is copied whole, so the page can
 * read `reason.code` and `reason.details`, and bridge.ts can revive it with `WorkstationError.fromBody(reason)`.
 */
export type BridgedError = ErrorBody & { name: 'WorkstationError' };

function bridgedError(body: ErrorBody): BridgedError {
  return { name: 'WorkstationError', ...body };
}

type AnyListener = (envelope: EventEnvelope) => void;
const listeners = new Map<EventName, Set<AnyListener>>();

// One IPC listener for all subscriptions: per-subscription ipcRenderer listeners would trip Node's
// MaxListeners warning once the renderer's stores subscribe to more than ten events.
ipcRenderer.on(IPC_CHANNELS.event, (_event: IpcRendererEvent, envelope: EventEnvelope) => {
  for (const listener of listeners.get(envelope.event) ?? []) {
    try {
      listener(envelope);
    } catch (error) {
      // A failing listener must not starve the others; rethrown outside the loop, it still reaches the console.
      queueMicrotask(() => {
        throw error;
      });
    }
  }
});

/** One round trip to main: its Outcome unwrapped, a failure (or no answer at all) rejected as a BridgedError. */
async function request<T>(channel: string, message: unknown): Promise<T> {
  let outcome: Outcome<T>;
  try {
    outcome = (await ipcRenderer.invoke(channel, message)) as Outcome<T>;
  } catch (error) {
    throw bridgedError({
      code: 'UNAVAILABLE',
      message: `the engine did not answer: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
  if (outcome.ok) return outcome.data;
  throw bridgedError(outcome.error);
}

const api = {
  async invoke<K extends CommandName>(name: K, input: CommandInput<K>): Promise<CommandOutput<K>> {
    if (!isCommandName(name)) throw bridgedError({ code: 'NOT_FOUND', message: `unknown command: ${String(name)}` });
    return request<CommandOutput<K>>(IPC_CHANNELS.invoke, { name, input });
  },

  async printReportToPdf(reportId: number): Promise<ReportPdfSaved> {
    if (!Number.isInteger(reportId) || reportId <= 0) {
      throw bridgedError({
        code: 'VALIDATION_FAILED',
        message: 'reportId must be a positive integer',
        details: [{ path: ['reportId'], message: 'must be a positive integer' }],
      });
    }
    return request<ReportPdfSaved>(IPC_CHANNELS.printReport, reportId);
  },

  async openUpstoxLogin(): Promise<void> {
    await request<void>(IPC_CHANNELS.openLogin, null);
  },

  on<K extends EventName>(event: K, listener: (envelope: EventEnvelope<K>) => void): () => void {
    if (!isEventName(event)) throw new Error(`unknown event: ${String(event)}`);
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    // A wrapper per call, so subscribing the same function twice gives two independent unsubscribes.
    const entry: AnyListener = (envelope) => listener(envelope as EventEnvelope<K>);
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  },
} satisfies WorkstationApi;

contextBridge.exposeInMainWorld('workstation', api);
