// Session security as the browser sees it: no token in web storage, the refresh token in an
// HttpOnly cookie, a reload resumes the session, and a form open while the access token
// expires still submits. The test server runs with a 20-second access token.
const { test, expect } = require('@playwright/test');
const { listedProduct, screens } = require('./helpers');

const password = process.env.ECOPS_ADMIN_PASSWORD;
const run = Date.now().toString(36);

async function signIn(page) {
  await page.goto('/');
  await page.getByLabel('Username · 用户名').fill('admin');
  await page.getByLabel('Password · 密码').fill(password);
  const [login] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login')),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  await expect(page.getByTestId('home')).toBeVisible();
  return (await login.json()).access_token;
}

test('no token is kept where scripts can read it, and a reload resumes the session', async ({ page, context }) => {
  const access = await signIn(page);
  expect(access).toBeTruthy();
  const stored = await page.evaluate(() => [
    ...Object.keys(localStorage).map((k) => `${k}=${localStorage.getItem(k)}`),
    ...Object.keys(sessionStorage).map((k) => `${k}=${sessionStorage.getItem(k)}`),
  ]);
  for (const entry of stored) {
    expect(entry).not.toContain(access);
    expect(entry.toLowerCase()).not.toContain('token');
  }
  const cookies = await context.cookies();
  const refresh = cookies.find((c) => c.name === 'ecops_refresh');
  expect(refresh).toBeTruthy();
  expect(refresh.httpOnly).toBe(true);
  expect(refresh.sameSite).toBe('Strict');
  expect(refresh.path).toBe('/api/v1/auth/refresh');
  expect(await page.evaluate(() => document.cookie)).not.toContain('ecops_refresh');

  await page.reload();
  await expect(page.getByTestId('home')).toBeVisible();
  await page.getByTestId('logout').click();
  await expect(page.getByTestId('login-form')).toBeVisible();
  expect((await context.cookies()).find((c) => c.name === 'ecops_refresh')).toBeFalsy();
});

test('a form open while the access token expires still submits', async ({ page, request }) => {
  test.setTimeout(90_000);
  const access = await signIn(page);
  // An order to work on, taken by admin (who holds customer service) through the API.
  const sku = (await listedProduct(request, access, `JASMINE-${run}`.toUpperCase())).sku;
  const no = `EXP-${run}`;
  const created = await request.post('/api/v1/orders', {
    headers: { Authorization: `Bearer ${access}` },
    data: {
      channel: 'phone', channel_order_no: no,
      customer: { name: '赵磊', phone: '13900000002', address: '杭州市上城区 2 号' },
      shipping_address: '杭州市上城区 2 号', payment_method: 'cod', payment_status: 'cod',
      lines: [{ sku, quantity: 1 }],
    },
  });
  expect(created.status()).toBe(201);
  const order = await created.json();

  await page.goto(`/orders/${order.id}`);
  await expect(page.getByTestId('contact-form')).toBeVisible();
  await page.locator('#note').fill('电话确认,货到付款');

  // Wait until the server refuses the page's access token.
  await expect.poll(async () => (await request.get('/api/v1/me', { headers: { Authorization: `Bearer ${access}` } })).status(),
    { timeout: 60_000, intervals: [1_000] }).toBe(401);

  await page.locator('form[data-testid="contact-form"] button[type="submit"]').click();
  await expect(page.getByTestId('timeline').locator('li[data-kind="customer_contacted"]')).toHaveCount(1);
  await expect(page.locator('#note')).toHaveCount(0);
});

test('changing one\'s password signs in again with the new one', async ({ page, request }) => {
  const { call, login, signIn } = require('./helpers');
  const admin = await login(request, 'admin', password);
  const username = `pw.${run}`;
  const made = await call(request, 'POST', '/users', admin, {
    username, display_name: '周敏', password: 'Maple-Lantern-42', roles: ['designer'],
  });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  await signIn(page, username, 'Maple-Lantern-42');
  await page.getByTestId('language').selectOption('en');
  await page.getByRole('link', { name: 'Change password' }).click();
  await expect(page.getByTestId('change-password')).toBeVisible();
  await page.getByLabel('Current password').fill('Maple-Lantern-42');
  await page.getByLabel('New password', { exact: true }).fill('short');
  await page.getByLabel('New password again').fill('short');
  await page.getByRole('button', { name: 'Change password' }).click();
  // The policy is the server's: its refusal shows next to the field.
  await expect(page.getByTestId('error-new_password')).toBeVisible();
  await page.getByLabel('New password', { exact: true }).fill('Harbour-Willow-93');
  await page.getByLabel('New password again').fill('Harbour-Willow-93');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByTestId('home')).toBeVisible();
  const old = await call(request, 'POST', '/auth/login', null, { username, password: 'Maple-Lantern-42' });
  expect(old.status).toBe(401);
  await login(request, username, 'Harbour-Willow-93');
});

test('a password that has expired leads to the change-password screen at login, then on', async ({ page, request }) => {
  const { call, login } = require('./helpers');
  const admin = await login(request, 'admin', password);
  const username = `old.${run}`;
  const made = await call(request, 'POST', '/users', admin, {
    username, display_name: '许静', password: 'Cedar-Meadow-57', roles: ['designer'],
  });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  // The clock the test moves: the password's change date, set back past the 90-day limit in the
  // server's database (the path comes from the test command).
  const db = process.env.ECOPS_DB;
  expect(db, 'ECOPS_DB names the test server\'s SQLite file').toBeTruthy();
  require('child_process').execFileSync('python3', ['-c', [
    'import sqlite3, sys',
    'c = sqlite3.connect(sys.argv[1], timeout=10)',
    "c.execute(\"UPDATE users SET password_changed_at = datetime('now', '-100 days') WHERE username = ?\", (sys.argv[2],))",
    'c.commit()',
  ].join('\n'), db, username]);

  await page.goto('/');
  await page.getByLabel('Username · 用户名').fill(username);
  await page.getByLabel('Password · 密码').fill('Cedar-Meadow-57');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('change-password')).toBeVisible();
  // Nowhere else to go until it is changed.
  await page.goto('/orders');
  await expect(page.getByTestId('change-password')).toBeVisible();
  await page.getByTestId('language').selectOption('en');
  await page.getByLabel('Current password').fill('Cedar-Meadow-57');
  await page.getByLabel('New password', { exact: true }).fill('Birch-Harbour-68');
  await page.getByLabel('New password again').fill('Birch-Harbour-68');
  await screens(page, 'password-expired');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByTestId('home')).toBeVisible();
  const fresh = await call(request, 'POST', '/auth/login', null, { username, password: 'Birch-Harbour-68' });
  expect(fresh.body.password_expired).toBe(false);
});
