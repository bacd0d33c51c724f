// Shared set-up for the browser tests, through the API as a new department would do it.
const { expect } = require('@playwright/test');
const fs = require('fs');

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const MD = { username: 'mei.browser', password: 'Spring-Orchard-31' };

async function call(request, method, path, token, data, headers = {}) {
  const r = await request.fetch(`/api/v1${path}`, {
    method,
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
    data,
  });
  const text = await r.text();
  return { status: r.status(), body: text ? JSON.parse(text) : null };
}

async function login(request, username, password) {
  const r = await call(request, 'POST', '/auth/login', null, { username, password });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.access_token;
}

// The marketing director every test shares: created once, raised to operator through the
// first-run window (R-ACL-4), which that closes.
async function marketingDirector(request, admin) {
  const made = await call(request, 'POST', '/users', admin, {
    username: MD.username, display_name: '王梅', password: MD.password, roles: ['marketing_director'],
  });
  if (made.status === 201) {
    const raised = await call(request, 'POST', '/bootstrap/permission-levels', admin, {
      user_id: made.body.user.id, permission_level: 'operator', reason: 'first run',
    });
    expect(raised.status, JSON.stringify(raised.body)).toBe(200);
  } else {
    expect(made.status, JSON.stringify(made.body)).toBe(409);
  }
  return MD;
}

// A product drafted and stocked by admin (who holds every role), listed once the marketing
// director approves (R-PRD-3).
async function listedProduct(request, admin, sku) {
  const md = await marketingDirector(request, admin);
  const p = await call(request, 'POST', '/products', admin, {
    sku, title: '西湖龙井 250g', category: 'tea', list_price_fen: 16800, price_fen: 12800,
  });
  expect(p.status, JSON.stringify(p.body)).toBe(201);
  const moved = await call(request, 'POST', `/products/${p.body.id}/stock-movements`, admin, { delta: 100, reason: 'receipt' });
  expect(moved.status, JSON.stringify(moved.body)).toBe(201);
  const listing = await call(request, 'POST', `/products/${p.body.id}/listing-requests`, admin, { reason: 'new season' });
  expect(listing.status, JSON.stringify(listing.body)).toBe(202);
  const mdToken = await login(request, md.username, md.password);
  const decided = await call(request, 'POST', `/approvals/${listing.body.id}/decisions`, mdToken, { verdict: 'approve', comment: '同意' });
  expect(decided.status, JSON.stringify(decided.body)).toBe(200);
  return p.body;
}

async function signIn(page, username, password) {
  await page.goto('/');
  await page.getByLabel('Username · 用户名').fill(username);
  await page.getByLabel('Password · 密码').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('home')).toBeVisible();
}

// axe-core, injected into the page as it is: no critical accessibility violation on the screen.
async function accessible(page, screen) {
  // Evaluated rather than added as a <script>: the dashboard's CSP rightly refuses inline code.
  if (!(await page.evaluate(() => Boolean(window.axe)))) {
    await page.evaluate(AXE);
  }
  const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
  const critical = result.violations
    .filter((v) => v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(critical, `critical accessibility violations on ${screen}`).toEqual([]);
}

// The screen as it is now and in the other language, as test artifacts (`NAME-zh.png`,
// `NAME-en.png`); the page is left in the language it was in.
async function screens(page, name) {
  const select = page.getByTestId('language');
  const was = await select.inputValue();
  const htmlLang = (l) => (l === 'zh' ? 'zh-CN' : 'en');
  for (const l of [was, was === 'en' ? 'zh' : 'en']) {
    if ((await select.inputValue()) !== l) {
      await select.selectOption(l);
      await expect(page.locator('html')).toHaveAttribute('lang', htmlLang(l));
    }
    await page.screenshot({ path: `test-results/${name}-${l}.png`, fullPage: true });
  }
  await select.selectOption(was);
  await expect(page.locator('html')).toHaveAttribute('lang', htmlLang(was));
}

module.exports = { accessible, screens, call, login, marketingDirector, listedProduct, signIn };
