// The dashboard shell as a user sees it: login, who am I, logout.
const { test, expect } = require('@playwright/test');
const { accessible } = require('./helpers');

const password = process.env.ECOPS_ADMIN_PASSWORD;

test('a wrong password shows the error and keeps the form', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('login-form')).toBeVisible();
  await accessible(page, 'login');
  await page.getByLabel('Username · 用户名').fill('admin');
  await page.getByLabel('Password · 密码').fill('Not-The-Password-1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('login-error')).toContainText('invalid username or password');
  await expect(page.getByTestId('login-form')).toBeVisible();
});

test('the admin logs in, sees name, level and roles, and logs out', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await page.getByLabel('Username · 用户名').fill('admin');
  await page.getByLabel('Password · 密码').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('home')).toBeVisible();
  await expect(page.getByTestId('header-user')).toHaveText('Administrator');
  await expect(page.getByTestId('username')).toHaveText('admin');
  await expect(page.getByTestId('level')).toContainText('db_admin');
  // Every job role: the ten of SPEC §1 and the quality inspector.
  await expect(page.getByTestId('roles').locator('li')).toHaveCount(11);
  await expect(page.locator('[data-role="qa_inspector"]')).toContainText('质检专员');
  await expect(page.locator('[data-role="customer_service"]')).toContainText('客服');
  await page.screenshot({ path: 'test-results/home.png', fullPage: true });
  await accessible(page, 'home');

  // A reload keeps the session.
  await page.reload();
  await expect(page.getByTestId('home')).toBeVisible();

  await page.getByTestId('logout').click();
  await expect(page.getByTestId('login-form')).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('login-form')).toBeVisible();
  expect(errors).toEqual([]);
});

test('client routes deep-link into the app', async ({ page }) => {
  const response = await page.goto('/some/client/route');
  expect(response.status()).toBe(200);
  await expect(page.getByTestId('login-form').or(page.getByText('Page not found · 页面不存在'))).toBeVisible();
});

test('the API reference renders offline', async ({ page }) => {
  const external = [];
  page.on('request', (r) => { if (!r.url().startsWith('http://127.0.0.1')) external.push(r.url()); });
  await page.goto('/api/docs/');
  await expect(page.locator('.swagger-ui .info .title')).toContainText('ecops API');
  await expect(page.locator('.opblock-tag-section').first()).toBeVisible();
  expect(external).toEqual([]);
});

test('the dashboard arrives compressed, its fingerprinted assets cached for a year', async ({ page }) => {
  const [wasm] = await Promise.all([
    page.waitForResponse((r) => /\/pkg\/desk_bg\.[0-9a-f]{10}\.wasm$/.test(r.url())),
    page.goto('/'),
  ]);
  const h = await wasm.allHeaders();
  expect(h['content-encoding']).toBe('br');
  expect(h['cache-control']).toBe('public, max-age=31536000, immutable');
  const index = await page.request.get('/', { headers: { 'Accept-Encoding': 'gzip' } });
  expect(index.headers()['cache-control']).toBe('no-cache');
  await expect(page.getByTestId('login-form')).toBeVisible();
});
