import { expect, shot, test } from './fixtures';

const RELIANCE = 'NSE_EQ|INE002A01018';

test.describe('Orders', () => {
  test('buys RELIANCE from the watchlist with the keyboard, sees it fill and its MTM move, then squares it off', async ({
    page,
    market,
    orders,
    api,
  }) => {
    await market.open();
    await expect(market.feedStatus).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
    if ((await market.row(RELIANCE).count()) === 0) await api.subscribe([RELIANCE], 'full');
    const row = market.row(RELIANCE);
    await market.expectTicking(row);
    await row.click();

    // b on the selected row: a BUY ticket for it, quantity focused; Enter places, Enter confirms.
    await page.keyboard.press('b');
    await expect(orders.ticket).toBeVisible();
    await expect(orders.ticket.getByTestId('ticket-side')).toHaveText(/buy/i);
    await expect(orders.ticket.getByTestId('ticket-broker')).toHaveText(/paper/i);
    await orders.quantity.fill('10');
    // The preview values ten shares (about ₹12,000 in the demo market) and estimates their charges.
    await expect(orders.ticket.getByText(/^₹\d{2},\d{3}\.\d{2}$/).first()).toBeVisible();
    await expect(orders.ticket.getByText(/Charges/).first()).toBeVisible();
    await page.screenshot({ path: shot('order-ticket') });
    await orders.placeWithKeyboard(null);
    await expect(orders.toast(/Bought 10 RELIANCE/)).toBeVisible({ timeout: 20_000 });

    await orders.open();
    const order = orders.rows.first();
    await expect(order.getByTestId('order-status')).toHaveAttribute('data-status', 'FILLED');
    await expect(order.getByTestId('order-filled')).toHaveText('10/10');
    const position = orders.position(RELIANCE);
    await expect(position).toBeVisible();
    // Marked to market from the live ticks: the figure moves while we look.
    const first = await orders.mtmOf(RELIANCE);
    await expect.poll(() => orders.mtmOf(RELIANCE), { timeout: 20_000 }).not.toBe(first);

    await order.click();
    await expect(page.getByText('accepted by paper')).toBeVisible();
    await page.screenshot({ path: shot('orders'), fullPage: true });

    // Square off: the opposite MARKET order for the whole position, through the same confirmation.
    await position.getByRole('button', { name: 'Square off' }).click();
    await expect(orders.ticket.getByTestId('ticket-side')).toHaveText(/sell/i);
    await expect(orders.confirmation).toContainText('10 shares');
    await orders.confirmWithKeyboard();
    await expect(orders.toast(/Sold 10 RELIANCE/)).toBeVisible({ timeout: 20_000 });
    await expect(position.getByText('closed')).toBeVisible();
    const stored = await api.get<{ netQuantity: number; instrumentKey: string; product: string }[]>(
      '/positions?includeClosed=true',
    );
    expect(stored.find((p) => p.instrumentKey === RELIANCE && p.product === 'I')?.netQuantity).toBe(0);
    await page.screenshot({ path: shot('orders-squared-off'), fullPage: true });
  });

  test('names the field of a bad ticket and sends nothing', async ({ page, market, orders, api }) => {
    await market.open();
    if ((await market.row(RELIANCE).count()) === 0) await api.subscribe([RELIANCE], 'full');
    await market.row(RELIANCE).click();
    const before = (await api.get<unknown[]>('/orders')).length;
    await page.keyboard.press('s');
    await orders.ticket.getByRole('radio', { name: 'LIMIT', exact: true }).check();
    await orders.quantity.fill('1');
    await orders.ticket.getByLabel('Price (₹)').fill('100.03');
    await expect(page.getByTestId('ticket-error-price')).toContainText('tick size');
    await expect(orders.ticket.getByRole('button', { name: 'Place order' })).toBeDisabled();
    await page.keyboard.press('Escape');
    await expect(orders.ticket).toHaveCount(0);
    expect((await api.get<unknown[]>('/orders')).length).toBe(before);
  });
});
