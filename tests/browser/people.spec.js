// The people screens as the department uses them: clocking in, the department month with its
// CSV and closing, leave with a handover colleague and the roster refusing a shift over it, and a
// shift swap across three browsers (requester, colleague, manager).
const { test, expect } = require('@playwright/test');
const fs = require('fs');
const { accessible, call, login, screens, signIn } = require('./helpers');

const password = process.env.ECOPS_ADMIN_PASSWORD;
const run = Date.now().toString(36);
const PW = 'Amber-Lantern-62';

// A date in the company's time zone (UTC+8), `days` from today, as YYYY-MM-DD.
function cnDay(days = 0) {
  return new Date(Date.now() + 8 * 3600e3 + days * 86400e3).toISOString().slice(0, 10);
}
// The company-time instant `HH:MM` on `day`, as an RFC 3339 UTC string.
function cnAt(day, hm) {
  return new Date(`${day}T${hm}:00+08:00`).toISOString();
}

async function staff(request, admin, name, display, roles) {
  const made = await call(request, 'POST', '/users', admin, {
    username: `${name}.${run}`, display_name: `${display}${run}`, password: PW, roles, monthly_wage_fen: 652500,
  });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  return { id: made.body.user.id, username: `${name}.${run}`, display: `${display}${run}` };
}

test('a customer-service user clocks in and sees the day judged', async ({ page, request }) => {
  const admin = await login(request, 'admin', password);
  const cs = await staff(request, admin, 'clock', '赵敏', ['customer_service']);
  await signIn(page, cs.username, PW);
  await page.getByTestId('nav-my-day').click();
  await expect(page.getByTestId('my-day')).toBeVisible();
  await expect(page.getByTestId('server-time')).toHaveText(/^\d\d:\d\d:\d\d$/);
  await expect(page.getByTestId('punch')).toHaveText('上班打卡');
  await page.getByTestId('punch').click();
  await expect(page.getByTestId('punches').locator('li')).toHaveCount(1);
  await expect(page.getByTestId('punches')).toContainText('上班打卡');
  await expect(page.getByTestId('day-judgement')).toBeVisible();
  await expect(page.getByTestId('punch')).toHaveText('下班打卡');
  // The judgement is the server's: the same day through the API.
  const token = await login(request, cs.username, PW);
  const month = await call(request, 'GET', `/attendance/months/${cnDay().slice(0, 7)}`, token);
  const day = month.body[0].days.find((d) => d.day === cnDay());
  expect(day.punches.length).toBe(1);
  await expect(page.getByTestId('on-duty')).toBeVisible();
  await screens(page, 'my-day');
  await accessible(page, 'my day');
  await page.getByTestId('nav-my-month').click();
  await expect(page.getByTestId(`day-${cnDay()}`)).toBeVisible();
  await screens(page, 'my-month');
  await accessible(page, 'my month');
});

