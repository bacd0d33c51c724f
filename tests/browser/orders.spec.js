// The order desk as customer service works it: the queue in Chinese and English, an order
// arriving without a reload with its contact countdown running, and the contact recorded.
const { test, expect } = require('@playwright/test');

const password = process.env.ECOPS_ADMIN_PASSWORD;
const run = Date.now().toString(36);

async function call(request, method, path, token, data, headers = {}) {
  const r = await request.fetch(`/api/v1${path}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
    data,
  });
  const text = await r.text();
  return { status: r.status(), body: text ? JSON.parse(text) : null };
}

async function login(request, username, pw) {
  const r = await call(request, 'POST', '/auth/login', null, { username, password: pw });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.access_token;
}

// A listed, stocked product: admin drafts, stocks and proposes it; a marketing director raised
// through the first-run window approves the listing (R-PRD-3, R-ACL-4).
async function listedProduct(request, admin) {
  const mdPassword = 'Spring-Orchard-31';
  const md = await call(request, 'POST', '/users', admin, {
    username: `md.${run}`, display_name: '王梅', password: mdPassword, roles: ['marketing_director'],
  });
  expect(md.status, JSON.stringify(md.body)).toBe(201);
  const raised = await call(request, 'POST', '/bootstrap/permission-levels', admin, {
    user_id: md.body.user.id, permission_level: 'operator', reason: 'first run',
  });
  expect(raised.status, JSON.stringify(raised.body)).toBe(200);
  const sku = `TEA-${run}`.toUpperCase();
  const p = await call(request, 'POST', '/products', admin, {
    sku, title: '西湖龙井 250g', category: 'tea', list_price_fen: 16800, price_fen: 12800,
  });
  expect(p.status, JSON.stringify(p.body)).toBe(201);
  const moved = await call(request, 'POST', `/products/${p.body.id}/stock-movements`, admin, { delta: 100, reason: 'receipt' });
  expect(moved.status, JSON.stringify(moved.body)).toBe(201);
  const listing = await call(request, 'POST', `/products/${p.body.id}/listing-requests`, admin, { reason: 'new season' });
  expect(listing.status, JSON.stringify(listing.body)).toBe(202);
  const mdToken = await login(request, `md.${run}`, mdPassword);
  const decided = await call(request, 'POST', `/approvals/${listing.body.id}/decisions`, mdToken, { verdict: 'approve', comment: '同意' });
  expect(decided.status, JSON.stringify(decided.body)).toBe(200);
  return sku;
}

test('an order taken through the API appears in the queue, counts down, and its contact is recorded', async ({ page, request }) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const admin = await login(request, 'admin', password);
  const sku = await listedProduct(request, admin);

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
  await page.getByLabel('Note').fill('客户确认地址和数量');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('contact-state')).toContainText('Contacted in time');
  await expect(page.getByTestId('timeline').locator('li[data-kind="customer_contacted"]')).toHaveCount(1);
  await page.screenshot({ path: 'test-results/order-detail-en.png', fullPage: true });

  // Back in the queue the row shows the met deadline.
  await page.getByRole('link', { name: 'Back to the queue' }).click();
  await expect(row.getByText('Contacted in time')).toBeVisible();
  await page.getByTestId('language').selectOption('zh');
  expect(errors).toEqual([]);
});
