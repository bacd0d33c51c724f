// Service quality as the department does it: the supervisor draws the week's sample, reviews a
// contact with its transcript beside the checklist; the reviewed person sees the review and
// responds.
const { test, expect } = require('@playwright/test');
const { accessible, call, login, screens, signIn } = require('./helpers');

const password = process.env.ECOPS_ADMIN_PASSWORD;
const run = Date.now().toString(36);

test('a supervisor reviews a sampled contact; the reviewed person sees it and responds', async ({ page, request }) => {
  const admin = await login(request, 'admin', password);
  const name = `cs.${run}`;
  const made = await call(request, 'POST', '/users', admin, {
    username: name, display_name: `客服${run}`, password: 'Copper-Meadow-57', roles: ['customer_service'],
  });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  // The supervisor (admin holds the role) records the agent's call.
  const start = new Date(Date.now() - 30 * 60 * 1000);
  const contact = await call(request, 'POST', '/contacts', admin, {
    staff_id: made.body.user.id, channel: 'phone', direction: 'inbound',
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
  await page.getByTestId('qa-per-person').fill('5');
  await page.getByTestId('qa-draw').click();
  const group = page.getByTestId('qa-sample-group').filter({ hasText: `客服${run}` });
  await expect(group).toBeVisible();
  await group.getByTestId('qa-sample-contact').filter({ hasText: run }).getByTestId('qa-review-open').click();
  const form = page.getByTestId('qa-review-form');
  await expect(form.getByTestId('qa-transcript')).toContainText('工号 8017');
  await form.getByTestId('qa-closing_phrase-qa-not-met').check();
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
  await signIn(page, name, 'Copper-Meadow-57');
  await page.getByTestId('language').selectOption('en');
  await page.getByTestId('nav-quality').click();
  const card = page.getByTestId('review-card').first();
  await expect(card.getByTestId('review-score')).toHaveText('85 %');
  await expect(card.getByTestId('review-missed')).toContainText('Closing phrase used');
  await expect(page.getByTestId('qa-sample')).toHaveCount(0);
  await card.getByTestId('review-response').fill('客户挂断得很快，下次先说结束语');
  await card.getByTestId('review-response-submit').click();
  await expect(page.getByTestId('review-response-text')).toContainText('客户挂断得很快');
  await screens(page, 'quality-my-reviews');
  await accessible(page, 'my reviews');
  const reviews = await call(request, 'GET', `/qa/reviews?staff_id=${made.body.user.id}`, await login(request, 'admin', password));
  expect(reviews.body[0].response).toBe('客户挂断得很快，下次先说结束语');
});
