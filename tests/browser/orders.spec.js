// The order desk as customer service works it: the queue in Chinese and English, an order
// arriving without a reload with its contact countdown running, and the contact recorded.
const { test, expect } = require('@playwright/test');
const { accessible, call, listedProduct, login, screens, signIn } = require('./helpers');

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
  await screens(page, 'order-queue');
  await accessible(page, 'the order queue');

  // A change recorded elsewhere shows up too: payment verified by a colleague.
  const verified = await call(request, 'POST', `/orders/${created.body.id}/events`, admin, { kind: 'payment_verified', note: 'ok' });
  expect(verified.status, JSON.stringify(verified.body)).toBe(201);
  await expect(row).toContainText('已核实');

  // The same screen in English.
  await page.getByTestId('language').selectOption('en');
  await expect(page.getByRole('heading', { name: 'Order queue' })).toBeVisible();
  await expect(row).toContainText('Verified');
  await screens(page, 'order-queue');

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
  // Who did it, and the record checked against its hash chain (R-ORD-2).
  await expect(page.getByTestId('timeline').locator('li[data-kind="customer_contacted"]')).toContainText('Administrator');
  await expect(page.getByTestId('chain-check')).toContainText('The record is intact');
  await screens(page, 'order-detail');
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
  await screens(page, 'order-entry');
  await accessible(page, 'order entry');

  await page.getByTestId('submit-order').dblclick();
  await expect(page.getByTestId('order')).toBeVisible();
  await expect(page.getByTestId('order-total')).toHaveText('¥384.00');
  const found = await call(request, 'GET', `/orders?channel=phone&limit=200`, admin);
  expect(found.body.items.filter((o) => o.channel_order_no === no)).toHaveLength(1);
});

test('an order for a known customer is entered from their page, without typing their details again', async ({ page, request }) => {
  const admin = await login(request, 'admin', password);
  const product = await listedProduct(request, admin, `LIUAN-${run}`.toUpperCase());
  const first = await call(request, 'POST', '/orders', admin, {
    channel: 'phone', channel_order_no: `PH-K1-${run}`,
    customer: { name: `郑琳${run}`, phone: '13700000011', address: '宁波市鄞州区 11 号' },
    shipping_address: '宁波市鄞州区 11 号', payment_method: 'cod', payment_status: 'cod',
    lines: [{ sku: product.sku, quantity: 1 }],
  });
  expect(first.status, JSON.stringify(first.body)).toBe(201);
  await signIn(page, 'admin', password);
  await page.getByTestId('language').selectOption('en');
  // Found by name from the order form itself…
  await page.getByTestId('nav-new-order').click();
  await page.getByLabel('Existing customer (name or phone)').fill(`郑琳${run}`);
  await page.getByTestId('pick-customer').click();
  await expect(page.getByTestId('chosen-customer')).toContainText('13700000011');
  await expect(page.getByLabel('Ship to')).toHaveValue('宁波市鄞州区 11 号');
  // …or reached from the customer's page.
  await page.goto(`/customers/${first.body.customer_id}`);
  await page.getByTestId('new-order-for').click();
  await expect(page.getByTestId('chosen-customer')).toContainText(`郑琳${run}`);
  await page.getByLabel('Order no.').fill(`PH-K2-${run}`);
  await page.getByLabel('Find a product by SKU or name').fill(product.sku);
  await page.getByTestId('add-line').first().click();
  await page.getByTestId('submit-order').click();
  await expect(page.getByTestId('order')).toBeVisible();
  const theirs = await call(request, 'GET', `/orders?customer_id=${first.body.customer_id}&limit=200`, admin);
  expect(theirs.body.items.map((o) => o.channel_order_no).sort()).toEqual([`PH-K1-${run}`, `PH-K2-${run}`]);
});

