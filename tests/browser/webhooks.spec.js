// Webhooks as IT works them: a subscription made on the screen (its secret shown once), a test
// ping, an order's event delivered to a receiver on loopback and read in the delivery log,
// pause and resume, one event sent again; a target inside the network refused with the field.
const http = require('http');
const { test, expect } = require('@playwright/test');
const { accessible, call, listedProduct, login, screens, signIn } = require('./helpers');

const password = process.env.ECOPS_ADMIN_PASSWORD;
const run = `${Date.now().toString(36)}w`;

// A receiver on 127.0.0.1 (allowlisted in the test server's configuration) recording what it gets.
function receiver() {
  const got = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      got.push({ id: req.headers['webhook-id'], signature: req.headers['webhook-signature'], body: JSON.parse(body || 'null') });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('thanks');
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ got, server, url: `http://127.0.0.1:${server.address().port}/hooks/${run}` }));
  });
}

test('a subscription is made, pinged, delivers an order, is paused and resumed, and sends an event again', async ({ page, request }) => {
  const rx = await receiver();
  try {
    await signIn(page, 'admin', password);
    await page.getByTestId('language').selectOption('en');
    await page.getByTestId('nav-webhooks').click();
    await expect(page.getByTestId('webhooks')).toBeVisible();

    // A target inside the network is refused, the field named.
    await page.getByTestId('webhook-url').fill('https://169.254.169.254/latest/meta-data');
    await page.getByTestId('create-webhook').click();
    await expect(page.getByTestId('error-url')).toContainText('internal address');

    await page.getByTestId('webhook-url').fill(rx.url);
    await page.getByTestId('webhook-description').fill(`ERP ${run}`);
    await expect(page.getByTestId('webhook-type-order.created')).toBeChecked();
    await page.getByTestId('create-webhook').click();
    await expect(page.getByTestId('webhook-secret')).toHaveText(/^whsec_/);
    await screens(page, 'webhook-created');
    await accessible(page, 'the webhooks screen');
    await page.getByTestId('webhook-secret-done').click();
    await expect(page.getByTestId('webhook-secret-box')).toHaveCount(0);

    const row = page.getByTestId('webhook-row').filter({ hasText: rx.url });
    await expect(row.getByTestId('webhook-state')).toHaveText('Active');
    await row.getByTestId('webhook-ping').click();
    await expect(page.getByText(/The receiver answered in \d+ ms/)).toBeVisible();
    await expect.poll(() => rx.got.filter((g) => g.body && g.body.type === 'webhook.ping').length).toBe(1);
    expect(rx.got[0].signature).toMatch(/^v1,/);

    // An order taken: its event reaches the receiver and the log.
    const admin = await login(request, 'admin', password);
    const product = await listedProduct(request, admin, `HOOK-${run}`.toUpperCase());
    const order = await call(request, 'POST', '/orders', admin, {
      channel: 'tmall', channel_order_no: `WH-${run}`,
      customer: { name: '周婷', phone: '13600000016', address: '杭州市西湖区 16 号' },
      shipping_address: '杭州市西湖区 16 号', payment_method: 'alipay', payment_status: 'paid',
      lines: [{ sku: product.sku, quantity: 1 }],
    });
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    await expect.poll(() => rx.got.filter((g) => g.body && g.body.type === 'order.created').length, { timeout: 15000 }).toBe(1);
    const delivered = rx.got.find((g) => g.body.type === 'order.created');
    expect(delivered.body.data.id).toBe(order.body.id);

    await row.getByTestId('webhook-log').click();
    const log = page.getByTestId('delivery-log');
    await log.getByTestId('delivery-refresh').click();
    const delivery = log.getByTestId('delivery-row').filter({ hasText: 'order.created' });
    await expect(delivery.getByTestId('delivery-state')).toHaveText('Delivered');
    await expect(log.getByTestId('attempt-row').first().getByTestId('attempt-status')).toHaveText('200');
    await expect(log.getByTestId('attempt-row').first()).toContainText('thanks');
    await screens(page, 'webhook-log');

    // Paused and resumed.
    await row.getByTestId('webhook-pause').click();
    await expect(row.getByTestId('webhook-state')).toHaveText('Paused');
    await row.getByTestId('webhook-resume').click();
    await expect(row.getByTestId('webhook-state')).toHaveText('Active');

    // Sent again from the log: the same webhook-id.
    await delivery.getByTestId('delivery-redeliver').click();
    await expect(page.getByText('Queued to be sent again')).toBeVisible();
    await expect.poll(() => rx.got.filter((g) => g.id === delivered.id).length, { timeout: 15000 }).toBe(2);

    // A period sent again: two days either side (typed in company time) hold the order's event.
    const day = (offset) => {
      const d = new Date(Date.now() + offset * 86400000);
      const pad = (n) => String(n).padStart(2, '0');
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T00:00`;
    };
    await log.getByTestId('range-from').fill(day(-2));
    await log.getByTestId('range-to').fill(day(2));
    await log.getByTestId('range-submit').click();
    await expect(page.getByText(/Queued to be sent again: \d+/)).toBeVisible();
    await expect.poll(() => rx.got.filter((g) => g.id === delivered.id).length, { timeout: 15000 }).toBe(3);

    // Removed.
    page.once('dialog', (d) => d.accept());
    await row.getByTestId('webhook-delete').click();
    await expect(page.getByTestId('webhook-row').filter({ hasText: rx.url })).toHaveCount(0);
  } finally {
    rx.server.close();
  }
});