test('the manager downloads the month, closes the last one and sees a later correction in the next', async ({ page, request }) => {
  const admin = await login(request, 'admin', password);
  const person = await staff(request, admin, 'late', '钱进', ['customer_service']);
  const thisMonth = cnDay().slice(0, 7);
  const [y, m] = thisMonth.split('-').map(Number);
  const last = `${m === 1 ? y - 1 : y}-${String(m === 1 ? 12 : m - 1).padStart(2, '0')}`;
  // Employed since the first of last month, so last month's days are judged.
  const hired = await call(request, 'PUT', `/users/${person.id}/employment`, admin, { started_on: `${last}-01` });
  expect(hired.status, JSON.stringify(hired.body)).toBe(200);

  await signIn(page, 'admin', password);
  await page.getByTestId('language').selectOption('en');
  await page.getByTestId('nav-dept-month').click();
  await expect(page.getByTestId('dept-month-table')).toBeVisible();
  await expect(page.getByTestId('person-row').filter({ hasText: person.display })).toBeVisible();
  await screens(page, 'department-month');
  await accessible(page, 'the department month');

  // The CSV holds the same people as the JSON.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-csv').click()]);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  expect(csv.charCodeAt(0)).toBe(0xfeff);
  const json = await call(request, 'GET', `/attendance/months/${thisMonth}`, admin);
  const lines = csv.trim().split(/\r?\n/).slice(1);
  expect(lines.length).toBe(json.body.length);
  for (const row of json.body) {
    expect(csv).toContain(row.username);
  }

  // Last month closes once; its figures are frozen.
  await page.getByTestId('prev-month').click();
  await expect(page.getByTestId('dept-month-table')).toBeVisible();
  if ((await page.getByTestId('dept-month-state').innerText()) !== 'Closed') {
    await page.getByTestId('close-month').click();
    await page.getByTestId('confirm-missing').check();
    await page.getByTestId('confirm-close').click();
  }
  await expect(page.getByTestId('dept-month-state')).toHaveText('Closed');

  // A correction for a working day of last month lands in this month as an adjustment.
  await page.getByTestId('person-row').filter({ hasText: person.display }).getByRole('link').click();
  await expect(page.getByTestId('month')).toBeVisible();
  await page.getByTestId('prev-month').click();
  await expect(page.getByTestId('month-state')).toHaveText('Closed');
  const working = page.locator('[data-testid^="day-"].absent').first();
  const testid = await working.getAttribute('data-testid');
  const dayOf = testid.slice(4);
  await working.click();
  // Both punches of the day: a clock-in alone would still be a missing clock-out, an absence.
  for (const [direction, at] of [['in', '08:09'], ['out', '17:45']]) {
    await page.getByLabel('Punch', { exact: true }).selectOption(direction);
    await page.getByLabel('Time').fill(`${dayOf}T${at}`);
    await page.getByTestId('correction-reason').fill('clocking device was down');
    await page.getByTestId('correction-submit').click();
    await expect(page.getByText('Correction recorded.').first()).toBeVisible();
    // The closed month shows its frozen day; the punch is on record.
    await expect.poll(async () => {
      const from = new Date(`${dayOf}T00:00:00+08:00`).toISOString();
      const to = new Date(new Date(from).getTime() + 86400e3).toISOString();
      const r = await call(request, 'GET', `/attendance/punches?user_id=${person.id}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, admin);
      return r.body.length;
    }).toBe(direction === 'in' ? 1 : 2);
  }
  await page.getByTestId('next-month').click();
  await expect(page.getByTestId('adjustments')).toContainText(dayOf);
  await screens(page, 'person-month');
  await accessible(page, "a person's month");
});

test('leave names a colleague, the manager approves, and the roster refuses a shift over it', async ({ page, request }) => {
  const admin = await login(request, 'admin', password);
  const away = await staff(request, admin, 'away', '孙丽', ['customer_service']);
  const mate = await staff(request, admin, 'mate', '周杰', ['customer_service']);
  const day = cnDay(2);

  await signIn(page, away.username, PW);
  await page.getByTestId('nav-leave').click();
  await page.getByTestId('leave-kind').selectOption('personal');
  await page.getByTestId('leave-start').fill(`${day}T00:00`);
  await page.getByTestId('leave-end').fill(`${cnDay(3)}T00:00`);
  await page.getByTestId('leave-reason').fill('家里有事');
  // The colleague list holds only active staff, and searches.
  await page.getByTestId('handover-search').fill(mate.display);
  await page.getByTestId('handover-to').selectOption({ label: `${mate.display} (${mate.username})` });
  await page.getByTestId('handover-note').fill('客服队列');
  await page.getByTestId('leave-submit').click();
  const row = page.getByTestId('leave-row').first();
  await expect(row.getByTestId('leave-state')).toHaveText('待审批');
  await expect(row.getByTestId('leave-chain')).toContainText('电商部经理');
  await screens(page, 'leave');
  await accessible(page, 'leave');

  // The manager approves it.
  const mine = await call(request, 'GET', `/leave-requests?user_id=${away.id}`, admin);
  const req = mine.body.items[0].approval_request_id;
  const decided = await call(request, 'POST', `/approvals/${req}/decisions`, admin, { verdict: 'approve', comment: '同意' });
  expect(decided.status, JSON.stringify(decided.body)).toBe(200);
  await page.reload();
  await expect(page.getByTestId('leave-row').first().getByTestId('leave-state')).toHaveText('已同意');

  // In the roster screen a shift for her that day is refused.
  await page.getByTestId('nav-duty').click();
  const manager = await page.context().browser().newContext();
  const m = await manager.newPage();
  await signIn(m, 'admin', password);
  await m.goto('/duty');
  await expect(m.getByTestId('roster')).toBeVisible();
  await m.getByTestId('shift-person').selectOption({ label: away.display });
  await m.getByTestId('shift-kind').selectOption('restaurant');
  await m.getByTestId('shift-start').fill(`${day}T18:00`);
  await m.getByTestId('shift-end').fill(`${day}T20:00`);
  await m.getByTestId('shift-submit').click();
  await expect(m.getByTestId('shift-error')).toBeVisible();
  await expect(m.getByTestId('shift-error')).toContainText(/leave|请假|假/);
  await screens(m, 'duty-roster');
  await m.getByTestId('span').click();
  await expect(m.getByTestId('roster')).toHaveCount(5);
  await accessible(m, 'the duty roster');
  await manager.close();
});

test('a swap is requested, accepted and approved across three browsers', async ({ browser, request }) => {
  const admin = await login(request, 'admin', password);
  const a = await staff(request, admin, 'swapa', '吴昊', ['customer_service']);
  const b = await staff(request, admin, 'swapb', '郑爽', ['customer_service']);
  const day = cnDay(1);
  const shift = await call(request, 'POST', '/duty/shifts', admin, {
    user_id: a.id, kind: 'restaurant', starts_at: cnAt(day, '18:00'), ends_at: cnAt(day, '20:00'),
  });
  expect(shift.status, JSON.stringify(shift.body)).toBe(201);
  // Tomorrow is in next week's roster when today is Sunday.
  const nextWeek = new Date(`${day}T00:00:00Z`).getUTCDay() === 1;

  const ctxA = await browser.newContext();
  const pa = await ctxA.newPage();
  await signIn(pa, a.username, PW);
  await pa.goto('/duty');
  if (nextWeek) await pa.getByTestId('next-week').click();
  await expect(pa.getByTestId('swap-form')).toBeVisible();
  await pa.getByTestId('swap-shift').selectOption({ index: 1 });
  await pa.getByTestId('swap-colleague').selectOption({ label: b.display });
  await pa.getByTestId('swap-reason').fill('孩子生病');
  await pa.getByTestId('swap-submit').click();
  await expect(pa.getByTestId('swap-row').first().getByTestId('swap-state')).toHaveText('已申请换班');

  const ctxB = await browser.newContext();
  const pb = await ctxB.newPage();
  await signIn(pb, b.username, PW);
  await pb.goto('/duty');
  const asked = pb.getByTestId('swap-row').filter({ hasText: '孩子生病' });
  await asked.getByTestId('swap-accept').click();
  await expect(asked.getByTestId('swap-state')).toHaveText('已同意');
  await screens(pb, 'swaps');

  const ctxM = await browser.newContext();
  const pm = await ctxM.newPage();
  await signIn(pm, 'admin', password);
  await pm.goto('/approvals');
  const waiting = pm.getByTestId('approval-row').filter({ hasText: '孩子生病' });
  await waiting.getByRole('link').click();
  await pm.getByTestId('approve').click();
  await pm.getByLabel('审批意见').fill('同意换班');
  await pm.getByTestId('confirm').click();
  await expect(pm.getByTestId('approval-state')).toHaveText('已同意');

  await pb.reload();
  if (nextWeek) await pb.getByTestId('next-week').click();
  await expect(pb.getByTestId('roster-restaurant').getByTestId('shift').filter({ hasText: b.display })).toBeVisible();
  await expect(pb.getByTestId('swap-row').filter({ hasText: '孩子生病' }).getByTestId('swap-state')).toHaveText('已批准');
  await accessible(pb, 'the duty roster with swaps');
  for (const c of [ctxA, ctxB, ctxM]) await c.close();
});

test('a person asks for a correction from a day of their month, and the manager approves it', async ({ page, request }) => {
  const admin = await login(request, 'admin', password);
  const me = await staff(request, admin, 'forgot', '冯雪', ['customer_service']);
  await signIn(page, me.username, PW);
  await page.getByTestId('language').selectOption('en');
  await page.getByTestId('nav-my-month').click();
  // Today: the clock-in forgotten a moment ago (never before midnight, company time).
  const dayOf = cnDay();
  const cnNow = new Date(Date.now() + 8 * 3600e3 - 120e3).toISOString();
  const at = cnNow.slice(0, 10) === dayOf ? cnNow.slice(11, 16) : '00:00';
  await page.getByTestId(`day-${dayOf}`).click();
  await expect(page.getByText('Ask for a correction (补卡)')).toBeVisible();
  await page.getByLabel('Punch', { exact: true }).selectOption('in');
  await page.getByLabel('Time').fill(`${dayOf}T${at}`);
  await page.getByTestId('correction-reason').fill('badge reader was broken');
  await page.getByTestId('correction-submit').click();
  await expect(page.getByText('Request filed: the department manager decides.')).toBeVisible();
  await screens(page, 'ask-correction');
  await accessible(page, 'asking for a correction');
  // The manager finds it in the inbox and approves; the punch is then on record.
  const inbox = await call(request, 'GET', '/approvals?view=waiting&kind=punch_correction', admin);
  const asked = inbox.body.items.find((r) => r.proposer_id === me.id);
  expect(asked.payload.reason).toBe('badge reader was broken');
  const decided = await call(request, 'POST', `/approvals/${asked.id}/decisions`, admin, { verdict: 'approve', comment: 'ok' });
  expect(decided.status, JSON.stringify(decided.body)).toBe(200);
  const token = await login(request, me.username, PW);
  const month = await call(request, 'GET', `/attendance/months/${dayOf.slice(0, 7)}`, token);
  const day = month.body[0].days.find((d) => d.day === dayOf);
  expect(day.punches.map((p) => p.source)).toEqual(['correction']);
});

test('a resignation waits for the witnessed handover', async ({ browser, request }) => {
  const admin = await login(request, 'admin', password);
  const leaving = await staff(request, admin, 'leaving', '林雨', ['customer_service']);
  const next = await staff(request, admin, 'next', '何光', ['customer_service']);
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signIn(page, leaving.username, PW);
  await page.getByTestId('language').selectOption('en');
  await page.getByTestId('nav-departures').click();
  await page.getByTestId('dep-successor').selectOption({ label: next.display });
  await page.getByLabel('Reason').fill('moving to Hangzhou');
  await page.getByLabel('What you hand over, one item per line').fill('the chat queue\nthe return addresses');
  await page.getByTestId('departure-submit').click();
  const mine = page.getByTestId('departure').filter({ hasText: leaving.display });
  await expect(mine.getByTestId('departure-state')).toHaveText('Being handed over');
  await expect(mine.getByTestId('handover-item')).toHaveCount(2);
  await expect(page.getByTestId('departure-form')).toHaveCount(0);
  await screens(page, 'departure');
  await accessible(page, 'a resignation');

  const mctx = await browser.newContext();
  const m = await mctx.newPage();
  await signIn(m, 'admin', password);
  await m.getByTestId('language').selectOption('en');
  await m.goto('/departures');
  const theirs = m.getByTestId('departure').filter({ hasText: leaving.display });
  await theirs.getByTestId('confirm-item').first().click();
  await expect(theirs.getByTestId('confirm-item')).toHaveCount(1);
  await theirs.getByTestId('confirm-item').click();
  await expect(theirs.getByTestId('departure-state')).toHaveText('Handed over');
  // Not before its date: the account stays active until then.
  await expect(theirs.getByTestId('complete-departure')).toBeDisabled();
  await page.reload();
  await expect(mine.getByTestId('handover-item').first()).toContainText('witnessed by');
  await ctx.close();
  await mctx.close();
});

test('the manager adds a holiday to the calendar and a policy version from tomorrow', async ({ page }) => {
  await signIn(page, 'admin', password);
  await page.getByTestId('language').selectOption('en');
  await page.goto('/policies');
  await expect(page.getByTestId('policy-row').first()).toBeVisible();
  const before = await page.getByTestId('policy-row').count();
  await page.getByLabel('Grace (min)').fill('5');
  await page.getByLabel('Note', { exact: true }).fill('five minutes of grace from tomorrow');
  await page.getByTestId('policy-submit').click();
  await expect(page.getByTestId('policy-row')).toHaveCount(before + 1);
  await expect(page.getByTestId('policy-row').filter({ hasText: 'five minutes of grace' })).toContainText(cnDay(1));
  // A public holiday a week from now, shown in its year.
  const day = cnDay(7);
  if (day.slice(0, 4) !== cnDay().slice(0, 4)) await page.getByRole('button', { name: 'Next year →' }).click();
  await page.getByLabel('From', { exact: true }).fill(day);
  await page.getByLabel('Until (inclusive)').fill(day);
  await page.getByLabel('Name', { exact: true }).fill('公司周年庆');
  await page.getByTestId('calendar-submit').click();
  await expect(page.getByTestId('calendar-row').filter({ hasText: day })).toContainText('Public holiday');
  // The same day again is refused whole, with the reason.
  await page.getByTestId('calendar-submit').click();
  await expect(page.getByTestId('calendar-form').locator('.field-error')).toBeVisible();
  await screens(page, 'policies');
  await accessible(page, 'the policy and calendar');
});

test("the manager checks and records a clocking device's file; the unknown employee's row is refused", async ({ page, request }) => {
  const admin = await login(request, 'admin', password);
  const worker = await staff(request, admin, 'device', '邓超', ['warehouse']);
  // An hour ago, but on the company's today (Asia/Shanghai, UTC+8 all year): the worker is
  // employed from today, and a punch before that is refused.
  const dayStart = Math.floor((Date.now() + 8 * 3600e3) / 86400e3) * 86400e3 - 8 * 3600e3;
  const at = new Date(Math.min(Date.now() - 5e3, Math.max(Date.now() - 3600e3, dayStart + 1e3))).toISOString();
  const csv = `device_id,device_punch_id,username,direction,at\nGATE-1,${run}-1,${worker.username},in,${at}\nGATE-1,${run}-2,nobody.${run},in,${at}\n`;
  await signIn(page, 'admin', password);
  await page.getByTestId('language').selectOption('en');
  await page.goto('/attendance');
  await page.getByTestId('punch-file').setInputFiles({ name: 'gate.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByTestId('punch-check').click();
  await expect(page.getByTestId('punch-report')).toContainText('Checked, nothing written');
  await expect(page.getByTestId('punch-report')).toContainText('valid 1');
  await expect(page.getByTestId('punch-report')).toContainText('refused 1');
  await expect(page.getByTestId('punch-report-rows')).toContainText('unknown_user');
  await page.getByTestId('punch-record').click();
  await expect(page.getByTestId('punch-report')).toContainText('recorded 1');
  await screens(page, 'punch-import');
  await accessible(page, 'the punch import');
  const token = await login(request, worker.username, PW);
  const from = new Date(Date.now() - 2 * 3600e3).toISOString();
  const to = new Date(Date.now() + 60e3).toISOString();
  const punches = await call(request, 'GET', `/attendance/punches?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, token);
  expect(punches.body.map((p) => p.source)).toEqual(['device']);
});

test('the daily report saves as one types and is there after a reload', async ({ page, request }) => {
  const admin = await login(request, 'admin', password);
  const me = await staff(request, admin, 'writer', '唐宁', ['customer_service']);
  await signIn(page, me.username, PW);
  await page.getByTestId('language').selectOption('en');
  await page.getByTestId('nav-reports').click();
  await page.getByTestId('report-done').fill('answered 40 chats, 3 refunds');
  await page.getByTestId('report-plan').fill('call back the Hangzhou customer');
  await expect(page.getByTestId('report-save-state')).toContainText('Saved at');
  await page.reload();
  await expect(page.getByTestId('report-done')).toHaveValue('answered 40 chats, 3 refunds');
  await expect(page.getByTestId('report-plan')).toHaveValue('call back the Hangzhou customer');
  await screens(page, 'daily-report');
  await accessible(page, 'the daily report');
  // The manager sees it among the day's reports, and the writer no longer among those due.
  const due = await call(request, 'GET', `/reports/daily/missing?from=${cnDay()}&to=${cnDay()}`, admin);
  expect(due.status).toBe(200);
  expect(due.body.some((m) => m.user_id === me.id)).toBe(false);
  const list = await call(request, 'GET', `/reports/daily?from=${cnDay()}&to=${cnDay()}`, admin);
  expect(list.body.find((r) => r.user_id === me.id).done).toBe('answered 40 chats, 3 refunds');
});
