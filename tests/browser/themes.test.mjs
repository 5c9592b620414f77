// (i) The theme pages: the overview, the codebook, the review queue, the
// report, discovery and agreement pass axe (WCAG 2.2 A/AA), and a page of
// the review queue can be decided with the keyboard alone.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BASE, SLUG, launch, navigate, newContext, runAxe } from './lib.mjs';

const EMAIL = process.env.VOICES_STAFF_EMAIL;
const PASSWORD = process.env.VOICES_STAFF_PASSWORD;
const THEMES = `${BASE}/dashboard/s/${SLUG}/themes`;

async function signIn(page) {
  await page.goto(`${BASE}/login`);
  await page.fill('#email', EMAIL);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(`${BASE}/dashboard`), page.click('main button[type="submit"]')]);
}

// tabTo presses Tab until the focused element matches test (at most 400 times).
async function tabTo(page, what, test) {
  for (let i = 0; i < 400; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(test)) return;
  }
  assert.fail(`Tab never reached ${what}`);
}

describe('the theme pages', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  test('pages pass axe, and a page of answers is decided by keyboard alone', async (t) => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page);
    await page.goto(THEMES);
    await t.test('overview', () => runAxe(page, 'themes overview'));
    await navigate(page, () => page.click('form[action$="/themes/suggest"] button'));
    assert.match(await page.textContent('main'), /Suggestions made for \d+ answers/);
    await t.test('overview after suggesting', () => runAxe(page, 'themes overview, suggested'));

    await page.goto(`${THEMES}/codebook`);
    await t.test('codebook', () => runAxe(page, 'codebook'));

    await page.goto(`${THEMES}/review`);
    await t.test('review queue', () => runAxe(page, 'review queue'));
    // Keyboard only: from the top of the page, Tab to the first theme box,
    // Space to change it, Tab on to Save, Enter to send.
    const first = await page.getAttribute('input[name="answer"]', 'value');
    await page.evaluate(() => { document.body.tabIndex = -1; document.body.focus(); document.body.removeAttribute('tabindex'); });
    await tabTo(page, 'a theme checkbox', () => document.activeElement?.matches('input[type="checkbox"][name^="themes:"]'));
    const box = await page.evaluate(() => ({ name: document.activeElement.name, value: document.activeElement.value, checked: document.activeElement.checked }));
    await page.keyboard.press('Space');
    await tabTo(page, 'the Save button', () => document.activeElement?.matches('main form[method="post"] button[type="submit"]'));
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press('Enter')]);
    assert.match(await page.textContent('main'), /10 decisions saved/);
    assert.equal(await page.locator(`input[name="answer"][value="${first}"]`).count(), 0, 'the decided answer should leave the queue of undecided ones');
    await t.test('review queue after saving', () => runAxe(page, 'review queue, saved'));
    // The decision is what the keyboard made it.
    await page.goto(`${THEMES}/review?status=mine&limit=100`);
    const nowChecked = await page.locator(`input[name="${box.name}"][value="${box.value}"]`).isChecked();
    assert.equal(nowChecked, !box.checked, 'Space should have changed the decision that was saved');

    await page.goto(`${THEMES}/report`);
    assert.ok(await page.locator('svg.chart').count() > 0, 'the report should have a chart');
    // Small numbers are protected, and the rule is stated under every table.
    const tables = await page.locator('table').count();
    assert.ok(tables > 0, 'the report should have a table');
    assert.equal(await page.locator('table + p[id$="-rule"]').count(), tables, 'every table should have the rule under it');
    assert.match(await page.textContent('main'), /numbers from 1 to 9 are not shown/);
    await t.test('report', () => runAxe(page, 'themed report'));
    await page.emulateMedia({ media: 'print' });
    await t.test('report as printed', () => runAxe(page, 'themed report, print'));
    await page.emulateMedia({ media: 'screen' });

    await page.goto(`${THEMES}/discover`);
    await t.test('discovery', () => runAxe(page, 'discovery'));
    await navigate(page, () => page.click('form[action$="/themes/discover"] button'));
    await t.test('discovery with candidates or its message', () => runAxe(page, 'discovery, run'));

    await page.goto(`${THEMES}/agreement`);
    await t.test('agreement', () => runAxe(page, 'agreement'));
    await context.close();
  });
});
