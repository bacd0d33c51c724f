// The reports screen beyond the daily report: the monthly summary within its window, and the
// manager's export of the week for the weekly collection.
const { test, expect } = require('@playwright/test');
const { accessible, call, login, screens, signIn } = require('./helpers');

const password = process.env.ECOPS_ADMIN_PASSWORD;
const run = Date.now().toString(36);

function cnDay(days = 0) {
  return new Date(Date.now() + 8 * 3600e3 + days * 86400e3).toISOString().slice(0, 10);
}

test('the monthly summary shows its window, saves inside it, and the week exports', async ({ page, request }) => {
  const admin = await login(request, 'admin', password);
  const today = cnDay();
  const day = Number(today.slice(8, 10));
  // The summary the screen opens: the last month's early in a month, this month's after.
  const month = day <= 5 ? cnDay(-day).slice(0, 7) : today.slice(0, 7);
  const window = await call(request, 'GET', `/reports/monthly?month=${month}`, admin);
  expect(window.status, JSON.stringify(window.body)).toBe(200);

  await signIn(page, 'admin', password);
  await page.getByTestId('nav-reports').click();
  const section = page.getByTestId('monthly-summary');
  await expect(section.getByTestId('summary-window')).toContainText(window.body.opens_on);
  await expect(section.getByTestId('summary-window')).toContainText(window.body.closes_after);
  if (window.body.open) {
    await section.getByTestId('summary-done').fill(`月度工作 ${run}`);
    await section.getByTestId('summary-plan').fill('下月计划');
    await section.getByTestId('save-summary').click();
    await expect(page.getByTestId('toasts')).toContainText('总结已保存');
    const after = await call(request, 'GET', `/reports/monthly?month=${month}`, admin);
    expect(after.body.summaries.some((s) => s.done === `月度工作 ${run}`)).toBe(true);
  } else {
    // Outside the window the form is read-only and offers no save.
    await expect(section.getByTestId('summary-done')).toHaveAttribute('readonly', '');
    await expect(section.getByTestId('save-summary')).toHaveCount(0);
  }
  await screens(page, 'monthly-summary');
  // The manager exports the week of the chosen day.
  const download = page.waitForEvent('download');
  await page.getByTestId('export-md').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^daily-reports-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.md$/);
  // Who has not filed over the whole month: the same people the API lists.
  await page.getByTestId('team-span').selectOption('month');
  const monthStart = `${today.slice(0, 7)}-01`;
  const missing = await call(request, 'GET', `/reports/daily/missing?from=${monthStart}&to=${today}`, admin);
  const team = page.getByTestId('team-reports');
  if (missing.body.length > 0) {
    await expect(team.getByTestId('not-filed').locator('li')).toHaveCount(missing.body.length);
  } else {
    await expect(team.getByTestId('all-filed')).toBeVisible();
  }
  await accessible(page, 'reports with the monthly summary');
});

test('minutes are recorded with an action item that stays on the owner\'s report until done', async ({ page, request }) => {
  const admin = await login(request, 'admin', password);
  await signIn(page, 'admin', password);
  await page.getByTestId('nav-meetings').click();
  const form = page.getByTestId('new-minutes');
  await expect(form).toBeVisible();
  await form.getByTestId('minutes-title').fill(`周例会 ${run}`);
  await form.locator('label.check', { hasText: 'Administrator' }).getByTestId('attendee').check();
  await form.getByTestId('minutes-decisions').fill('五十元以下的退款当场处理。');
  await form.getByTestId('add-item').click();
  const row = form.getByTestId('item-row').first();
  await row.getByTestId('item-owner').selectOption({ label: 'Administrator' });
  await row.getByTestId('item-text').fill(`清理退款积压 ${run}`);
  await row.getByTestId('item-due').fill(cnDay(1));
  await form.getByTestId('record-minutes').click();
  await expect(page.getByTestId('meetings').getByTestId('meeting').filter({ hasText: `周例会 ${run}` })).toBeVisible();
  await screens(page, 'meetings');
  await accessible(page, 'meeting minutes');
  // On the daily report until done.
  await page.getByTestId('nav-reports').click();
  const item = page.getByTestId('action-item').filter({ hasText: `清理退款积压 ${run}` });
  await expect(item).toBeVisible();
  await item.getByTestId('item-done').click();
  await expect(item).toHaveCount(0);
  const mine = await call(request, 'GET', '/action-items/mine', admin);
  expect(mine.body.some((i) => i.text === `清理退款积压 ${run}`)).toBe(false);
});

test('last week\'s figures are confirmed and sent to the superior', async ({ page, request }) => {
  const admin = await login(request, 'admin', password);
  const draft = await call(request, 'GET', '/reports/statements/mine?kind=week', admin);
  expect(draft.status, JSON.stringify(draft.body)).toBe(200);
  await signIn(page, 'admin', password);
  await page.getByTestId('nav-reports').click();
  const section = page.getByTestId('statement');
  await section.getByTestId('statement-week').click();
  await expect(section).toContainText(`${draft.body.period_start} – ${draft.body.period_end}`);
  await expect(section.getByTestId('statement-figures')).toContainText(String(draft.body.figures.orders_taken));
  if (draft.body.submitted_at === null) {
    await section.getByTestId('statement-comment').fill(`本周无异常 ${run}`);
    await section.getByTestId('send-statement').click();
  }
  await expect(section.getByTestId('statement-sent')).toBeVisible();
  await expect(section.getByTestId('statements-sent')).toContainText('Administrator');
  await screens(page, 'statement');
  const sent = await call(request, 'GET', '/reports/statements/mine?kind=week', admin);
  expect(sent.body.submitted_at).not.toBeNull();
});
