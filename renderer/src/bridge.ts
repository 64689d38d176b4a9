/**
 * The renderer's only door to the engine: Electron IPC (`window.workstation`) in the desktop app, the Local API
 * (HTTP for commands, WebSocket for events) in a browser.
 */
import {
  API_PATHS,
  type CommandInput,
  type CommandName,
  type CommandOutput,
  type EventEnvelope,
  type EventName,
  type WorkstationApi,
} from '../../shared/contract';
import { LOCAL_API_PREFIX } from '../../shared/constants';
import { WorkstationError, isErrorCode, type ErrorBody } from '../../shared/errors';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'unauthorized';
export type Transport = 'ipc' | 'local-api';

export interface Bridge extends WorkstationApi {
  readonly transport: Transport;
  connectionState(): ConnectionState;
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
}

declare global {
  interface Window {
    workstation?: WorkstationApi;
  }
}

const TOKEN_KEY = 'tickdesk.apiToken';
const RECONNECT_MAX_MS = 10_000;

/** Takes the token from the URL fragment once, keeps it for this tab only, and clears it from the address bar. */
export function takeTokenFromLocation(location: Location, storage: Storage, history: History): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match?.[1]) {
    storage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, '', location.pathname + location.search);
  }
  return storage.getItem(TOKEN_KEY);
}

function toWorkstationError(body: unknown, status: number): WorkstationError {
  const error = (body as { error?: ErrorBody } | null)?.error;
  if (error && isErrorCode(error.code)) return WorkstationError.fromBody(error);
  return new WorkstationError('INTERNAL', `the engine answered ${status}`);
}

type AnyListener = (envelope: EventEnvelope) => void;

function createListenerRegistry() {
  const byEvent = new Map<EventName, Set<AnyListener>>();
  return {
    add(event: EventName, listener: AnyListener): () => void {
      let set = byEvent.get(event);
      if (!set) byEvent.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    dispatch(envelope: EventEnvelope): void {
      for (const listener of byEvent.get(envelope.event) ?? []) listener(envelope);
    },
  };
}

function createConnectionTracker(initial: ConnectionState) {
  let state = initial;
  const listeners = new Set<(state: ConnectionState) => void>();
  return {
    get: () => state,
    set(next: ConnectionState) {
      if (next === state) return;
      state = next;
      for (const listener of listeners) listener(state);
    },
    subscribe(listener: (state: ConnectionState) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** contextBridge drops the class of a thrown error; the preload rejects with its plain body, revived here. */
export function reviveBridgedError(reason: Partial<ErrorBody> | undefined): WorkstationError {
  return isErrorCode(reason?.code)
    ? WorkstationError.fromBody(reason as ErrorBody)
    : new WorkstationError('INTERNAL', String(reason?.message ?? reason));
}

function createIpcBridge(api: WorkstationApi): Bridge {
  const connection = createConnectionTracker('connected');
  const openUpstoxLogin = api.openUpstoxLogin?.bind(api);
  return {
    transport: 'ipc',
    invoke: (name, input) =>
      api.invoke(name, input).catch((reason: Partial<ErrorBody> | undefined) => {
        throw reviveBridgedError(reason);
      }),
    on: (event, listener) => api.on(event, listener),
    ...(openUpstoxLogin
      ? {
          openUpstoxLogin: () =>
            openUpstoxLogin().catch((reason: Partial<ErrorBody> | undefined) => {
              throw reviveBridgedError(reason);
            }),
        }
      : {}),
    connectionState: connection.get,
    onConnectionChange: connection.subscribe,
  };
}

function createLocalApiBridge(origin: string, token: string | null): Bridge {
  const connection = createConnectionTracker(token ? 'connecting' : 'unauthorized');
  const listeners = createListenerRegistry();
  let socket: WebSocket | undefined;
  let attempt = 0;

  const connectEvents = () => {
    if (!token) return;
    const url = `${origin.replace(/^http/, 'ws')}${LOCAL_API_PREFIX}${API_PATHS.events}?token=${encodeURIComponent(token)}`;
    socket = new WebSocket(url);
    socket.onopen = () => {
      attempt = 0;
      connection.set('connected');
    };
    socket.onmessage = (message) => {
      try {
        listeners.dispatch(JSON.parse(String(message.data)) as EventEnvelope);
      } catch {
        // A frame that is not an envelope is not ours to act on.
      }
    };
    socket.onclose = () => {
      if (connection.get() === 'unauthorized') return;
      connection.set('disconnected');
      const delay = Math.min(RECONNECT_MAX_MS, 250 * 2 ** attempt++);
      setTimeout(connectEvents, delay);
    };
  };
  connectEvents();

  return {
    transport: 'local-api',
    async invoke<K extends CommandName>(name: K, input: CommandInput<K>): Promise<CommandOutput<K>> {
      let response: Response;
      try {
        response = await fetch(
          `${origin}${LOCAL_API_PREFIX}${API_PATHS.command.replace(':name', encodeURIComponent(name))}`,
          {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token ?? ''}` },
            body: JSON.stringify(input ?? {}),
          },
        );
      } catch {
        connection.set('disconnected');
        throw new WorkstationError('UNAVAILABLE', 'the engine is not reachable');
      }
      const body: unknown = await response.json().catch(() => null);
      if (response.status === 401) {
        connection.set('unauthorized');
        socket?.close();
      }
      if (!response.ok) throw toWorkstationError(body, response.status);
      return body as CommandOutput<K>;
    },
    on: (event, listener) => listeners.add(event, listener as AnyListener),
    connectionState: connection.get,
    onConnectionChange: connection.subscribe,
  };
}

export function createBridge(): Bridge {
  if (window.workstation) return createIpcBridge(window.workstation);
  const token = takeTokenFromLocation(window.location, window.sessionStorage, window.history);
  return createLocalApiBridge(window.location.origin, token);
}
