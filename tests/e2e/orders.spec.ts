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

test.describe('Modify an order', () => {
  test('changes the price and quantity of a working limit order from its detail, with the keyboard', async ({
    page,
    shell,
    orders,
    api,
  }) => {
    await shell.open();
    await api.subscribe([RELIANCE], 'full');
    const ltp = async () =>
      (await api.get<Record<string, { ltp: number }>>(`/feed/latest-ticks?keys=${RELIANCE}`))[RELIANCE]?.ltp ?? 0;
    await expect.poll(ltp, { timeout: 20_000 }).toBeGreaterThan(0);
    const far = Math.round((await ltp()) * 0.5 * 10) / 10;
    const placed = await api.send('POST', '/orders', {
      instrumentKey: RELIANCE,
      side: 'BUY',
      quantity: 5,
      orderType: 'LIMIT',
      price: far,
      product: 'D',
    });
    expect(placed.status()).toBe(202);
    const { orderId } = (await placed.json()) as { orderId: number };

    await orders.open();
    const row = orders.rows.filter({ hasText: `#${orderId}` });
    await expect(row.getByTestId('order-status')).toHaveAttribute('data-status', 'OPEN');
    await row.click();
    await page.keyboard.press('m');
    const form = page.getByTestId('modify-order');
    await expect(form).toBeVisible();
    await form.getByLabel(/^Quantity/).fill('7');
    await form.getByLabel('Price (₹)').fill(String(far - 1));
    await page.keyboard.press('Enter');
    await expect(form).toHaveCount(0);
    await expect(page.getByText(/modified: quantity 5 → 7/)).toBeVisible();
    await expect(row.getByTestId('order-filled')).toHaveText('0/7');
    const stored = await api.get<{ quantity: number; price: number }>(`/orders/${orderId}`);
    expect(stored).toMatchObject({ quantity: 7, price: far - 1 });
    await page.screenshot({ path: shot('order-modified') });
    expect((await api.send('POST', `/orders/${orderId}/cancel`)).ok()).toBe(true);
  });
});
