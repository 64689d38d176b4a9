import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LoginStatus } from '../../../shared/domain/login';
import { WorkstationError } from '../../../shared/errors';
import type { Bridge } from '../bridge';
import { fakeBridge } from './analysis/fixtures';
import {
  LOGIN_OFFERED_KEY,
  POPUP_BLOCKED,
  saveApp,
  startLogin,
  logout,
  useLoginStore,
  wireLogin,
  type LoginEnvironment,
  type LoginTab,
} from './login';
import { useToastsStore } from './toasts';

const loggedOut = (patch: Partial<LoginStatus> = {}): LoginStatus => ({
  app: {
    clientId: 'demo-app',
    apiSecret: { present: true, hint: '…ab12' },
    redirectUri: 'http://127.0.0.1:4321/api/v1/login/callback',
    defaultRedirectUri: 'http://127.0.0.1:4321/api/v1/login/callback',
    ready: true,
  },
  daily: {
    present: false,
    hint: null,
    source: 'none',
    storage: 'none',
    issuedAt: null,
    expiresAt: null,
    expired: false,
    userId: null,
    userName: null,
  },
  analytics: { present: false, hint: null, storage: 'none', expiresAt: null, expired: false, refusedBy: [] },
  marketData: 'none',
  ordersAvailable: false,
  pending: null,
  lastAttempt: null,
  offerLogin: false,
  ...patch,
});

const loggedIn = (at = '2026-03-12T09:00:00.000+05:30'): LoginStatus =>
  loggedOut({
    daily: {
      present: true,
      hint: '…wxyz',
      source: 'login',
      storage: 'os-encrypted',
      issuedAt: at,
      expiresAt: '2026-03-13T03:30:00.000+05:30',
      expired: false,
      userId: 'SIM001',
      userName: 'Demo Trader',
    },
    marketData: 'daily',
    ordersAvailable: true,
    lastAttempt: { outcome: 'logged_in', message: 'Logged in as Demo Trader', at, upstoxCode: null },
  });

const attempt = (outcome: NonNullable<LoginStatus['lastAttempt']>['outcome'], message: string, at: string) =>
  loggedOut({ lastAttempt: { outcome, message, at, upstoxCode: null } });

/** A page with a clock, a storage and tabs that remember what was done to them. */
function fakePage(now = Date.parse('2026-03-12T08:00:00.000+05:30')) {
  const stored = new Map<string, string>();
  const tabs: (LoginTab & { closed: boolean })[] = [];
  let popupsBlocked = false;
  const page: LoginEnvironment & { clock: number } = {
    clock: now,
    now: () => page.clock,
    storage: { getItem: (key) => stored.get(key) ?? null, setItem: (key, value) => void stored.set(key, value) },
    openTab: () => {
      if (popupsBlocked) return null;
      const tab = { opener: 'the workstation' as unknown, location: { href: '' }, closed: false, close: () => {} };
      tab.close = () => void (tab.closed = true);
      tabs.push(tab);
      return tab;
    },
  };
  return { page, tabs, stored, blockPopups: () => (popupsBlocked = true) };
}

const toasts = () => useToastsStore.getState().toasts;
const state = () => useLoginStore.getState();

