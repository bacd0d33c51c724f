// Customers as customer service finds them (R-ORD-9): search, the customer's orders, and the
// bad-customer flag proposed for the department manager's decision.
const { test, expect } = require('@playwright/test');
const { accessible, call, listedProduct, login, screens, signIn } = require('./helpers');

const password = process.env.ECOPS_ADMIN_PASSWORD;
const run = `${Date.now().toString(36)}c`;

test('a customer is found, their orders listed, and a bad-customer flag proposed', async ({ page, request }) => {
  const admin = await login(request, 'admin', password);
  const product = await listedProduct(request, admin, `WHITE-${run}`.toUpperCase());
  const phone = `139${String(Date.now()).slice(-8)}`;
  const no = `JD-${run}`;
  const made = await call(request, 'POST', '/orders', admin, {
    channel: 'jd', channel_order_no: no,
    customer: { name: '钱多多', phone, address: '宁波市海曙区 8 号' },
    shipping_address: '宁波市海曙区 8 号', payment_method: 'alipay', payment_status: 'paid',
    lines: [{ sku: product.sku, quantity: 1 }],
  });
  expect(made.status, JSON.stringify(made.body)).toBe(201);

  await signIn(page, 'admin', password);
  await page.getByTestId('nav-customers').click();
  await page.getByTestId('customer-search').fill(phone);
  await page.getByTestId('customer-search').press('Enter');
  await expect(page).toHaveURL(new RegExp(`q=${phone}`));
  const row = page.getByTestId('customer-row').filter({ hasText: phone });
  await expect(row).toHaveCount(1);
  await row.getByRole('link').click();
  await expect(page.getByTestId('customer')).toContainText('钱多多');
  await expect(page.getByTestId('customer-orders')).toContainText(no);
  await screens(page, 'customer');
  await accessible(page, 'a customer');

  // The reason is required by the server: its refusal shows at the field.
  await page.getByTestId('submit-bad-customer').click();
  await expect(page.getByTestId('error-reason')).toBeVisible();
  await page.locator('#bad-reason').fill('多次恶意拒收');
  await page.getByTestId('submit-bad-customer').click();
  await expect(page.getByTestId('customer-notice')).toContainText('劣质客户');
});
