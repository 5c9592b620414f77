// (h) The administrators' pages: users, the add-user form and its error
// state, a user's change page, organisations and the audit log have no
// WCAG 2.2 A/AA violations, in English and right to left; they work with
// JavaScript off; and other roles get a page saying they cannot see them.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BASE, launch, newContext, runAxe } from './lib.mjs';

const ADMIN = process.env.VOICES_ADMIN_EMAIL;
const OFFICER = process.env.VOICES_STAFF_EMAIL;
const PASSWORD = process.env.VOICES_STAFF_PASSWORD;

async function signIn(page, email, next) {
  await page.goto(`${BASE}/login?next=${next}`);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(`${BASE}${next}`), page.click('main button[type="submit"]')]);
}

// submit presses the form's main button and waits for the page it leads to.
async function submit(page, selector = 'main form[method="post"] button[type="submit"]') {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
  return response;
}

describe('administrators', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  test('users, adding a user and its error state, changing a user, organisations and the audit log pass axe', async (t) => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, ADMIN, '/dashboard/users');
    assert.equal(await page.locator('h1').count(), 1, 'one h1');
    assert.equal(await page.locator('table caption').count(), 1, 'the table has a caption');
    await t.test('users page', () => runAxe(page, 'users page'));

    await page.click('main a[href="/dashboard/users/new"]');
    await page.waitForURL(`${BASE}/dashboard/users/new`);
    await t.test('add-user page', () => runAxe(page, 'add-user page'));

    await page.fill('#email', 'bilal@example.org');
    await page.check('#role-partner');
    await page.fill('#password', 'too short');
    const response = await submit(page);
    assert.equal(response.status(), 422);
    const links = await page.$$eval('.error-summary a', (as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(links, ['#name', '#organisation', '#password'], 'the summary should link to each field with a problem');
    assert.ok((await page.title()).startsWith('Error: '), 'the title should start with Error:');
    assert.equal(await page.inputValue('#email'), 'bilal@example.org', 'the email address typed should be kept');
    assert.ok(await page.isChecked('#role-partner'), 'the role chosen should be kept');
    assert.equal(await page.inputValue('#password'), '', 'the password should never be shown again');
    assert.match(await page.getAttribute('#password', 'aria-describedby'), /password-error/);
    await t.test('add-user error state', () => runAxe(page, 'add-user error state'));

    await page.fill('#name', 'Bilal Khan');
    await page.fill('#organisation', 'Sparkbrook Women’s Group');
    await page.fill('#password', 'a long enough first password');
    await submit(page);
    assert.match(await page.textContent('main [role="status"]'), /Bilal Khan has been added/);
    await t.test('users page with a confirmation', () => runAxe(page, 'users page after adding'));

    await page.click('main a:has-text("Change Bilal Khan")');
    await page.waitForURL(/\/dashboard\/users\/\d+\/edit$/);
    await t.test('change-user page', () => runAxe(page, 'change-user page'));
    const edit = page.url();
    await page.click('main a[href$="/password"]');
    await page.waitForURL(/\/password$/);
    await t.test('set-password page', () => runAxe(page, 'set-password page'));
    await submit(page, 'main form button[type="submit"]');
    assert.ok(await page.locator('.error-summary a[href="#password"]').count() > 0, 'an empty password should be in the error summary');
    await t.test('set-password error state', () => runAxe(page, 'set-password error state'));
    await page.goto(edit);
    await submit(page, 'main form[action$="/disable"] button');
    assert.match(await page.textContent('main [role="status"]'), /turned off/);

    await page.goto(`${BASE}/dashboard/organisations`);
    await t.test('organisations page', () => runAxe(page, 'organisations page'));
    await page.fill('#name', '   ');
    assert.equal((await submit(page)).status(), 422);
    assert.deepEqual(await page.$$eval('.error-summary a', (as) => as.map((a) => a.getAttribute('href'))), ['#name']);
    await t.test('organisations error state', () => runAxe(page, 'organisations error state'));

    await page.goto(`${BASE}/dashboard/audit`);
    assert.ok(await page.locator('table time[datetime]').count() > 0, 'events should show their time in a <time datetime>');
    await t.test('audit page', () => runAxe(page, 'audit page'));
    await page.selectOption('#action', 'user.disable');
    await Promise.all([page.waitForURL(/action=user.disable/), page.click('main form[method="get"] button')]);
    assert.equal(await page.locator('tbody tr').count(), 1, 'one user.disable event');
    await t.test('audit page filtered', () => runAxe(page, 'audit page filtered'));
    await context.close();
  });

  // The signed-in pages are offered only in languages that have all their
  // texts (see README, "The dashboard"): asking for Urdu, which does not
  // yet, gives whole English pages rather than half-translated ones.
  test('a language without all the texts', async (t) => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, ADMIN, '/dashboard/users');
    for (const path of ['/dashboard/users', '/dashboard/users/new', '/dashboard/organisations', '/dashboard/audit']) {
      await page.goto(`${BASE}${path}?lang=ur`);
      assert.equal(await page.getAttribute('html', 'lang'), 'en', `${path} asked for in Urdu should be wholly English`);
      assert.equal(await page.getAttribute('html', 'dir'), 'ltr', `${path} asked for in Urdu should be left to right`);
      await t.test(`${path} asked for in Urdu`, () => runAxe(page, `${path} asked for in Urdu`));
    }
    await context.close();
  });

  test('with JavaScript off: add an organisation', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, ADMIN, '/dashboard/organisations');
    await page.fill('#name', 'Handsworth Elders');
    await submit(page);
    assert.match(await page.textContent('main [role="status"]'), /Handsworth Elders has been added/);
    await context.close();
  });

  test('an officer is told they cannot see the pages', async (t) => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, OFFICER, '/dashboard');
    const response = await page.goto(`${BASE}/dashboard/users`);
    assert.equal(response.status(), 403);
    assert.match(await page.textContent('main'), /Only administrators/);
    await t.test('403 page', () => runAxe(page, 'administrators only'));
    await context.close();
  });
});
