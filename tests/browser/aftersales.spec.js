// After-sales cases (R-AFS-1..2): opened through the API as the order desk does, listed with
// their kind, refund and complaint deadline, filtered in the URL.
const { test, expect } = require('@playwright/test');
const fs = require('fs');
const { accessible, call, listedProduct, login, screens, signIn } = require('./helpers');

const password = process.env.ECOPS_ADMIN_PASSWORD;
const run = `${Date.now().toString(36)}s`;

test('cases of several kinds are listed and filtered by kind in the URL', async ({ page, request }) => {
  const admin = await login(request, 'admin', password);
  const product = await listedProduct(request, admin, `GREEN-${run}`.toUpperCase());
  const order = await call(request, 'POST', '/orders', admin, {
    channel: 'tmall', channel_order_no: `TM-${run}`,
    customer: { name: '孙悦', phone: '13600000006', address: '苏州市姑苏区 6 号' },
    shipping_address: '苏州市姑苏区 6 号', payment_method: 'alipay', payment_status: 'paid',
    lines: [{ sku: product.sku, quantity: 2 }],
  });
  expect(order.status, JSON.stringify(order.body)).toBe(201);
  const complaint = await call(request, 'POST', '/aftersales', admin, {
    order_id: order.body.id, kind: 'complaint', description: `包装破损 ${run}`, lines: [],
  });
  expect(complaint.status, JSON.stringify(complaint.body)).toBe(201);
  const refund = await call(request, 'POST', '/aftersales', admin, {
    order_id: order.body.id, kind: 'refund', description: `少发一件 ${run}`, refund_fen: 12800, lines: [],
  });
  expect(refund.status, JSON.stringify(refund.body)).toBe(201);

  await signIn(page, 'admin', password);
  await page.getByTestId('language').selectOption('en');
  await page.getByTestId('nav-aftersales').click();
  const rows = page.getByTestId('case-row').filter({ hasText: run });
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: 'Refund' })).toContainText('¥128.00');
  await expect(rows.filter({ hasText: 'Complaint' })).toContainText('Open');
  await page.getByTestId('case-kind-filter').selectOption('complaint');
  await expect(page).toHaveURL(/kind=complaint/);
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText('包装破损');
  await screens(page, 'aftersales');
  await accessible(page, 'after-sales cases');
});

test('a return is opened from the order page, moved on by its owner, and counted in the daily figures and CSV', async ({ page, request }) => {
  const admin = await login(request, 'admin', password);
  const product = await listedProduct(request, admin, `OOLONG-${run}`.toUpperCase());
  const order = await call(request, 'POST', '/orders', admin, {
    channel: 'jd', channel_order_no: `JD-${run}`,
    customer: { name: '周岚', phone: '13600000007', address: '杭州市西湖区 7 号' },
    shipping_address: '杭州市西湖区 7 号', payment_method: 'alipay', payment_status: 'paid',
    lines: [{ sku: product.sku, quantity: 3 }],
  });
  expect(order.status, JSON.stringify(order.body)).toBe(201);

  await signIn(page, 'admin', password);
  await page.getByTestId('language').selectOption('en');
  await page.goto(`/orders/${order.body.id}`);
  await expect(page.getByTestId('order-cases')).toContainText('No case on this order.');
  await page.getByTestId('open-case').click();
  const form = page.getByTestId('case-open-form');
  await form.getByLabel('Kind').selectOption('return');
  // An amount that is not money is refused next to its field before anything is sent.
  await form.getByLabel('Refund').fill('12.345');
  await form.getByLabel('Quantity').fill('1');
  await form.getByLabel('Description').fill(`茶叶受潮 ${run}`);
  await form.getByRole('button', { name: 'Open a case' }).click();
  await expect(page.getByTestId('error-refund_fen')).toBeVisible();
  await form.getByLabel('Refund').fill('128');
  // A double click opens one case (one Idempotency-Key per form).
  await form.getByRole('button', { name: 'Open a case' }).dblclick();
  await expect(page.getByTestId('toast').filter({ hasText: 'Case opened.' })).toBeVisible();
  await expect(page.getByTestId('order-case')).toHaveCount(1);
  await expect(page.getByTestId('order-case')).toContainText('¥128.00');
  const cases = await call(request, 'GET', `/aftersales?order_id=${order.body.id}`, admin);
  expect(cases.body.items).toHaveLength(1);
  expect(cases.body.items[0].lines).toEqual([{ line_no: 1, sku: product.sku, quantity: 1 }]);
  // The return put its goods back in stock (R-AFS-1).
  const after = await call(request, 'GET', `/products/${product.id}`, admin);
  expect(after.body.stock).toBe(100 - 3 + 1);

  await page.getByTestId('order-case').getByRole('link').click();
  await expect(page.getByTestId('case-status')).toHaveText('Open');
  await page.getByTestId('case-form').getByLabel('State').selectOption('resolved');
  await page.getByLabel('Result given to the customer').fill('已退款并补寄新茶');
  await page.getByTestId('case-form').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('case-status')).toHaveText('Resolved');
  await expect(page.getByTestId('customer-result')).toHaveText('已退款并补寄新茶');
  await screens(page, 'case');
  await accessible(page, 'after-sales case');

  // Someone else moved the case meanwhile: this page's save is refused, not applied over theirs.
  const fresh = await call(request, 'GET', `/aftersales/${cases.body.items[0].id}`, admin);
  const moved = await call(request, 'PATCH', `/aftersales/${fresh.body.id}`, admin,
    { status: 'in_progress' }, { 'If-Match': `"v${fresh.body.version}"` });
  expect(moved.status, JSON.stringify(moved.body)).toBe(200);
  await page.getByTestId('case-form').getByLabel('State').selectOption('closed');
  await page.getByTestId('case-form').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('case-form').getByRole('alert')).toBeVisible();
  expect((await call(request, 'GET', `/aftersales/${fresh.body.id}`, admin)).body.status).toBe('in_progress');

  await page.goto('/aftersales');
  await page.getByRole('link', { name: 'Daily figures and factory table' }).click();
  await expect(page.getByTestId('daily-row').first()).toBeVisible();
  await expect(page.getByTestId('factory-row').filter({ hasText: `JD-${run}` })).toContainText('茶叶受潮');
  const download = page.waitForEvent('download');
  await page.getByTestId('factory-csv').click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^aftersales-factory-.*\.csv$/);
  const csv = fs.readFileSync(await file.path(), 'utf8');
  expect(csv).toContain(`JD-${run}`);
  await screens(page, 'aftersales-reports');
  await accessible(page, 'after-sales reports');
});
