// After-sales cases (R-AFS-1..2): opened through the API as the order desk does, listed with
// their kind, refund and complaint deadline, filtered in the URL.
const { test, expect } = require('@playwright/test');
const { accessible, call, login, listedProduct, signIn } = require('./helpers');

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
  await page.screenshot({ path: 'test-results/aftersales-en.png', fullPage: true });
  await accessible(page, 'after-sales cases');
});
