import { expect, type Page } from '@playwright/test';
import type { ServedApp } from '../fixtures';

const VIEW_KEYS = {
  market: 'Alt+1',
  imports: 'Alt+2',
  scanner: 'Alt+3',
  'deep-dive': 'Alt+4',
  reports: 'Alt+5',
  orders: 'Alt+6',
  jobs: 'Alt+7',
  settings: 'Alt+8',
} as const;
const VIEW_TITLES = {
  market: 'Market',
  imports: 'Imports',
  scanner: 'Scanner',
  'deep-dive': 'Deep-dive',
  reports: 'Reports',
  orders: 'Orders',
  jobs: 'Jobs',
  settings: 'Settings',
} as const;

/** The app around the views: navigation, the status bar, the world badges. */
export class Shell {
  constructor(
    readonly page: Page,
    private readonly app: ServedApp,
  ) {}

  /** Opens the address `npm run serve` printed (token in the fragment) and waits for the engine. */
  async open(): Promise<void> {
    await this.page.goto(this.app.openUrl);
    await expect(this.engineStatus).toContainText('connected');
  }

  /** Goes to a view by its keyboard shortcut and waits for its heading. */
  async goTo(view: keyof typeof VIEW_KEYS): Promise<void> {
    await this.page.keyboard.press(VIEW_KEYS[view]);
    await expect(this.heading(VIEW_TITLES[view])).toBeVisible();
  }

  heading(name: string) {
    return this.page.getByRole('heading', { level: 1, name });
  }

  navButton(name: string) {
    return this.page.getByRole('button', { name: new RegExp(`^${name}`) });
  }

  get engineStatus() {
    return this.page.getByTestId('status-engine');
  }

  get modeStatus() {
    return this.page.getByTestId('status-mode');
  }

  get jobsStatus() {
    return this.page.getByTestId('status-jobs');
  }

  /** The large badge of the Market view, or the small one beside the chart's symbol and in the status bar. */
  worldBadge(size: 'large' | 'small' = 'large') {
    return this.page.getByTestId(`world-badge-${size}`);
  }
}
