// (j) The officers' breakdown page, "Who we heard from": the empty form, a
// breakdown by one characteristic, by two with a question, by a theme of
// the demo's codebook, and the error state each pass axe (WCAG 2.2 A/AA);
// at 320 px wide the page does not scroll sideways (wide tables scroll in
// their own region); and with JavaScript off the same breakdowns come back
// the same, with no <script> on the page.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BASE, SLUG, launch, navigate, newContext, runAxe } from './lib.mjs';

const EMAIL = process.env.VOICES_STAFF_EMAIL;
const PASSWORD = process.env.VOICES_STAFF_PASSWORD;
const BREAKDOWN = `${BASE}/dashboard/s/${SLUG}/breakdown`;
const show = 'main form button[type="submit"]';

async function signIn(page) {
  await page.goto(`${BASE}/login`);
  await page.fill('#email', EMAIL);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(`${BASE}/dashboard`), page.click('main button[type="submit"]')]);
}

// choose fills the form (by: up to three characteristics; count: a value
// of the Count list) and sends it, as a person would.
async function choose(page, by, count = '') {
  await page.goto(BREAKDOWN);
  for (let i = 0; i < 3; i++) {
    if (i > 0 || by[i]) await page.selectOption(`#by-${i + 1}`, by[i] ?? '');
  }
  await page.selectOption('#count', count);
  return navigate(page, () => page.click(show));
}

// The breakdowns the tests look at; the theme is the demo codebook's first.
const cases = [
  { name: 'one characteristic', by: ['ethnic_group_broad'], tables: 1, charts: 1 },
  { name: 'two characteristics and a question', by: ['age_band', 'sex'], count: 'question:services', charts: 0 },
  { name: 'a theme', by: ['disability'], count: 'theme', tables: 1, charts: 1 },
];

// mainText is the page's main content as text, with the form's values.
async function mainText(page) {
  return page.evaluate(() => {
    const values = [...document.querySelectorAll('main select')].map((s) => `${s.id}=${s.value}`);
    return `${values.join('&')}\n${document.querySelector('main').innerText}`;
  });
}

describe('the breakdown page', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  const seen = {}; // the main text of each breakdown with JavaScript on

  test('breakdowns and the error state pass axe, and fit 320 px', async (t) => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page);
    await page.goto(`${BASE}/dashboard/s/${SLUG}`);
    await navigate(page, () => page.click(`main a[href="/dashboard/s/${SLUG}/breakdown"]`));
    assert.equal(await page.locator('main table').count(), 0, 'the form comes alone at first');
    await t.test('the form', () => runAxe(page, 'breakdown form'));

    const theme = await page.locator('#count optgroup:last-of-type option').first().getAttribute('value');
    assert.match(theme ?? '', /^theme:/, 'the demo has a codebook, so its themes should be offered');
    for (const c of cases) {
      const count = c.count === 'theme' ? theme : c.count;
      const response = await choose(page, c.by, count);
      assert.equal(response.status(), 200, `${c.name}: HTTP status`);
      const tables = await page.locator('main table').count();
      if (c.tables) assert.equal(tables, c.tables, `${c.name}: tables`);
      assert.ok(tables > 0, `${c.name}: a table`);
      assert.equal(await page.locator('main svg[role="img"]').count(), c.charts ?? 0, `${c.name}: charts`);
      // The rules under every table and every chart.
      const rules = await page.$$eval('main .table-scroll + p.meta, main svg + p.meta', (ps) => ps.map((p) => p.textContent));
      assert.equal(rules.length, tables + (c.charts ?? 0), `${c.name}: the rules under each table and chart`);
      for (const r of rules) assert.match(r, /numbers from 1 to 9 are not shown/);
      // The choices are kept in the form.
      assert.equal(await page.inputValue('#by-1'), c.by[0], `${c.name}: first list`);
      assert.equal(await page.inputValue('#count'), count ?? '', `${c.name}: Count list`);
      await t.test(c.name, () => runAxe(page, `breakdown: ${c.name}`));
      seen[c.name] = { url: page.url(), text: await mainText(page) };
    }

    // The same characteristic twice: the summary names the second list and
    // its link takes the keyboard there.
    const response = await choose(page, ['sex', 'sex']);
    assert.equal(response.status(), 422, 'HTTP status of the error state');
    const link = page.locator('.error-summary a');
    assert.equal(await link.getAttribute('href'), '#by-2');
    assert.match(await link.textContent(), /^Break down by: "sex" is given twice/);
    assert.equal(await page.inputValue('#by-2'), 'sex', 'the form keeps what was chosen');
    assert.match(await page.title(), /^Error: /);
    await t.test('the error state', () => runAxe(page, 'breakdown: the same characteristic twice'));
    await link.focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'by-2', 'the summary link should move focus to the list');
    seen.error = { url: page.url().replace(/#.*$/, ''), text: await mainText(page) };

    // At 320 px the page itself never scrolls sideways.
    await page.setViewportSize({ width: 320, height: 640 });
    for (const c of Object.values(seen)) {
      await page.goto(c.url);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 320, `${c.url} is ${width} px wide at 320 px`);
    }
    await context.close();
  });

  test('with JavaScript off, the same breakdowns and no script', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page);
    assert.ok(Object.keys(seen).length > 0, 'the first test should have run');
    // The form works without script: it is a plain GET form.
    const response = await choose(page, cases[0].by);
    assert.equal(response.status(), 200, 'sending the form without JavaScript');
    assert.equal(page.url(), seen[cases[0].name].url, 'the form without JavaScript should lead to the same address');
    const scripts = [];
    for (const [name, c] of Object.entries(seen)) {
      await page.goto(c.url);
      if (await page.locator('script').count() > 0) scripts.push(name);
      const textOff = await page.locator('main').innerText();
      const textOn = c.text.slice(c.text.indexOf('\n') + 1);
      assert.equal(textOff, textOn, `${name}: the page should read the same without JavaScript`);
    }
    assert.deepEqual(scripts, [], 'the breakdown pages should have no <script>');
    await context.close();
  });
});
