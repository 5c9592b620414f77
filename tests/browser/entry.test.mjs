// (g) "Enter a response for someone": the one-page form, its error state and
// the saved page have no WCAG 2.2 A/AA violations, and it works with
// JavaScript off.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BASE, SLUG, launch, newContext, runAxe } from './lib.mjs';

const EMAIL = process.env.VOICES_STAFF_EMAIL;
const PASSWORD = process.env.VOICES_STAFF_PASSWORD;
const ENTER = `${BASE}/dashboard/s/${SLUG}/enter`;

// answerRequired fills in the demo's required questions.
async function answerRequired(page, matters) {
  await page.fill('#matters', matters);
  await page.check('#info_ease');
  await page.check('#unpaid_carer-no');
  await page.fill('#one_change', 'More help at home');
}

async function signIn(page) {
  await page.goto(`${BASE}/login?next=/dashboard/s/${SLUG}/enter`);
  await page.fill('#email', EMAIL);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(ENTER), page.click('main button[type="submit"]')]);
}

describe('entering a response for someone', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  test('the form, its error state and the saved page pass axe', async (t) => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page);
    await t.test('entry form', () => runAxe(page, 'entry form'));

    await page.fill('#matters', 'Help to get to the shops');
    await Promise.all([page.waitForLoadState('load'), page.click('main form button[type="submit"]')]);
    assert.ok(await page.locator('.error-summary a[href="#consent_confirmed"]').count() > 0, 'the missing consent should be in the error summary');
    assert.equal(await page.inputValue('#matters'), 'Help to get to the shops', 'answers should be kept');
    await t.test('entry form error state', () => runAxe(page, 'entry form error state'));

    await answerRequired(page, 'Help to get to the shops');
    await page.check('#consent_confirmed');
    await page.check('#mode-bsl_video_relay');
    await page.fill('#interpreter_language', 'bsl');
    await Promise.all([page.waitForLoadState('load'), page.click('main form button[type="submit"]')]);
    assert.match(await page.textContent('main'), /Response saved/);
    await t.test('saved page', () => runAxe(page, 'response saved'));
    await context.close();
  });

  test('with JavaScript off', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page);
    await answerRequired(page, 'Somewhere to meet people');
    await page.check('#consent_confirmed');
    await Promise.all([page.waitForLoadState('load'), page.click('main form button[type="submit"]')]);
    assert.match(await page.textContent('main'), /Response saved/);
    await context.close();
  });
});