test('a CSV of orders is checked row by row before anything is imported, then imported once', async ({ page, request }) => {
  const admin = await login(request, 'admin', password);
  const product = await listedProduct(request, admin, `MAOFENG-${run}`.toUpperCase());
  const header = 'channel,channel_order_no,customer_name,customer_phone,customer_address,shipping_address,payment_method,payment_status,sku,quantity';
  const row = (no, sku, qty) => `tmall,${no},钱程,13700000012,上海市徐汇区 12 号,上海市徐汇区 12 号,alipay,paid,${sku},${qty}`;
  const bad = [header, row(`TM-I1-${run}`, product.sku, 2), row(`TM-I2-${run}`, 'NO-SUCH-SKU', 1)].join('\n');
  await signIn(page, 'admin', password);
  await page.getByTestId('language').selectOption('en');
  await page.getByTestId('nav-import-orders').click();
  await page.getByLabel('CSV file').setInputFiles({ name: 'orders.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await expect(page.getByLabel('Or paste the CSV')).toHaveValue(bad);
  await page.getByTestId('dry-run').click();
  await expect(page.getByTestId('import-summary')).toContainText('2 orders checked');
  await expect(page.locator('[data-testid="import-row"][data-outcome="error"]')).toContainText(`TM-I2-${run}`);
  await expect(page.locator('[data-testid="import-row"][data-outcome="valid"]')).toContainText(`TM-I1-${run}`);
  // Refused rows keep the import closed; the dry run wrote nothing.
  await expect(page.getByTestId('import')).toBeDisabled();
  expect((await call(request, 'GET', `/orders?channel=tmall&limit=200`, admin)).body.items
    .filter((o) => o.channel_order_no.endsWith(run) && o.channel_order_no.startsWith('TM-I'))).toHaveLength(0);
  await screens(page, 'order-import');
  await accessible(page, 'order import');

  const good = [header, row(`TM-I1-${run}`, product.sku, 2), row(`TM-I3-${run}`, product.sku, 1)].join('\n');
  await page.getByLabel('Or paste the CSV').fill(good);
  // The text changed since its check: it must be checked again.
  await expect(page.getByTestId('import')).toBeDisabled();
  await page.getByTestId('dry-run').click();
  await expect(page.getByTestId('import')).toBeEnabled();
  await page.getByTestId('import').dblclick();
  await expect(page.getByTestId('toast').filter({ hasText: '2 orders imported.' })).toBeVisible();
  const made = (await call(request, 'GET', `/orders?channel=tmall&limit=200`, admin)).body.items
    .filter((o) => o.channel_order_no.startsWith('TM-I') && o.channel_order_no.endsWith(run));
  expect(made.map((o) => o.channel_order_no).sort()).toEqual([`TM-I1-${run}`, `TM-I3-${run}`]);
});

test('the queue catches up through the event stream after the connection drops', async ({ page, request }) => {
  const admin = await login(request, 'admin', password);
  const product = await listedProduct(request, admin, `YINZHEN-${run}`.toUpperCase());
  const order = (no) => call(request, 'POST', '/orders', admin, {
    channel: 'jd', channel_order_no: no,
    customer: { name: '冯涛', phone: '13700000013', address: '南京市鼓楼区 13 号' },
    shipping_address: '南京市鼓楼区 13 号', payment_method: 'alipay', payment_status: 'paid',
    lines: [{ sku: product.sku, quantity: 1 }],
  });
  // The browser reaches the server through a TCP relay the test can cut, as a flaky line would.
  const net = require('net');
  const target = new URL(process.env.ECOPS_URL || 'http://127.0.0.1:8080');
  const sockets = new Set();
  let cut = false;
  const relay = net.createServer((client) => {
    if (cut) { client.destroy(); return; }
    const upstream = net.connect(Number(target.port), target.hostname);
    const close = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream); };
    [client, upstream].forEach((s) => { sockets.add(s); s.on('error', close); s.on('close', close); });
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise((ready) => relay.listen(0, '127.0.0.1', ready));
  const origin = `http://127.0.0.1:${relay.address().port}`;
  try {
    await page.goto(`${origin}/`);
    await page.getByLabel('Username · 用户名').fill('admin');
    await page.getByLabel('Password · 密码').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('home')).toBeVisible();
    const opened = page.waitForRequest((r) => r.url().includes('/api/v1/orders/stream'));
    await page.getByTestId('nav-orders').click();
    await opened;
    expect((await order(`JD-S1-${run}`)).status).toBe(201);
    await expect(page.locator(`[data-order-no="JD-S1-${run}"]`)).toBeVisible();

    // The line drops and stays down while an order arrives.
    const refused = page.waitForEvent('requestfailed', (r) => r.url().includes('/api/v1/orders/stream'));
    cut = true;
    sockets.forEach((s) => s.destroy());
    expect((await order(`JD-S2-${run}`)).status).toBe(201);
    // A reconnect attempt fails while the line is down: nothing new reaches the page.
    await refused;
    await expect(page.locator(`[data-order-no="JD-S2-${run}"]`)).toHaveCount(0);
    const resumed = page.waitForRequest((r) => r.url().includes('/api/v1/orders/stream') && Boolean(r.headers()['last-event-id']));
    cut = false;
    // The stream reconnects from the last event it saw; the missed order shows without a reload.
    await resumed;
    await expect(page.locator(`[data-order-no="JD-S2-${run}"]`)).toBeVisible();
    expect((await order(`JD-S3-${run}`)).status).toBe(201);
    await expect(page.locator(`[data-order-no="JD-S3-${run}"]`)).toBeVisible();
  } finally {
    sockets.forEach((s) => s.destroy());
    relay.close();
  }
});
