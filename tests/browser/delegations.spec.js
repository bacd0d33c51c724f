// Delegated access (R-ACC-1) and the service-phrase library: roles lent to a colleague, approved
// by the department manager in the inbox, used on the lender's behalf, ended early; a phrase
// proposed, approved and found by a search.
const { test, expect } = require('@playwright/test');
const { accessible, call, login, marketingDirector, screens, signIn } = require('./helpers');

const password = process.env.ECOPS_ADMIN_PASSWORD;
const run = Date.now().toString(36);
const TEMP_PASSWORD = 'Willow-Harbour-62';

// The marketing director decides as department manager for these tests; her roles are put back.
async function withDeptManager(request, fn) {
  const admin = await login(request, 'admin', password);
  const md = await marketingDirector(request, admin);
  const users = await call(request, 'GET', '/users?limit=200', admin);
  const mei = users.body.items.find((u) => u.username === md.username);
  const set = await call(request, 'PUT', `/users/${mei.id}/roles`, admin, { roles: ['marketing_director', 'dept_manager'] });
  expect(set.status, JSON.stringify(set.body)).toBe(200);
  try {
    await fn(md);
  } finally {
    await call(request, 'PUT', `/users/${mei.id}/roles`, await login(request, 'admin', password), { roles: ['marketing_director'] });
  }
}

