// The order desk as customer service works it: the queue in Chinese and English, an order
// arriving without a reload with its contact countdown running, and the contact recorded.
const { test, expect } = require('@playwright/test');
const { accessible, call, login, listedProduct, signIn } = require('./helpers');

const password = process.env.ECOPS_ADMIN_PASSWORD;
const run = Date.now().toString(36);

test('an order taken through the API appears in the queue, counts down, and its contact is recorded', async ({ page, request }) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const admin = await login(request, 'admin', password);
  const sku = (await listedProduct(request, admin, `TEA-${run}`.toUpperCase())).sku;

  await page.goto('/');
  await page.getByLabel('Username · 用户名').fill('admin');
  await page.getByLabel('Password · 密码').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('home')).toBeVisible();

  // Chinese by default; the queue is one click away for someone holding customer service.
  await expect(page.getByTestId('nav-orders')).toHaveText('订单队列');
  await page.getByTestId('nav-orders').click();
  await expect(page).toHaveURL(/\/orders$/);
  await expect(page.getByRole('heading', { name: '订单队列' })).toBeVisible();

  // A new order arrives while the page is open: no reload.
  const no = `TB-${run}`;
  const created = await call(request, 'POST', '/orders', admin, {
    channel: 'taobao', channel_order_no: no,
    customer: { name: '王芳', phone: '13800000001', address: '杭州市西湖区 1 号' },
    shipping_address: '杭州市西湖区 1 号', payment_method: 'alipay', payment_status: 'paid',
    lines: [{ sku, quantity: 2 }],
  }, { 'Idempotency-Key': `browser-${run}` });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const row = page.locator(`[data-testid="order-row"][data-order-no="${no}"]`);
  await expect(row).toBeVisible();
  await expect(row).toContainText('¥256.00');

  // Its countdown runs: ten minutes, then less, still calm.
  const countdown = row.getByTestId('countdown');
  await expect(countdown).toHaveAttribute('data-urgency', 'calm');
  const first = await countdown.textContent();
  await expect.poll(async () => countdown.textContent(), { timeout: 5_000 }).not.toBe(first);
  await page.screenshot({ path: 'test-results/order-queue-zh.png', fullPage: true });
  await accessible(page, 'the order queue');

  // A change recorded elsewhere shows up too: payment verified by a colleague.
  const verified = await call(request, 'POST', `/orders/${created.body.id}/events`, admin, { kind: 'payment_verified', note: 'ok' });
  expect(verified.status, JSON.stringify(verified.body)).toBe(201);
  await expect(row).toContainText('已核实');

  // The same screen in English.
  await page.getByTestId('language').selectOption('en');
  await expect(page.getByRole('heading', { name: 'Order queue' })).toBeVisible();
  await expect(row).toContainText('Verified');
  await page.screenshot({ path: 'test-results/order-queue-en.png', fullPage: true });

  // Filters live in the URL: most urgent first, overdue only shows nothing yet.
  await page.getByTestId('sort').selectOption('contact_due');
  await expect(page).toHaveURL(/sort=contact_due/);
  await page.getByTestId('overdue-filter').check();
  await expect(page.getByTestId('orders-empty')).toBeVisible();
  await page.getByTestId('overdue-filter').uncheck();
  await expect(row).toBeVisible();

  // Open it from the keyboard-workable table and record the contact: the deadline is met.
  await row.click();
  await expect(page.getByTestId('order')).toBeVisible();
  await expect(page.getByTestId('order-status')).toHaveText('Verified');
  await expect(page.getByTestId('order-total')).toHaveText('¥256.00');
  await page.locator('#note').fill('客户确认地址和数量');
  await page.getByTestId('contact-form').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('contact-state')).toContainText('Contacted in time');
  await expect(page.getByTestId('timeline').locator('li[data-kind="customer_contacted"]')).toHaveCount(1);
  await page.screenshot({ path: 'test-results/order-detail-en.png', fullPage: true });
  await accessible(page, 'the order detail');

  // The warehouse's part: shipping before the pick check is refused by the rules (R-ORD-6);
  // checked, then shipped with carrier and tracking number.
  await page.locator('#action-kind').selectOption('shipped');
  await page.getByLabel('Carrier').fill('顺丰');
  await page.getByLabel('Tracking number').fill('SF1234567890');
  await page.getByTestId('record-event').click();
  await expect(page.getByTestId('action-error')).toBeVisible();
  await expect(page.getByTestId('order-status')).toHaveText('Verified');
  await page.locator('#action-kind').selectOption('picked_checked');
  await page.getByTestId('record-event').click();
  await expect(page.getByTestId('order-status')).toHaveText('Checked out');
  await page.locator('#action-kind').selectOption('shipped');
  await page.getByLabel('Carrier').fill('顺丰');
  await page.getByLabel('Tracking number').fill('SF1234567890');
  await page.getByTestId('record-event').click();
  await expect(page.getByTestId('order-status')).toHaveText('Shipped');
  await expect(page.getByTestId('timeline').locator('li[data-kind="shipped"]')).toHaveCount(1);

  // Back in the queue the row shows the met deadline.
  await page.getByRole('link', { name: 'Back to the queue' }).click();
  await expect(row.getByText('Contacted in time')).toBeVisible();
  await expect(row).toContainText('Shipped');
  await page.getByTestId('language').selectOption('zh');
  expect(errors).toEqual([]);
});

test('a phone order entered twice by a double click is one order', async ({ page, request }) => {
  const admin = await login(request, 'admin', password);
  const product = await listedProduct(request, admin, `PUER-${run}`.toUpperCase());
  await signIn(page, 'admin', password);
  await page.getByTestId('language').selectOption('en');
  await page.getByTestId('nav-new-order').click();
  await expect(page.getByTestId('new-order')).toBeVisible();
  const no = `PH-${run}`;
  await page.getByLabel('Order no.').fill(no);
  await page.getByLabel('Customer name').fill('刘洋');

  // The form checks the server's limits as the user types: a two-digit phone is refused.
  await page.getByLabel('Customer phone').fill('13');
  await page.getByLabel('Ship to').fill('杭州市滨江区 3 号');
  await page.getByTestId('submit-order').click();
  await expect(page.getByTestId('error-customer.phone')).toBeVisible();
  await page.getByLabel('Customer phone').fill('13700000003');
  await expect(page.getByTestId('error-customer.phone')).toHaveCount(0);

  await page.getByLabel('Find a product by SKU or name').fill(product.sku);
  await page.getByTestId('add-line').first().click();
  await page.getByLabel('Quantity').fill('3');
  await expect(page.getByTestId('entry-total')).toHaveText('¥384.00');
  await page.screenshot({ path: 'test-results/order-entry-en.png', fullPage: true });
  await accessible(page, 'order entry');

  await page.getByTestId('submit-order').dblclick();
  await expect(page.getByTestId('order')).toBeVisible();
  await expect(page.getByTestId('order-total')).toHaveText('¥384.00');
  const found = await call(request, 'GET', `/orders?channel=phone&limit=200`, admin);
  expect(found.body.items.filter((o) => o.channel_order_no === no)).toHaveLength(1);
});
