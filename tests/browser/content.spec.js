// Content publishing as the department does it: an author drafts news with a picture, the
// marketing director approves it in a second browser, the publish-by countdown shows, and the
// storefront specialist publishes it; then a takedown with its reason and a new revision beside
// the earlier one.
const { test, expect } = require('@playwright/test');
const { accessible, call, login, marketingDirector, screens, signIn } = require('./helpers');

const password = process.env.ECOPS_ADMIN_PASSWORD;
const run = Date.now().toString(36);

// A 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

test('an author drafts news, the director approves it in a second browser, the specialist publishes', async ({ page, browser, request }) => {
  const admin = await login(request, 'admin', password);
  const md = await marketingDirector(request, admin);
  // admin holds every role: here the author and, later, the storefront specialist.
  await signIn(page, 'admin', password);
  await page.getByTestId('nav-content').click();
  await expect(page.getByTestId('content-list')).toBeVisible();
  const title = `冬季新品上市 ${run}`;
  await page.getByTestId('new-kind').selectOption('news');
  await page.getByTestId('new-title').fill(title);
  await page.getByTestId('new-body').fill('## 冬季新品\n全场 **八折**。');
  await page.getByTestId('create-content').click();
  await expect(page.getByTestId('content-item')).toBeVisible();
  await expect(page.getByTestId('content-status').first()).toHaveText('草稿');
  await page.getByTestId('attach-file').setInputFiles({ name: 'banner.png', mimeType: 'image/png', buffer: PNG });
  await expect(page.getByTestId('attachments')).toContainText('banner.png');
  // No publish button before the approval.
  await expect(page.getByTestId('publish-content')).toHaveCount(0);
  await page.getByTestId('submit-content').click();
  await page.getByLabel('发布理由').fill(`周末活动 ${run}`);
  await page.getByTestId('confirm').click();
  await expect(page.getByTestId('content-status').first()).toHaveText('审批中');
  await expect(page.getByTestId('content-chain')).toContainText('市场总监');
  await screens(page, 'content-in-approval');

  // The director, in a second browser, approves it from the inbox, seeing the draft.
  const ctx = await browser.newContext();
  const pd = await ctx.newPage();
  await signIn(pd, md.username, md.password);
  await pd.goto('/approvals');
  await pd.getByTestId('approval-row').filter({ hasText: `周末活动 ${run}` }).getByRole('link').click();
  await expect(pd.getByTestId('proposed-change')).toContainText(title);
  await pd.getByTestId('approve').click();
  await pd.getByLabel('审批意见').fill('同意发布');
  await pd.getByTestId('confirm').click();
  await expect(pd.getByTestId('approval-state')).toHaveText('已同意');
  await ctx.close();

  // The author's page shows the approval and the 48-hour countdown.
  await page.reload();
  await expect(page.getByTestId('content-status').first()).toHaveText('已批准');
  await expect(page.getByTestId('publish-countdown')).toHaveText(/剩余 4[78] h \d\d min 发布/);
  await page.getByTestId('nav-content').click();
  await page.getByTestId('tab-due').click();
  await expect(page.getByTestId('content-row').filter({ hasText: title }).getByTestId('publish-countdown')).toBeVisible();
  await screens(page, 'content-due');
  await page.getByTestId('content-row').filter({ hasText: title }).getByRole('link').click();
  await page.getByTestId('publish-content').click();
  await expect(page.getByTestId('content-status').first()).toHaveText('已发布');
  await expect(page.getByTestId('live-revision')).toHaveText('第 1 版');
  await expect(page.getByTestId('publish-countdown')).toHaveCount(0);
  // The API agrees: published, the deadline met.
  const id = page.url().split('/').pop();
  const item = await call(request, 'GET', `/content/${id}`, admin);
  expect(item.body.item.status).toBe('published');
  expect(item.body.approval.published_at).not.toBeNull();

  // A new revision, its text changed beside the live one; then a takedown with its reason.
  await page.getByTestId('new-revision').click();
  await expect(page.getByTestId('draft-form')).toBeVisible();
  await page.getByTestId('draft-body').fill('## 冬季新品\n全场 **七折**。');
  await page.getByTestId('save-draft').click();
  await expect(page.getByTestId('compare-right')).toContainText('七折');
  await expect(page.getByTestId('compare-left')).toContainText('八折');
  await screens(page, 'content-revisions');
  await page.getByTestId('take-down').click();
  await page.getByLabel('违反的法律或公司规定').fill('价格表述不符合广告法');
  await page.getByTestId('confirm').click();
  await expect(page.getByTestId('live-revision')).toHaveText('未上线');
  await expect(page.getByTestId('content-history')).toContainText('价格表述不符合广告法');
  await page.getByTestId('nav-content').click();
  await page.getByTestId('tab-takedowns').click();
  await expect(page.getByTestId('takedowns')).toContainText('价格表述不符合广告法');
  await accessible(page, 'content takedowns');
});
