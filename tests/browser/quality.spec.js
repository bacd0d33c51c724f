// Service quality as the department does it: the supervisor draws the week's sample, reviews a
// contact with its transcript beside the checklist; the reviewed person sees the review and
// responds.
const { test, expect } = require('@playwright/test');
const { accessible, call, login, marketingDirector, screens, signIn } = require('./helpers');

const password = process.env.ECOPS_ADMIN_PASSWORD;
const run = Date.now().toString(36);

test('a supervisor reviews a sampled contact; the reviewed person sees it and responds', async ({ page, request }) => {
  const admin = await login(request, 'admin', password);
  // The agent: an operator (the department's marketing director of the browser tests, who also
  // takes customer-service calls for this test; the roles are put back at the end).
  const md = await marketingDirector(request, admin);
  const users = await call(request, 'GET', '/users?limit=200', admin);
  const agent = users.body.items.find((u) => u.username === md.username);
  const roles = await call(request, 'PUT', `/users/${agent.id}/roles`, admin, { roles: ['marketing_director', 'customer_service'] });
  expect(roles.status, JSON.stringify(roles.body)).toBe(200);
  try {
    const agentToken = await login(request, md.username, md.password);
    const start = new Date(Date.now() - 30 * 60 * 1000);
    const contact = await call(request, 'POST', '/contacts', agentToken, {
      channel: 'phone', direction: 'inbound',
      started_at: start.toISOString(), ended_at: new Date(start.getTime() + 4 * 60 * 1000).toISOString(),
      summary: `客户询问发货时间 ${run}`, outcome: 'answered', feedback: '满意',
      transcript: '客服：您好，工号 8017，请问有什么可以帮您？\n客户：我的订单什么时候发货？\n客服：今天下午发出。',
    });
    expect(contact.status, JSON.stringify(contact.body)).toBe(201);

    await signIn(page, 'admin', password);
    await page.getByTestId('language').selectOption('en');
    await page.getByTestId('nav-quality').click();
    await expect(page.getByTestId('quality')).toBeVisible();
    await page.getByTestId('qa-seed').fill(`seed-${run}`);
    await page.getByTestId('qa-per-person').fill('50');
    await page.getByTestId('qa-draw').click();
    const row = page.getByTestId('qa-sample-contact').filter({ hasText: run });
    await expect(row).toBeVisible();
    await row.getByTestId('qa-review-open').click();
    const form = page.getByTestId('qa-review-form');
    await expect(form.getByTestId('qa-transcript')).toContainText('工号 8017');
    // The pre-check found the greeting and no closing phrase; the reviewer decides.
    await expect(form.getByTestId('qa-hint-opening_greeting')).toContainText('您好');
    await expect(form.getByTestId('qa-closing_phrase-qa-not-met')).toBeChecked();
    await form.getByTestId('qa-asked_anything_else-qa-not-met').check();
    await form.getByTestId('qa-comment').fill('没有结束语，也没有询问还有什么需要帮助');
    await screens(page, 'quality-review-form');
    await accessible(page, 'the review form');
    await form.getByTestId('qa-review-submit').click();
    await expect(page.getByText('Review submitted, score 85.')).toBeVisible();
    await expect(page.getByTestId('qa-review-form')).toHaveCount(0);
    await page.reload();
    await expect(page.getByTestId('qa-failure-chart')).toBeVisible();
    await expect(page.getByTestId('qa-failure-bar').first()).toBeVisible();
    await screens(page, 'quality-figures');

    // The reviewed person: the review, the items missed, a response.
    await page.getByTestId('logout').click();
    await expect(page.getByLabel('Username · 用户名')).toBeVisible();
    await signIn(page, md.username, md.password);
    await page.getByTestId('language').selectOption('en');
    await page.getByTestId('nav-quality').click();
    const card = page.getByTestId('review-card').filter({ hasText: '没有结束语' });
    await expect(card.getByTestId('review-score')).toHaveText('85 %');
    await expect(card.getByTestId('review-missed')).toContainText('Closing phrase used');
    await expect(page.getByTestId('qa-sample')).toHaveCount(0);
    await card.getByTestId('review-response').fill('客户挂断得很快，下次先说结束语');
    await card.getByTestId('review-response-submit').click();
    await expect(page.getByTestId('review-response-text').first()).toContainText('客户挂断得很快');
    await screens(page, 'quality-my-reviews');
    await accessible(page, 'my reviews');
    const reviews = await call(request, 'GET', `/qa/reviews?staff_id=${agent.id}`, await login(request, 'admin', password));
    expect(reviews.body.some((r) => r.response === '客户挂断得很快，下次先说结束语')).toBe(true);
  } finally {
    const back = await call(request, 'PUT', `/users/${agent.id}/roles`, await login(request, 'admin', password), { roles: ['marketing_director'] });
    expect(back.status).toBe(200);
  }
});
