// The monthly evaluation: the manager prepares the month's drafts, scores what is theirs and
// submits; the person sees the figures and disputes.
const { test, expect } = require('@playwright/test');
const { accessible, call, login, marketingDirector, screens, signIn } = require('./helpers');

const password = process.env.ECOPS_ADMIN_PASSWORD;
const run = Date.now().toString(36);

test('a manager submits an evaluation and the person disputes it', async ({ page, request }) => {
  const admin = await login(request, 'admin', password);
  const name = `eval.${run}`;
  const made = await call(request, 'POST', '/users', admin, {
    username: name, display_name: `考评${run}`, password: 'Copper-Meadow-57', roles: ['customer_service'],
  });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  const me = await call(request, 'GET', '/me', admin);
  const set = await call(request, 'PUT', `/users/${made.body.user.id}/manager`, admin, { manager_id: me.body.id });
  expect(set.status, JSON.stringify(set.body)).toBe(200);

  await signIn(page, 'admin', password);
  await page.getByTestId('language').selectOption('en');
  await page.getByTestId('nav-evaluations').click();
  await expect(page.getByTestId('evaluations')).toBeVisible();
  await page.getByTestId('eval-prepare').click();
  const report = page.getByTestId('eval-report').filter({ hasText: `考评${run}` });
  await expect(report).toBeVisible();
  await expect(report.getByTestId('eval-state')).toHaveText('draft');
  await expect(report.getByTestId('eval-figures')).toContainText('Attendance');
  // Every item without a figure is the manager's to score.
  const inputs = report.locator('input[type=number]');
  const count = await inputs.count();
  expect(count).toBeGreaterThan(0);
  for (let i = 0; i < count; i += 1) {
    await inputs.nth(i).fill('80');
  }
  await report.getByTestId('eval-comment').fill('工作认真，注意按时写日报');
  await screens(page, 'evaluation-draft');
  await accessible(page, 'the evaluation form');
  await report.getByTestId('eval-submit').click();
  await expect(report.getByTestId('eval-state')).toHaveText('to acknowledge');
  await expect(report.getByTestId('eval-total')).not.toHaveText('—');

  await page.getByTestId('logout').click();
  await expect(page.getByLabel('Username · 用户名')).toBeVisible();
  await signIn(page, name, 'Copper-Meadow-57');
  await page.getByTestId('language').selectOption('en');
  await page.getByTestId('nav-evaluations').click();
  const mine = page.getByTestId('eval-mine');
  await expect(mine.getByTestId('eval-state')).toHaveText('to acknowledge');
  await expect(mine).toContainText('工作认真');
  await mine.getByTestId('eval-dispute-comment').fill('本月有两天在外培训，不应计为未写日报');
  await mine.getByTestId('eval-dispute').click();
  await expect(mine.getByTestId('eval-state')).toHaveText('disputed');
  await expect(mine.getByTestId('eval-dispute-text')).toContainText('外培训');
  await screens(page, 'evaluation-disputed');
  await accessible(page, 'my evaluation');
  // The company's month (Asia/Shanghai, UTC+8 all year).
  const month = new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 7);
  const list = await call(request, 'GET', `/evaluations?month=${month}`, await login(request, 'admin', password));
  const mineApi = list.body.find((e) => e.person_id === made.body.user.id);
  expect(mineApi.state).toBe('disputed');

  // The manager is at the top of the chart: the dispute goes to the department's managers. The
  // marketing director, acting as department manager for this test, upholds it with a reason.
  const fresh = await login(request, 'admin', password);
  const md = await marketingDirector(request, fresh);
  const users = await call(request, 'GET', '/users?limit=200', fresh);
  const mei = users.body.items.find((u) => u.username === md.username);
  await call(request, 'PUT', `/users/${mei.id}/roles`, fresh, { roles: ['marketing_director', 'dept_manager'] });
  try {
    await page.getByTestId('logout').click();
    await expect(page.getByLabel('Username · 用户名')).toBeVisible();
    await signIn(page, md.username, md.password);
    await page.getByTestId('language').selectOption('en');
    await page.getByTestId('nav-evaluations').click();
    const escalated = page.getByTestId('eval-escalated').filter({ hasText: `考评${run}` });
    await expect(escalated.getByTestId('eval-dispute-text')).toContainText('外培训');
    await escalated.getByTestId('eval-settle-comment').fill('培训日已核实，日报项维持主管评分');
    await escalated.getByTestId('eval-uphold').click();
    await expect(escalated.getByTestId('eval-resolution')).toContainText('Upheld');
    await screens(page, 'evaluation-settled');
    await accessible(page, 'a settled dispute');
  } finally {
    await call(request, 'PUT', `/users/${mei.id}/roles`, await login(request, 'admin', password), { roles: ['marketing_director'] });
  }
});