test('roles lent for a task are approved, used on the lender\'s behalf and ended early', async ({ page, browser, request }) => {
  await withDeptManager(request, async (md) => {
    const admin = await login(request, 'admin', password);
    const tempName = `临时${run}`;
    const made = await call(request, 'POST', '/users', admin, {
      username: `temp.${run}`, display_name: tempName, password: TEMP_PASSWORD, roles: [],
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const task = `展会期间代看客服台 ${run}`;

    // The lender asks, on the delegations screen.
    await signIn(page, 'admin', password);
    await page.getByTestId('language').selectOption('en');
    await page.getByTestId('nav-delegations').click();
    await expect(page.getByTestId('delegations')).toBeVisible();
    await page.getByTestId('dlg-delegate').selectOption({ label: tempName });
    await page.getByTestId('dlg-task').fill(task);
    await page.getByTestId('dlg-role-customer_service').check();
    await screens(page, 'delegation-form');
    await accessible(page, 'the delegations screen');
    await page.getByTestId('dlg-submit').click();
    const row = page.getByTestId('dlg-row').filter({ hasText: task });
    await expect(row.getByTestId('dlg-standing')).toHaveText('Waiting for approval');

    // The department manager approves it in her inbox, reading who gets which roles.
    const other = await browser.newContext();
    const manager = await other.newPage();
    await signIn(manager, md.username, md.password);
    await manager.getByTestId('language').selectOption('en');
    await manager.getByTestId('nav-approvals').click();
    const waiting = manager.getByTestId('approval-row').filter({ hasText: task });
    await expect(waiting).toContainText('Delegation of roles');
    await waiting.getByRole('link').click();
    await expect(manager.getByTestId('proposed-change')).toContainText(tempName);
    await expect(manager.getByTestId('proposed-change')).toContainText('Customer service');
    await screens(manager, 'delegation-approval');
    await manager.getByTestId('approve').click();
    await manager.getByLabel('Comment').fill('同意，展会结束即收回');
    await manager.getByTestId('confirm').click();
    await expect(manager.getByTestId('approval-state')).toHaveText('Approved');
    await other.close();

    // The colleague now acts as customer service for the lender: the screen says so, the order
    // desk is in the navigation.
    const third = await browser.newContext();
    const temp = await third.newPage();
    await signIn(temp, `temp.${run}`, TEMP_PASSWORD);
    await temp.getByTestId('language').selectOption('en');
    await expect(temp.getByTestId('nav-new-order')).toBeVisible();
    await temp.getByTestId('nav-delegations').click();
    await expect(temp.getByTestId('acting-for')).toContainText('Customer service');
    await expect(temp.getByTestId('dlg-row').filter({ hasText: task }).getByTestId('dlg-standing')).toHaveText('Active now');
    await screens(temp, 'delegation-acting');
    await accessible(temp, 'acting on behalf');

    // The lender ends it early, with a reason.
    await page.reload();
    await expect(row.getByTestId('dlg-standing')).toHaveText('Active now');
    await row.getByTestId('dlg-revoke').click();
    await page.getByTestId('confirm').click();
    await expect(page.getByTestId('error-comment')).toBeVisible();
    await page.getByLabel('Why it ends early').fill('展会提前结束');
    await page.getByTestId('confirm').click();
    await expect(row.getByTestId('dlg-standing')).toHaveText('Revoked');
    await expect(row).toContainText('展会提前结束');

    // The colleague's next page no longer lends anything.
    await temp.reload();
    await expect(temp.getByTestId('delegations')).toBeVisible();
    await expect(temp.getByTestId('acting-for')).toHaveCount(0);
    await expect(temp.getByTestId('nav-new-order')).toHaveCount(0);
    await third.close();
  });
});

test('a proposed service phrase is approved and found by customer service', async ({ page, request }) => {
  await withDeptManager(request, async (md) => {
    const phrase = `您好，欢迎光临茶园旗舰店 ${run}`;
    await signIn(page, 'admin', password);
    await page.getByTestId('language').selectOption('en');
    await page.getByTestId('nav-phrases').click();
    await expect(page.getByTestId('phrases')).toBeVisible();
    await page.getByTestId('phr-new-text').fill(phrase);
    await page.getByTestId('phr-new-note').fill('Opening every chat');
    await page.getByTestId('phr-submit').click();
    await expect(page.getByTestId('phr-pending')).toContainText(phrase);
    await screens(page, 'phrases-pending');
    await accessible(page, 'the phrase library');

    // The department manager approves (her inbox is tested above).
    const mei = await login(request, md.username, md.password);
    const pending = await call(request, 'GET', '/qa/phrases?state=pending', await login(request, 'admin', password));
    const mine = pending.body.find((p) => p.text === phrase);
    const decided = await call(request, 'POST', `/approvals/${mine.approval_request_id}/decisions`, mei, { verdict: 'approve', comment: '同意' });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);

    await page.getByTestId('phr-q').fill(`旗舰店 ${run}`);
    await page.getByTestId('phr-filter').selectOption('greeting');
    await page.getByTestId('phr-search').click();
    // Only phrases with both words: this run's.
    await expect(page.getByTestId('phr-list').getByTestId('phr-text')).toHaveText([phrase]);
    await screens(page, 'phrases-found');
  });
});

test('covering a vacant post offers the post\'s roles and names what the server requires', async ({ page, request }) => {
  // A post becomes vacant through a completed resignation (its witnessed handover takes a
  // month's notice, which a browser test cannot wait for; the API tests cover the whole way). An
  // account closed otherwise is refused, and the screen says why, next to the field.
  const admin = await login(request, 'admin', password);
  const leaverName = `离职${run}`;
  const left = await call(request, 'POST', '/users', admin, {
    username: `left.${run}`, display_name: leaverName, password: TEMP_PASSWORD, roles: ['customer_service'],
  });
  expect(left.status, JSON.stringify(left.body)).toBe(201);
  const gone = await call(request, 'POST', `/users/${left.body.user.id}/deactivate`, admin, {});
  expect(gone.status, JSON.stringify(gone.body)).toBeLessThan(300);
  const me = await call(request, 'GET', '/me', admin);
  const coverName = `顶岗${run}`;
  const cover = await call(request, 'POST', '/users', admin, {
    username: `cover.${run}`, display_name: coverName, password: TEMP_PASSWORD, roles: [],
  });
  expect(cover.status, JSON.stringify(cover.body)).toBe(201);
  await call(request, 'PUT', `/users/${cover.body.user.id}/manager`, admin, { manager_id: me.body.id });

  await signIn(page, 'admin', password);
  await page.getByTestId('language').selectOption('en');
  await page.goto('/delegations');
  await expect(page.getByTestId('delegations')).toBeVisible();
  await page.getByTestId('dlg-vacant').selectOption({ label: `The vacant post of ${leaverName}` });
  // The roles on offer are the post's.
  await expect(page.getByTestId('dlg-roles').locator('input')).toHaveCount(1);
  await page.getByTestId('dlg-role-customer_service').check();
  await page.getByTestId('dlg-delegate').selectOption({ label: coverName });
  await page.getByTestId('dlg-task').fill(`顶岗客服直至招到新人 ${run}`);
  await page.getByTestId('dlg-submit').click();
  await expect(page.getByTestId('error-vacant_post_of')).toContainText('resignation was completed');
  await screens(page, 'delegation-vacancy');
  await accessible(page, 'covering a vacant post');
});
