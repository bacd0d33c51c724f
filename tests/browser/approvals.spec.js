// The approvals inbox as two colleagues use it, each in their own browser context: the planner's
// request shows up as a badge for the marketing director, who approves it with a comment.
const { test, expect } = require('@playwright/test');
const { accessible, call, login, marketingDirector, screens, signIn } = require('./helpers');

const password = process.env.ECOPS_ADMIN_PASSWORD;
const run = `${Date.now().toString(36)}a`;

test('the marketing director sees the badge, and approves a listing with a comment', async ({ browser, request }) => {
  const admin = await login(request, 'admin', password);
  const md = await marketingDirector(request, admin);
  // The proposal: admin, who holds the planner role, asks to list a new product.
  const sku = `OOLONG-${run}`.toUpperCase();
  const p = await call(request, 'POST', '/products', admin, {
    sku, title: '铁观音 200g', category: 'tea', list_price_fen: 9800, price_fen: 8800,
  });
  expect(p.status, JSON.stringify(p.body)).toBe(201);
  const stocked = await call(request, 'POST', `/products/${p.body.id}/stock-movements`, admin, { delta: 40, reason: 'receipt' });
  expect(stocked.status, JSON.stringify(stocked.body)).toBe(201);
  const listing = await call(request, 'POST', `/products/${p.body.id}/listing-requests`, admin, { reason: '秋季新品' });
  expect(listing.status, JSON.stringify(listing.body)).toBe(202);

  // The proposer sees it under "proposed by me", and cannot decide it.
  const planner = await browser.newContext();
  const mine = await planner.newPage();
  await signIn(mine, 'admin', password);
  await mine.goto('/approvals?view=mine');
  await expect(mine.getByTestId('approval-row').filter({ hasText: '秋季新品' })).toBeVisible();

  // The director, in a second browser, sees the badge and the request waiting for her.
  const director = await browser.newContext();
  const page = await director.newPage();
  await signIn(page, md.username, md.password);
  await expect(page.getByTestId('approvals-count')).not.toContainText(' 0');
  await page.getByTestId('language').selectOption('en');
  await page.getByTestId('nav-approvals').click();
  const row = page.getByTestId('approval-row').filter({ hasText: '秋季新品' });
  await expect(row).toBeVisible();
  await screens(page, 'approvals-inbox');
  await accessible(page, 'the approvals inbox');
  await row.getByRole('link').click();
  await expect(page.getByTestId('approval')).toBeVisible();
  await expect(page.getByTestId('proposed-change')).toContainText('Draft');
  await expect(page.getByTestId('proposed-change')).toContainText('Listed');

  // A decision needs a comment: an empty one is refused next to the field.
  await page.getByTestId('approve').click();
  await page.getByTestId('confirm').click();
  await expect(page.getByTestId('error-comment')).toBeVisible();
  await page.getByLabel('Comment').fill('同意上架');
  await page.getByTestId('confirm').click();
  await expect(page.getByTestId('approval-state')).toHaveText('Approved');
  await expect(page.getByTestId('decision')).toContainText('同意上架');
  await screens(page, 'approval-decided');
  await accessible(page, 'an approval request');

  // The product is listed now.
  const after = await call(request, 'GET', `/products/${p.body.id}`, admin);
  expect(after.body.status).toBe('listed');
  await planner.close();
  await director.close();
});
