import { expect, type Locator, type Page } from '@playwright/test';
import type { Shell } from './shell';

/** The order ticket (a dialog over any view) and the Orders view: blotter, detail, positions, wallet, ledger. */
export class OrdersPage {
  readonly page: Page;

  constructor(private readonly shell: Shell) {
    this.page = shell.page;
  }

  async open(): Promise<void> {
    await this.shell.goTo('orders');
  }

  get ticket(): Locator {
    return this.page.getByRole('dialog', { name: 'Order ticket' });
  }

  get quantity(): Locator {
    return this.ticket.getByLabel(/^Quantity/);
  }

  get confirmation(): Locator {
    return this.page.getByTestId('ticket-confirm');
  }

  get rows(): Locator {
    return this.page.getByTestId('order-row');
  }

  position(instrumentKey: string, product = 'I'): Locator {
    return this.page.locator(
      `[data-testid="position-row"][data-instrument="${instrumentKey}"][data-product="${product}"]`,
    );
  }

  /** The unrealised P&L the row shows now, in rupees. */
  async mtmOf(instrumentKey: string): Promise<number> {
    return Number(await this.position(instrumentKey).getByTestId('position-mtm').getAttribute('data-value'));
  }

  toast(text: RegExp | string): Locator {
    return this.page.getByTestId('toast').filter({ hasText: text });
  }

  /** Types the quantity, then Enter (place) and Enter (confirm): the keyboard path through the ticket. */
  async placeWithKeyboard(quantity: number | null): Promise<void> {
    await expect(this.ticket).toBeVisible();
    if (quantity !== null) {
      await expect(this.quantity).toBeFocused();
      await this.quantity.fill(String(quantity));
    }
    // Enter goes to the confirmation once the preview has checked the ticket.
    await expect(this.ticket.getByRole('button', { name: 'Place order' })).toBeEnabled();
    await this.page.keyboard.press('Enter');
    await this.confirmWithKeyboard();
  }

  /** At the confirmation step (a square-off opens there): Enter confirms and the ticket closes. */
  async confirmWithKeyboard(): Promise<void> {
    await expect(this.confirmation).toBeVisible();
    await this.page.keyboard.press('Enter');
    await expect(this.ticket).toHaveCount(0);
  }
}
