// A price change as the department makes one: the planner proposes it on the product's page,
// the marketing director approves it from her inbox in another browser, and the planner sees the
// new price in force and in the history chart (R-PRD-5, R-APR-2).
const { test, expect } = require('@playwright/test');
const { accessible, listedProduct, login, marketingDirector, screens, signIn } = require('./helpers');

const password = process.env.ECOPS_ADMIN_PASSWORD;
const run = `${Date.now().toString(36)}p`;

test('a planner proposes a price, the director approves with a comment, the planner sees it in force', async ({ browser, request }) => {
  const admin = await login(request, 'admin', password);
  const product = await listedProduct(request, admin, `ROCK-${run}`.toUpperCase());
  const md = await marketingDirector(request, admin);

  // The planner (admin holds the role) on the product's page.
  const plannerCtx = await browser.newContext();
  const planner = await plannerCtx.newPage();
  await signIn(planner, 'admin', password);
  await planner.getByTestId('language').selectOption('en');
  await planner.getByTestId('nav-products').click();
  await planner.locator(`[data-testid="product-row"][data-sku="${product.sku}"] a`).click();
  await expect(planner.getByTestId('effective-price')).toHaveText('¥128.00');
  await expect(planner.getByTestId('price-chart')).toBeVisible();

  // A price without a competitor is refused by the server, next to the field (R-PRD-5).
  await planner.getByLabel('New price (yuan)').fill('118');
  await planner.getByLabel('Reason').fill(`对标天猫旗舰店 ${run}`);
  await planner.getByTestId('submit-price').click();
  await expect(planner.getByTestId('error-competitors')).toBeVisible();
  await planner.getByLabel('Competitor', { exact: true }).fill('天猫旗舰店');
  await planner.getByLabel("Competitor's price (yuan)").fill('119.9');
  await planner.getByTestId('submit-price').click();
  await expect(planner.getByTestId('product-notice')).toHaveText('The price change waits for approval');

  // The director, in another browser, sees the badge and approves with a comment.
  const directorCtx = await browser.newContext();
  const director = await directorCtx.newPage();
  await signIn(director, md.username, md.password);
  await expect(director.getByTestId('approvals-count')).not.toHaveText(/ 0$/);
  await director.getByTestId('nav-approvals').click();
  await director.getByTestId('approval-row').filter({ hasText: `对标天猫旗舰店 ${run}` }).getByRole('link').click();
  // The change as the director reads it: the price now and as proposed, with the competitor's.
  await expect(director.getByTestId('proposed-change')).toContainText('¥128.00');
  await expect(director.getByTestId('proposed-change')).toContainText('¥118.00');
  await expect(director.getByTestId('proposed-change')).toContainText('天猫旗舰店');
  await director.getByTestId('approve').click();
  await director.getByRole('dialog').locator('textarea').fill('同意调价');
  await director.getByTestId('confirm').click();
  await expect(director.getByTestId('decision')).toContainText('同意调价');

  // Back with the planner: the approved price waits to be put in force, then is the price.
  await planner.reload();
  await expect(planner.getByTestId('pending-price')).toContainText('¥118.00');
  await planner.getByTestId('apply-price').click();
  await expect(planner.getByTestId('effective-price')).toHaveText('¥118.00');
  await expect(planner.getByTestId('price-history')).toContainText('Price change');
  await expect(planner.getByTestId('price-chart').locator('polyline')).toBeVisible();
  await screens(planner, 'product-price');
  await accessible(planner, 'a product');
  await plannerCtx.close();
  await directorCtx.close();
});
