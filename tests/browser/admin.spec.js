// Administration as the IT admin does it: an account created and given a job role, an API token
// whose secret is shown once, and the audit log filtered to one user's failed logins.
const { test, expect } = require('@playwright/test');
const fs = require('fs');
const { accessible, call, login, screens, signIn } = require('./helpers');

const password = process.env.ECOPS_ADMIN_PASSWORD;
const run = Date.now().toString(36);

test('the IT admin creates an account, grants a role and makes a token whose secret shows once', async ({ page, request }) => {
  await signIn(page, 'admin', password);
  await page.getByTestId('language').selectOption('en');
  await page.getByTestId('nav-admin').click();
  await expect(page.getByTestId('admin-users')).toBeVisible();
  await page.getByTestId('new-user').click();
  await page.getByLabel('Username').fill(`new.${run}`);
  await page.getByLabel('Name', { exact: true }).fill(`陈新${run}`);
  await page.getByLabel('Initial password').fill('Velvet-Orchard-83');
  await page.getByTestId('new-user-form').getByLabel('Work phone').fill('+86 138 0013 8000');
  await page.getByTestId('new-user-form').getByLabel('Customer service').check();
  await page.getByTestId('create-user').click();
  const row = page.getByTestId('user-row').filter({ hasText: `new.${run}` });
  await expect(row).toBeVisible();
  await expect(row.getByTestId('user-level')).toHaveText('Viewer');
  await screens(page, 'admin-users');
  await accessible(page, 'the accounts');

  // A second job role, saved.
  await row.getByTestId('user-open').click();
  await expect(page.getByTestId('user-panel').getByLabel('Work phone')).toHaveValue('+86 138 0013 8000');
  await page.getByTestId('role-cs_supervisor').check();
  await page.getByTestId('save-roles').click();
  await expect(row).toContainText('CS supervisor');
  const users = await call(request, 'GET', '/users?limit=200', await login(request, 'admin', password));
  const made = users.body.items.find((u) => u.username === `new.${run}`);
  expect(made.roles.sort()).toEqual(['cs_supervisor', 'customer_service']);

  // The token's secret is shown once; after "stored" it is gone for good.
  await page.getByTestId('tab-tokens').click();
  await expect(page.getByTestId('admin-tokens')).toBeVisible();
  await page.getByTestId('token-name').fill(`warehouse-${run}`);
  await page.getByTestId('scope-orders:read').check();
  await page.getByTestId('create-token').click();
  const secret = (await page.getByTestId('token-secret').innerText()).trim();
  expect(secret.length).toBeGreaterThan(20);
  await expect(page.getByTestId('token-row').filter({ hasText: `warehouse-${run}` })).toBeVisible();
  await screens(page, 'admin-token-secret');
  await accessible(page, 'the API tokens');
  // The secret works as a bearer token with its scope.
  const used = await call(request, 'GET', '/orders?limit=1', secret);
  expect(used.status, JSON.stringify(used.body)).toBe(200);
  await page.getByTestId('secret-done').click();
  await expect(page.getByTestId('token-secret')).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('token-row').filter({ hasText: `warehouse-${run}` })).toBeVisible();
  await expect(page.getByText(secret)).toHaveCount(0);
});

test("the audit log filters to one user's failed logins, and its CSV holds the same", async ({ page, request }) => {
  const admin = await login(request, 'admin', password);
  const name = `miss.${run}`;
  const made = await call(request, 'POST', '/users', admin, {
    username: name, display_name: `漏${run}`, password: 'Copper-Meadow-57', roles: ['designer'],
  });
  expect(made.status).toBe(201);
  for (const wrong of ['Wrong-Guess-1', 'Wrong-Guess-2']) {
    const r = await call(request, 'POST', '/auth/login', null, { username: name, password: wrong });
    expect(r.status).toBe(401);
  }
  await signIn(page, 'admin', password);
  await page.getByTestId('language').selectOption('en');
  await page.goto('/admin/audit');
  await expect(page.getByTestId('audit-list')).toBeVisible();
  await page.getByTestId('audit-actor').selectOption({ label: name });
  await page.getByTestId('audit-action').fill('auth.login');
  await page.getByTestId('audit-outcome').selectOption('failure');
  await page.getByTestId('audit-apply').click();
  await expect(page.getByTestId('audit-row')).toHaveCount(2);
  await expect(page.getByTestId('audit-outcome-cell').first()).toHaveText('Failure');
  await screens(page, 'admin-audit');
  await accessible(page, 'the audit log');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-csv').click()]);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  expect(csv.charCodeAt(0)).toBe(0xfeff);
  const lines = csv.trim().split(/\r?\n/);
  expect(lines.length).toBe(3);
  for (const line of lines.slice(1)) {
    expect(line).toContain(name);
    expect(line).toContain('failure');
  }
  await page.getByTestId('tab-exports').click();
  await expect(page.getByTestId('admin-exports')).toBeVisible();
  await accessible(page, 'the order exports');
});
