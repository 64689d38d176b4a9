import { expect, type APIRequestContext } from '@playwright/test';
import type { ServedApp } from '../fixtures';

export interface Subscription {
  instrumentKey: string;
  mode: string;
}

/** The Local API of the served app, with its token: for arranging state and checking what the engine stored. */
export class EngineApi {
  constructor(
    private readonly request: APIRequestContext,
    private readonly app: ServedApp,
  ) {}

  private get headers() {
    return { Authorization: `Bearer ${this.app.token}` };
  }

  private url(route: string): string {
    return `${this.app.origin}/api/v1${route}`;
  }

  /** GET a route that must answer 2xx; its JSON body. */
  async get<T>(route: string): Promise<T> {
    const answer = await this.request.get(this.url(route), { headers: this.headers });
    expect(answer.ok(), `GET ${route}`).toBe(true);
    return (await answer.json()) as T;
  }

  /** Sends `data` and answers the raw response, for tests about refusals too. */
  send(method: 'POST' | 'PUT' | 'DELETE', route: string, data?: unknown) {
    return this.request.fetch(this.url(route), { method, headers: this.headers, data });
  }

  subscriptions(): Promise<Subscription[]> {
    return this.get<Subscription[]>('/feed/subscriptions');
  }

  async subscribe(instrumentKeys: string[], mode: string): Promise<void> {
    expect((await this.send('POST', '/feed/subscriptions', { instrumentKeys, mode })).ok()).toBe(true);
  }

  async unsubscribe(instrumentKeys: string[]): Promise<void> {
    expect((await this.send('DELETE', '/feed/subscriptions', { instrumentKeys })).ok()).toBe(true);
  }

  /** Puts a watchlist back as it was (specs share the engine of their worker). */
  async restoreSubscriptions(list: readonly Subscription[]): Promise<void> {
    const byMode = new Map<string, string[]>();
    for (const s of list) byMode.set(s.mode, [...(byMode.get(s.mode) ?? []), s.instrumentKey]);
    for (const [mode, keys] of byMode) await this.subscribe(keys, mode);
  }
}
