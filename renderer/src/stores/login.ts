import { create } from 'zustand';
import type { LoginStatus, UpstoxAppInput } from '../../../shared/domain/login';
import type { Bridge } from '../bridge';
import { messageOf } from '../lib/use-command';
import { formatIstTime, istDateKey } from '../views/settings/login-text';
import { followEngine } from './follow';
import { pushToast, type ToastInput } from './toasts';

export type LoginAction = 'start' | 'logout' | 'app' | 'analytics';

/** Why an action failed: a sentence, and the engine's complaints by field so that forms show each beside its input. */
export interface LoginActionError {
  message: string;
  fields: Record<string, string>;
}

/** The Upstox login: what the engine says of it, and the trader's actions on it. Fed by `wireLogin`. */
export interface LoginState {
  status: LoginStatus | null;
  busy: Partial<Record<LoginAction, true>>;
  errors: Partial<Record<LoginAction, LoginActionError>>;
}

export const useLoginStore = create<LoginState>()(() => ({ status: null, busy: {}, errors: {} }));

const get = useLoginStore.getState;
const set = useLoginStore.setState;

/** Where the day's login offer was last made, so that it is made once per IST day and not at every start. */
export const LOGIN_OFFERED_KEY = 'tickdesk.loginOfferedOn';
export const POPUP_BLOCKED = 'The browser blocked the login tab: allow pop-ups for this page';

/** The part of a browser tab the login drives. */
export interface LoginTab {
  opener: unknown;
  location: { href: string };
  close(): void;
}

/** What the store needs from the page beyond the bridge; tests pass their own. */
export interface LoginEnvironment {
  openTab(): LoginTab | null;
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
  now(): number;
}

function pageStorage(): LoginEnvironment['storage'] {
  try {
    return window.localStorage;
  } catch {
    // Storage can be refused (a privacy setting): the offer is then made at every start.
    return null;
  }
}

const pageEnvironment = (): LoginEnvironment => ({
  openTab: () => window.open('', '_blank'),
  storage: pageStorage(),
  now: () => Date.now(),
});

export function actionErrorOf(error: unknown): LoginActionError {
  const fields: Record<string, string> = {};
  const details = (error as { details?: { path: (string | number)[]; message: string }[] } | null)?.details;
  for (const detail of details ?? []) {
    const key = String(detail.path[0] ?? 'form');
    fields[key] ??= detail.message;
  }
  return { message: messageOf(error), fields };
}

const setBusy = (action: LoginAction, busy: boolean) =>
  set((s) => {
    const next = { ...s.busy };
    if (busy) next[action] = true;
    else delete next[action];
    return { busy: next };
  });

const setError = (action: LoginAction, error: LoginActionError | null) =>
  set((s) => {
    const errors = { ...s.errors };
    if (error) errors[action] = error;
    else delete errors[action];
    return { errors };
  });

/**
 * The toasts a change of status is worth: a new outcome (told by its time), a route that newly refused the Analytics
 * token. `logIn` becomes the button of an expiry's toast, when a login can start.
 */
export function loginToasts(previous: LoginStatus, next: LoginStatus, logIn?: () => void): ToastInput[] {
  const toasts: ToastInput[] = [];
  const attempt = next.lastAttempt;
  if (attempt && attempt.at !== previous.lastAttempt?.at) {
    switch (attempt.outcome) {
      case 'logged_in':
        toasts.push({
          tone: 'ok',
          text: `Logged in to Upstox as ${next.daily.userName ?? next.daily.userId ?? 'you'}`,
        });
        break;
      case 'failed':
        toasts.push({ tone: 'bad', text: attempt.message, sticky: true });
        break;
      case 'cancelled':
        toasts.push({ tone: 'bad', text: attempt.message });
        break;
      case 'logged_out':
        toasts.push({ tone: 'info', text: attempt.message });
        break;
      case 'expired': {
        const at = next.daily.expiresAt ? formatIstTime(next.daily.expiresAt) : '03:30';
        const expired: ToastInput = {
          tone: 'bad',
          text: `Your Upstox login expired at ${at} IST: log in again`,
          sticky: true,
        };
        if (logIn && next.app.ready) expired.action = { label: 'Log in', run: logIn };
        toasts.push(expired);
        break;
      }
    }
  }
  const refusedBefore = new Set(previous.analytics.refusedBy);
  for (const route of next.analytics.refusedBy) {
    if (!refusedBefore.has(route)) {
      toasts.push({ tone: 'bad', text: `Upstox refused the Analytics token on ${route}: using the daily token there` });
    }
  }
  return toasts;
}

