// (f) The signed-in side: the sign-in page, its error state and the
// dashboard have no WCAG 2.2 A/AA violations, work with the keyboard alone
// and with JavaScript off, and the password field accepts pasting (WCAG 2.2
// 3.3.8 accessible authentication: no puzzle, password managers welcome).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BASE, launch, newContext, runAxe } from './lib.mjs';

const EMAIL = process.env.VOICES_STAFF_EMAIL;
const PASSWORD = process.env.VOICES_STAFF_PASSWORD;

describe('signing in', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  test('sign-in page, its error state and the dashboard pass axe', async (t) => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const response = await page.goto(`${BASE}/login`);
    assert.equal(response.status(), 200);
    await t.test('sign-in page', () => runAxe(page, 'sign-in page'));

    await page.fill('#email', EMAIL);
    await page.fill('#password', 'not the password at all');
    await Promise.all([page.waitForLoadState('load'), page.click('main button[type="submit"]')]);
    assert.match(await page.textContent('.error-summary'), /email address or password is not right/);
    assert.equal(await page.inputValue('#email'), EMAIL, 'the email address should be kept');
    await t.test('sign-in error state', () => runAxe(page, 'sign-in error state'));

    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL(`${BASE}/dashboard`), page.click('main button[type="submit"]')]);
    assert.match(await page.textContent('main'), /Signed in as Olu Officer/);
    await t.test('dashboard', () => runAxe(page, 'dashboard'));
    await context.close();
  });

  test('with the keyboard alone, pasting the password', async () => {
    const context = await newContext(browser);
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const page = await context.newPage();
    await page.goto(`${BASE}/login?next=/dashboard`);
    await page.keyboard.press('Tab'); // skip link
    await page.keyboard.press('Tab'); // service name
    let focused = '';
    for (let i = 0; i < 10 && focused !== 'email'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.id ?? '');
    }
    assert.equal(focused, 'email', 'Tab should reach the email field');
    await page.keyboard.type(EMAIL);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'password');
    await page.evaluate((p) => navigator.clipboard.writeText(p), PASSWORD);
    await page.keyboard.press('Control+V');
    assert.equal(await page.inputValue('#password'), PASSWORD, 'pasting into the password field should work');
    await Promise.all([page.waitForURL(`${BASE}/dashboard`), page.keyboard.press('Enter')]);
    await context.close();
  });

  test('with JavaScript off: sign in and sign out', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${BASE}/dashboard`);
    assert.ok(page.url().startsWith(`${BASE}/login`), 'the dashboard should send people who are not signed in to sign in');
    await page.fill('#email', EMAIL);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL(`${BASE}/dashboard`), page.click('main button[type="submit"]')]);
    await Promise.all([page.waitForURL(`${BASE}/login`), page.click('main form[action="/logout"] button')]);
    await page.goto(`${BASE}/dashboard`);
    assert.ok(page.url().startsWith(`${BASE}/login`), 'after signing out the dashboard should ask to sign in again');
    await context.close();
  });
});