describe('login store', () => {
  let unwire: (() => void) | undefined;
  beforeEach(() => {
    useLoginStore.setState(useLoginStore.getInitialState(), true);
    useToastsStore.setState(useToastsStore.getInitialState(), true);
  });
  afterEach(() => {
    unwire?.();
    unwire = undefined;
  });

  async function wired(answers: Parameters<typeof fakeBridge>[0], initial = loggedOut(), page = fakePage().page) {
    const fake = fakeBridge({ 'login.status': () => initial, ...answers });
    unwire = wireLogin(fake.bridge, page);
    await vi.waitFor(() => expect(state().status).not.toBeNull());
    return fake;
  }

  it('loads the status when wired and follows login_changed, toasting a new login once', async () => {
    const { emit } = await wired({}, attempt('cancelled', 'You cancelled the login', '2026-03-11T20:00:00.000+05:30'));
    // What had happened before the app started is not news.
    expect(toasts()).toEqual([]);

    emit('login_changed', loggedIn());
    emit('login_changed', loggedIn());
    expect(state().status?.daily.userName).toBe('Demo Trader');
    expect(toasts().map((t) => [t.tone, t.text])).toEqual([['ok', 'Logged in to Upstox as Demo Trader']]);
  });

  it('toasts a failed login with its message until dismissed, and an expiry with a way to log in again', async () => {
    const { emit } = await wired({});
    emit('login_changed', attempt('failed', 'Upstox refused the code: Invalid Auth code', '2026-03-12T09:01:00+05:30'));
    emit('login_changed', {
      ...loggedIn(),
      daily: { ...loggedIn().daily, expired: true },
      lastAttempt: { outcome: 'expired', message: 'expired', at: '2026-03-13T03:30:00+05:30', upstoxCode: null },
    });
    expect(toasts().map((t) => [t.tone, t.text, t.sticky])).toEqual([
      ['bad', 'Upstox refused the code: Invalid Auth code', true],
      ['bad', 'Your Upstox login expired at 03:30 IST: log in again', true],
    ]);
    expect(toasts()[1]?.action?.label).toBe('Log in');
  });

  it('tells once that Upstox refused the Analytics token on a route', async () => {
    const { emit } = await wired({});
    const refused = (refusedBy: string[]) =>
      loggedOut({ analytics: { ...loggedOut().analytics, present: true, refusedBy } });
    emit('login_changed', refused(['/v2/option/chain']));
    emit('login_changed', refused(['/v2/option/chain']));
    expect(toasts().map((t) => t.text)).toEqual([
      'Upstox refused the Analytics token on /v2/option/chain: using the daily token there',
    ]);
  });

  it("toasts a logout once, though both the command's answer and the event bring it", async () => {
    const out = attempt('logged_out', 'Logged out of Upstox', '2026-03-12T15:30:00+05:30');
    const { bridge, emit } = await wired({ 'login.logout': () => out }, loggedIn());
    expect(await logout(bridge)).toBe(true);
    emit('login_changed', out);
    expect(toasts().map((t) => [t.tone, t.text])).toEqual([['info', 'Logged out of Upstox']]);
  });

  it('offers the login once per IST day, with a button that starts it', async () => {
    const { page, tabs, stored } = fakePage(Date.parse('2026-03-12T08:00:00.000+05:30'));
    const offering = loggedOut({ offerLogin: true });
    const { bridge, called } = await wired(
      { 'login.start': () => ({ url: 'https://upstox/dialog', expiresAt: '' }) },
      offering,
      page,
    );
    unwire?.();
    unwire = wireLogin(bridge, page);
    await vi.waitFor(() => expect(called('login.status')).toHaveLength(2));
    expect(toasts().map((t) => t.text)).toEqual(['A new trading day: log in to Upstox']);
    expect(stored.get(LOGIN_OFFERED_KEY)).toBe('2026-03-12');

    toasts()[0]?.action?.run();
    await vi.waitFor(() => expect(tabs[0]?.location.href).toBe('https://upstox/dialog'));

    // 23:59 UTC on the 12th is already the 13th in India.
    page.clock = Date.parse('2026-03-12T23:59:00.000Z');
    unwire();
    unwire = wireLogin(bridge, page);
    await vi.waitFor(() => expect(toasts()).toHaveLength(2));
    expect(stored.get(LOGIN_OFFERED_KEY)).toBe('2026-03-13');
  });

  it('lets the desktop app run the login in its own window, and asks for nothing else', async () => {
    const { page, tabs } = fakePage();
    const { bridge, called } = await wired({}, loggedOut(), page);
    const openUpstoxLogin = vi.fn(async () => {});
    await startLogin({ ...bridge, openUpstoxLogin } as Bridge);
    expect(openUpstoxLogin).toHaveBeenCalledOnce();
    expect(called('login.start')).toEqual([]);
    expect(tabs).toEqual([]);
  });

  it("in a browser, opens the tab within the click, then sends it to Upstox's dialog cut off from this page", async () => {
    const { page, tabs } = fakePage();
    const { bridge } = await wired(
      { 'login.start': () => ({ url: 'https://upstox/dialog?state=s1', expiresAt: '' }) },
      loggedOut(),
      page,
    );
    const started = startLogin(bridge);
    // Nothing awaited yet: a pop-up blocker lets this tab through.
    expect(tabs).toHaveLength(1);
    await started;
    expect(tabs[0]).toMatchObject({
      opener: null,
      location: { href: 'https://upstox/dialog?state=s1' },
      closed: false,
    });
    expect(state().errors.start).toBeUndefined();
  });

  it('closes the tab and keeps the reason when the login cannot start', async () => {
    const { page, tabs } = fakePage();
    const refuse = () => Promise.reject(new WorkstationError('CONFLICT', 'Set the API key and secret first'));
    const { bridge } = await wired({ 'login.start': refuse }, loggedOut(), page);
    await startLogin(bridge);
    expect(tabs[0]?.closed).toBe(true);
    expect(state().errors.start?.message).toBe('Set the API key and secret first');
    expect(state().busy.start).toBeUndefined();
  });

  it('says so when the browser blocks the login tab', async () => {
    const { page, blockPopups } = fakePage();
    const { bridge, called } = await wired({}, loggedOut(), page);
    blockPopups();
    await startLogin(bridge);
    expect(state().errors.start?.message).toBe(POPUP_BLOCKED);
    expect(called('login.start')).toEqual([]);
  });

  it("keeps the engine's complaints about the app by field, for the form to show beside each input", async () => {
    const invalid = () =>
      Promise.reject(
        new WorkstationError('VALIDATION_FAILED', 'invalid input', [
          { path: ['redirectUri'], message: 'redirect URI must be an http(s) URL without credentials or a #fragment' },
        ]),
      );
    const { bridge } = await wired({ 'login.setApp': invalid });
    expect(await saveApp(bridge, { clientId: 'demo-app', redirectUri: 'ftp://x' })).toBe(false);
    expect(state().errors.app?.fields).toEqual({
      redirectUri: 'redirect URI must be an http(s) URL without credentials or a #fragment',
    });
  });
});
