// The catalogue's forms (R-PRD-1, R-PRD-4, R-PRD-6, R-PRD-9, R-APR-6), each reached from the
// order desk's navigation: the catalogue is its own bundle, loaded when its paths are opened.
const { test, expect } = require('@playwright/test');
const { accessible, call, listedProduct, login, screens, signIn } = require('./helpers');

const password = process.env.ECOPS_ADMIN_PASSWORD;
const run = `${Date.now().toString(36)}c`;

test('a product is drafted from the form once, however often submit is clicked; a listed one is proposed for delisting with a reason', async ({ page, request }) => {
  const admin = await login(request, 'admin', password);
  await signIn(page, 'admin', password);
  await page.getByTestId('language').selectOption('en');
  // From the desk bundle to the catalogue bundle: the session carries over.
  const catalogue = page.waitForResponse((r) => /\/pkg\/catalogue_bg\.[0-9a-f]{10}\.wasm$/.test(r.url()));
  await page.getByTestId('nav-new-product').click();
  await catalogue;
  const form = page.getByTestId('new-product');
  const sku = `JASMINE-${run}`.toUpperCase();
  await form.getByLabel('SKU').fill(sku);
  await form.getByLabel('Title').fill('茉莉花茶 100g');
  await form.getByLabel('Category').fill('tea');
  await form.getByLabel('List price').fill('68');
  // Checked as typed: money, and the selling price within the list price.
  await form.getByLabel('Selling price').fill('6.999');
  await expect(page.getByTestId('error-price_fen')).toHaveText('Enter an amount in yuan, e.g. 12.50');
  await form.getByLabel('Selling price').fill('88');
  await expect(page.getByTestId('error-price_fen')).toHaveText('The selling price is above the list price');
  await form.getByLabel('Selling price').fill('58');
  await expect(page.getByTestId('error-price_fen')).toHaveCount(0);
  await screens(page, 'new-product');
  await accessible(page, 'new product');
  await form.getByRole('button', { name: 'Draft the product' }).dblclick();
  await expect(page.getByTestId('product-status')).toHaveText('Draft');
  await expect(page.getByTestId('effective-price')).toHaveText('¥58.00');
  const found = await call(request, 'GET', `/products?q=${sku}`, admin);
  expect(found.body.items).toHaveLength(1);

  const listed = await listedProduct(request, admin, `PUER-${run}`.toUpperCase());
  await page.goto(`/products/${listed.id}`);
  await page.getByTestId('request-delisting').click();
  // The reason is required before anything is sent.
  await page.getByTestId('confirm').click();
  await expect(page.getByTestId('error-comment')).toBeVisible();
  await page.getByRole('dialog').getByLabel('Reason').fill('厂家停产');
  await page.getByTestId('confirm').click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Delisting filed for approval.' })).toBeVisible();
  const waiting = await call(request, 'GET', '/approvals?view=mine&limit=200', admin);
  expect(waiting.body.items.some((r) => r.kind === 'abnormal_delisting' && r.subject_id === listed.id)).toBe(true);
});

test('a stocktake is counted SKU by SKU, its differences shown, and posted after a confirmation', async ({ page, request }) => {
  const admin = await login(request, 'admin', password);
  const product = await listedProduct(request, admin, `DAHONG-${run}`.toUpperCase());
  await signIn(page, 'admin', password);
  await page.getByTestId('language').selectOption('en');
  await page.getByTestId('nav-stocktakes').click();
  await page.getByLabel('Note').fill(`Monday ${run}`);
  await page.getByTestId('start-stocktake').click();
  await expect(page.getByTestId('stocktake-state')).toHaveText('Counting');
  const count = page.getByTestId('count-form');
  await count.getByLabel('SKU').fill('NO-SUCH-SKU');
  await count.getByLabel('Counted').fill('3');
  await page.getByTestId('record-count').click();
  await expect(page.getByTestId('error-sku')).toBeVisible();
  await count.getByLabel('SKU').fill(product.sku);
  await count.getByLabel('Counted').fill('97');
  await page.getByTestId('record-count').click();
  const line = page.locator(`[data-testid="count-line"][data-sku="${product.sku}"]`);
  await expect(line.getByTestId('difference')).toHaveText('-3');
  await screens(page, 'stocktake');
  await accessible(page, 'stocktake');
  await page.getByTestId('post-stocktake').click();
  await expect(page.getByTestId('post-stocktake')).toHaveText('Confirm: post 1 differences');
  await page.getByTestId('post-stocktake').click();
  await expect(page.getByTestId('stocktake-state')).toHaveText('Posted');
  expect((await call(request, 'GET', `/products/${product.id}`, admin)).body.stock).toBe(97);
  await page.getByRole('link', { name: 'Stocktakes' }).first().click();
  await expect(page.getByTestId('stocktake-row').filter({ hasText: `Monday ${run}` })).toContainText('Posted');
});

test('a promotion and a page-revision plan are proposed from their screens and wait for approval', async ({ page, request }) => {
  const admin = await login(request, 'admin', password);
  const product = await listedProduct(request, admin, `BAIHAO-${run}`.toUpperCase());
  await signIn(page, 'admin', password);
  await page.getByTestId('language').selectOption('en');
  await page.getByTestId('nav-promotions').click();
  const form = page.getByTestId('promotion-form');
  await form.getByLabel('Name').fill(`双十二 ${run}`);
  await form.getByLabel('SKUs (comma separated)').fill(product.sku);
  await form.getByLabel('Percent off', { exact: true }).fill('0');
  await form.getByLabel('Reason').fill('年末大促');
  await form.getByRole('button', { name: 'Submit for approval' }).click();
  await expect(page.getByTestId('error-percent_off')).toHaveText('A whole percentage from 1 to 99');
  await form.getByLabel('Percent off', { exact: true }).fill('15');
  await form.getByRole('button', { name: 'Submit for approval' }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Promotion filed for approval.' })).toBeVisible();
  await expect(page.getByTestId('promotion-row').filter({ hasText: `双十二 ${run}` })).toContainText('Pending');
  await screens(page, 'promotions');
  await accessible(page, 'promotions');

  await page.getByTestId('nav-page-revisions').click();
  const plan = page.getByTestId('revision-form');
  await plan.getByLabel('Title').fill(`首页冬季改版 ${run}`);
  await plan.getByRole('button', { name: 'Submit for approval' }).click();
  // The server names what is missing, next to its field.
  await expect(page.getByTestId('error-areas')).toBeVisible();
  await plan.getByLabel('Banners').check();
  await plan.getByLabel('Colours').check();
  await plan.getByLabel('The plan').fill('换上冬季主视觉，首屏横幅改为新品');
  await plan.getByRole('button', { name: 'Submit for approval' }).click();
  await expect(page.getByTestId('error-plan')).toBeVisible();
  await plan.getByLabel('The plan').fill('换上冬季主视觉，首屏横幅改为新品，分类导航改为按茶类与产地两级排列。');
  await plan.getByLabel('Reason').fill('换季');
  await plan.getByRole('button', { name: 'Submit for approval' }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Plan filed for approval.' })).toBeVisible();
  await expect(page.getByTestId('revision-row').filter({ hasText: `首页冬季改版 ${run}` })).toContainText('Pending');
  await expect(page.getByTestId('revision-schedule')).toContainText('home');
  await screens(page, 'page-revisions');
  await accessible(page, 'page revisions');
});
