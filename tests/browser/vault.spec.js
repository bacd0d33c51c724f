// The official-account vault as a custodian uses it, and what a non-custodian sees; backups and
// the audit chain as the database administrator checks them.
const { test, expect } = require('@playwright/test');
const { accessible, call, login, screens, signIn } = require('./helpers');

const password = process.env.ECOPS_ADMIN_PASSWORD;
const run = Date.now().toString(36);
const secret = `Tmall-${run}-Pw!9`;

test('a custodian reveals a secret with a reason, sees it hidden again and in the history; a non-custodian has no vault', async ({ page, request }) => {
  // The secret stays on screen for 30 seconds; the test waits for it to go.
  test.setTimeout(120_000);
  const admin = await login(request, 'admin', password);
  // The shop-operations lead keeps the entries of the default custodian roles.
  const keeper = `keeper.${run}`;
  const made = await call(request, 'POST', '/users', admin, {
    username: keeper, display_name: `保管${run}`, password: 'Copper-Meadow-57', roles: ['dept_manager'],
  });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  const outsider = `cs.${run}`;
  expect((await call(request, 'POST', '/users', admin, {
    username: outsider, display_name: `客服${run}`, password: 'Copper-Meadow-57', roles: ['customer_service'],
  })).status).toBe(201);
  const entry = await call(request, 'POST', '/vault/entries', admin, {
    name: `天猫后台 ${run}`, kind: 'shop_backoffice', url: 'https://myseller.example.com', login: 'shop-ops', secret,
  });
  expect(entry.status, JSON.stringify(entry.body)).toBe(201);
  expect(JSON.stringify(entry.body)).not.toContain(secret);

  await signIn(page, keeper, 'Copper-Meadow-57');
  await page.getByTestId('language').selectOption('en');
  await page.getByTestId('nav-vault').click();
  await expect(page.getByTestId('vault')).toBeVisible();
  const row = page.getByTestId('vault-row').filter({ hasText: `天猫后台 ${run}` });
  await expect(row).toBeVisible();
  // The list never holds the secret.
  await expect(page.getByText(secret)).toHaveCount(0);
  await row.getByTestId('vault-open').click();
  await expect(page.getByTestId('vault-login')).toHaveText('shop-ops');
  await expect(page.getByTestId('reveal-history-empty')).toBeVisible();
  await page.getByTestId('reveal-reason').fill('download the monthly settlement');
  await page.getByTestId('reveal').click();
  await expect(page.getByTestId('revealed-secret')).toHaveText(secret);
  await expect(page.getByTestId('reveal-countdown')).toContainText('Hidden again in');
  await expect(page.getByTestId('copy-revealed')).toBeVisible();
  const history = page.getByTestId('reveal-row').first();
  await expect(history).toContainText('download the monthly settlement');
  await expect(history).toContainText(`保管${run}`);
  await screens(page, 'vault-revealed');
  await accessible(page, 'the vault');
  // Hidden again after 30 seconds.
  await expect(page.getByTestId('revealed-secret')).toHaveCount(0, { timeout: 40_000 });
  await expect(page.getByTestId('reveal-form')).toBeVisible();
  // The reveal is in the audit log with who, why and from where.
  const audit = await call(request, 'GET', '/audit?action=vault.reveal', await login(request, 'admin', password));
  const mine = audit.body.items.find((e) => e.subject_id === entry.body.id);
  expect(mine.detail.reason).toBe('download the monthly settlement');
  expect(mine.actor_id).toBe(made.body.user.id);

  // A viewer-level custodian reads; changing the secret is an operator's request.
  await expect(page.getByTestId('vault-change-operators')).toBeVisible();

  // Someone outside the custodians: no vault in the navigation, nothing behind its address.
  await page.getByTestId('logout').click();
  await expect(page.getByLabel('Username · 用户名')).toBeVisible();
  await signIn(page, outsider, 'Copper-Meadow-57');
  await expect(page.getByTestId('side-nav')).toBeVisible();
  await expect(page.getByTestId('nav-vault')).toHaveCount(0);
  await page.goto('/vault');
  await expect(page.getByTestId('vault-empty')).toBeVisible();
  await expect(page.getByText(`天猫后台 ${run}`)).toHaveCount(0);
});

test('the database administrator backs up now, verifies the archive and checks the audit chain', async ({ page, request }) => {
  await signIn(page, 'admin', password);
  await page.getByTestId('language').selectOption('en');
  await page.goto('/admin/backups');
  await expect(page.getByTestId('admin-backups')).toBeVisible();
  await expect(page.getByTestId('backup-schedule')).toContainText('0 3 * * 0');
  const before = await page.getByTestId('backup-row').count();
  await page.getByTestId('backup-now').click();
  await expect(page.getByTestId('backup-row')).toHaveCount(before + 1, { timeout: 30_000 });
  const newest = page.getByTestId('backup-row').first();
  await expect(newest).toContainText('by hand');
  expect(Number(await newest.getByTestId('backup-total-rows').innerText())).toBeGreaterThan(0);
  await newest.getByTestId('verify-backup').click();
  await expect(newest.getByTestId('backup-verdict')).toHaveText('intact');
  await screens(page, 'admin-backups');
  await accessible(page, 'the backups');

  // A change of an entry's secret goes to the general manager and changes nothing yet.
  const admin = await login(request, 'admin', password);
  const entry = await call(request, 'POST', '/vault/entries', admin, {
    name: `域名注册 ${run}`, kind: 'domain', secret: `Domain-${run}-Pw`,
  });
  expect(entry.status).toBe(201);
  await page.goto('/vault');
  await page.getByTestId('vault-row').filter({ hasText: `域名注册 ${run}` }).getByTestId('vault-open').click();
  await page.getByTestId('vault-change-secret').fill(`New-Domain-${run}`);
  await page.getByTestId('vault-change-reason').fill('quarterly change');
  await page.getByTestId('vault-change-submit').click();
  await expect(page.getByTestId('vault-change-waiting')).toContainText('quarterly change');
  await expect(page.getByTestId('vault-change-row').first()).toContainText('pending');
  await expect(page.getByTestId('vault-row').filter({ hasText: `域名注册 ${run}` }).getByTestId('vault-pending')).toBeVisible();
  const pending = await call(request, 'GET', '/approvals?view=mine', admin);
  expect(pending.body.items.some((r) => r.kind === 'official_account_change' && r.subject_id === entry.body.id)).toBe(true);
  await screens(page, 'vault-change-pending');

  await page.goto('/admin/audit');
  await page.getByTestId('audit-chain-check').click();
  await expect(page.getByTestId('audit-chain-result')).toContainText('Audit chain intact');
  await screens(page, 'admin-audit-chain');
});
