// The department's figures: the charts are drawn from the same numbers the API gives, and each
// table downloads as CSV.
const { test, expect } = require('@playwright/test');
const { accessible, call, listedProduct, login, screens, signIn } = require('./helpers');

const password = process.env.ECOPS_ADMIN_PASSWORD;
const run = Date.now().toString(36);

// Today in the company's time zone (UTC+8).
function cnDay(days = 0) {
  return new Date(Date.now() + 8 * 3600e3 + days * 86400e3).toISOString().slice(0, 10);
}

test('the figures page draws the orders per day by channel with the numbers of the JSON', async ({ page, request }) => {
  const admin = await login(request, 'admin', password);
  const product = await listedProduct(request, admin, `FIG-${run}`);
  for (const [channel, n] of [['taobao', 2], ['jd', 1]]) {
    for (let i = 0; i < n; i += 1) {
      const order = await call(request, 'POST', '/orders', admin, {
        channel, channel_order_no: `FIG-${run}-${channel}-${i}`,
        customer: { name: '孙悦', phone: '13600000006', address: '苏州市姑苏区 6 号' },
        shipping_address: '苏州市姑苏区 6 号', payment_method: 'alipay', payment_status: 'paid',
        lines: [{ sku: product.sku, quantity: 1 }],
      });
      expect(order.status, JSON.stringify(order.body)).toBe(201);
    }
  }
  const from = `${cnDay().slice(0, 7)}-01`;
  const to = cnDay();
  const json = await call(request, 'GET', `/reports/figures?from=${from}&to=${to}`, admin);
  expect(json.status).toBe(200);

  await signIn(page, 'admin', password);
  await page.getByTestId('nav-figures').click();
  await expect(page.getByTestId('figures')).toBeVisible();
  const chart = page.getByTestId('chart-orders');
  await expect(chart.getByTestId('bar').first()).toBeVisible();
  // Every bar of the stacked chart, summed per day, equals the API's orders of that day.
  const bars = await chart.getByTestId('bar').evaluateAll((rs) => rs.map((r) => ({
    day: r.dataset.category, value: Number(r.dataset.value),
  })));
  const drawn = {};
  for (const b of bars) drawn[b.day] = (drawn[b.day] || 0) + b.value;
  const expected = {};
  for (const r of json.body.orders_by_day) {
    const key = r.day.slice(5);
    expected[key] = (expected[key] || 0) + r.orders;
  }
  expect(drawn).toEqual(expected);
  const today = cnDay().slice(5);
  const todayTaobao = json.body.orders_by_day.find((r) => r.day === cnDay() && r.channel === 'taobao');
  expect(todayTaobao.orders).toBeGreaterThanOrEqual(2);
  const total = json.body.orders_by_day.reduce((s, r) => s + r.orders, 0);
  await expect(page.getByTestId('figures-summary')).toContainText(`共 ${total} 单`);
  expect(drawn[today]).toBeGreaterThanOrEqual(3);
  // The contact chart: one met and one missed bar per person of the JSON.
  await expect(page.getByTestId('chart-contact').getByTestId('bar')).toHaveCount(2 * json.body.contact.length);
  // A table as CSV.
  const download = page.waitForEvent('download');
  await page.getByTestId('csv-orders_by_day').click();
  const file = await download;
  expect(file.suggestedFilename()).toBe(`figures-orders_by_day-${from}-${to}.csv`);
  await screens(page, 'figures');
  await accessible(page, 'figures');
});