/** The page the store runs in, as `wireLogin` was given it. */
let environmentInUse: LoginEnvironment | null = null;
const environment = () => (environmentInUse ??= pageEnvironment());

/**
 * Takes a status from the engine (an event or a command's answer, whichever comes first) and tells what is new in
 * it; the same status arriving twice is news once. The first status of all is the baseline, news to nobody.
 */
function applyStatus(status: LoginStatus, bridge: Bridge): void {
  const previous = get().status;
  set({ status });
  if (previous) loginToasts(previous, status, () => void startLogin(bridge)).forEach(pushToast);
  offerDailyLogin(status, bridge);
}

function offerDailyLogin(status: LoginStatus, bridge: Bridge): void {
  if (!status.offerLogin || !status.app.ready || status.pending) return;
  const { now, storage } = environment();
  const today = istDateKey(now());
  try {
    if (storage?.getItem(LOGIN_OFFERED_KEY) === today) return;
    storage?.setItem(LOGIN_OFFERED_KEY, today);
  } catch {
    // Unwritable storage: the offer may come again at the next start, which is better than never.
  }
  pushToast({
    tone: 'info',
    text: 'A new trading day: log in to Upstox',
    sticky: true,
    action: { label: 'Log in', run: () => void startLogin(bridge) },
  });
}

async function runAction(action: LoginAction, bridge: Bridge, task: () => Promise<LoginStatus>): Promise<boolean> {
  if (get().busy[action]) return false;
  setBusy(action, true);
  setError(action, null);
  try {
    const status = await task();
    applyStatus(status, bridge);
    return true;
  } catch (error) {
    setError(action, actionErrorOf(error));
    return false;
  } finally {
    setBusy(action, false);
  }
}

/**
 * Starts the Upstox login. The desktop app runs it in a window of its own. A browser gets a tab, opened before
 * anything is awaited: a tab opened later, outside the click, is what pop-up blockers stop.
 */
export async function startLogin(bridge: Bridge): Promise<void> {
  if (get().busy.start) return;
  setError('start', null);
  const tab = bridge.openUpstoxLogin ? null : environment().openTab();
  if (!bridge.openUpstoxLogin && !tab) {
    setError('start', { message: POPUP_BLOCKED, fields: {} });
    return;
  }
  setBusy('start', true);
  try {
    if (bridge.openUpstoxLogin) {
      await bridge.openUpstoxLogin();
    } else if (tab) {
      const { url } = await bridge.invoke('login.start', {});
      // The tab must not reach back into this page: Upstox's pages run in it.
      tab.opener = null;
      tab.location.href = url;
    }
  } catch (error) {
    tab?.close();
    setError('start', actionErrorOf(error));
  } finally {
    setBusy('start', false);
  }
}

export const logout = (bridge: Bridge) => runAction('logout', bridge, () => bridge.invoke('login.logout', {}));

/** Answers whether it was saved, so that the form can empty its secret field. */
export const saveApp = (bridge: Bridge, input: UpstoxAppInput) =>
  runAction('app', bridge, () => bridge.invoke('login.setApp', input));

export const setAnalyticsToken = (bridge: Bridge, token: string) =>
  runAction('analytics', bridge, () => bridge.invoke('login.setAnalyticsToken', { token }));

export const clearAnalyticsToken = (bridge: Bridge) =>
  runAction('analytics', bridge, () => bridge.invoke('login.clearAnalyticsToken', {}));

export function clearLoginError(action: LoginAction): void {
  setError(action, null);
}

/** Loads the login status whenever the engine is (re)joined, then follows `login_changed`. */
export function wireLogin(bridge: Bridge, page: LoginEnvironment = pageEnvironment()): () => void {
  environmentInUse = page;
  let eventsSeen = 0;
  const load = async () => {
    const seenAtStart = eventsSeen;
    try {
      const status = await bridge.invoke('login.status', {});
      // An event that arrived meanwhile is newer than this answer.
      if (eventsSeen === seenAtStart) applyStatus(status, bridge);
    } catch {
      // The connection state already tells the user; the next reconnect loads again.
    }
  };
  const offs = [
    followEngine(bridge, () => void load()),
    bridge.on('login_changed', ({ payload }) => {
      eventsSeen += 1;
      applyStatus(payload, bridge);
    }),
  ];
  return () => {
    offs.forEach((off) => off());
    if (environmentInUse === page) environmentInUse = null;
  };
}
