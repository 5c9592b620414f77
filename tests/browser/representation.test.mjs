// (j) The representation page: who we have heard from against the
// population, day by day, and setting another baseline (with its error
// state). Each passes axe (WCAG 2.2 A/AA), at 320 px too, and the page
// and its form work the same with JavaScript off (axe itself needs it on).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BASE, SLUG, launch, navigate, newContext, runAxe } from './lib.mjs';

const EMAIL = process.env.VOICES_STAFF_EMAIL;
const PASSWORD = process.env.VOICES_STAFF_PASSWORD;
const PAGE = `${BASE}/dashboard/s/${SLUG}/representation`;

async function signIn(page) {
  await page.goto(`${BASE}/login`);
  await page.fill('#email', EMAIL);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(`${BASE}/dashboard`), page.click('main button[type="submit"]')]);
}

describe('the representation page', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  for (const javaScriptEnabled of [true, false]) {
    const axe = javaScriptEnabled ? runAxe : async () => {};
    test(`${javaScriptEnabled ? 'passes axe' : 'works with JavaScript off'}`, async (t) => {
      const context = await newContext(browser, { javaScriptEnabled });
      const page = await context.newPage();
      await signIn(page);
      await page.goto(PAGE);
      const main = await page.textContent('main');
      assert.match(main, /Office for National Statistics, Census 2021/);
      assert.match(main, /Ethnic group \(broad\)/);
      // Every table has the disclosure rule under it, and a chart with a text alternative.
      const tables = await page.locator('main table').count();
      const rules = await page.locator('main p.hint', { hasText: 'numbers from 1 to 9 are not shown' }).count();
      assert.ok(tables >= 2 && rules === tables, `${rules} rules for ${tables} tables`);
      for (const svg of await page.locator('main svg[role="img"]').all()) {
        const label = await svg.evaluate((el) => (el.getAttribute('aria-labelledby') || '').split(' ')
          .map((id) => document.getElementById(id)?.textContent ?? '').join(' ').trim());
        assert.ok(label.length > 0, 'a chart without a text alternative');
      }
      await t.test('now and over the consultation', () => axe(page, 'representation'));

      // Another characteristic over time, by the GET form.
      await page.selectOption('#track', 'age_band');
      await navigate(page, () => page.click('form[method="get"] button[type="submit"]'));
      assert.match(await page.textContent('#track-caption'), /Age band/);
      await t.test('age band over time', () => axe(page, 'representation, age band'));

      if (javaScriptEnabled) {
        await page.setViewportSize({ width: 320, height: 800 });
        await t.test('at 320 px', () => runAxe(page, 'representation, 320 px'));
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at 320 px`);
      }
      await context.close();
    });
  }

  test('a resident withdrawing their equality answers: the page and its error state pass axe', async (t) => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${BASE}/s/${SLUG}/withdraw`);
    await t.test('withdrawal page', () => runAxe(page, 'withdraw equality answers'));
    await page.fill('#reference', 'not a reference');
    await navigate(page, () => page.click('main form button[type="submit"]'));
    assert.match(await page.textContent('.error-summary'), /Enter your reference/);
    await t.test('withdrawal error state', () => runAxe(page, 'withdraw equality answers, error'));
    await context.close();
  });

  test('setting a baseline: the error state, then going back', async (t) => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page);
    await page.goto(PAGE);
    await page.fill('#baseline-name', 'Testshire');
    await page.setInputFiles('#baseline-file', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('characteristic,category\nsex,female\n') });
    await navigate(page, () => page.click('form[action$="/baseline"] button[type="submit"]'));
    assert.match(await page.textContent('.error-summary'), /column/);
    assert.equal(await page.inputValue('#baseline-name'), 'Testshire');
    await t.test('error state', () => runAxe(page, 'representation, baseline error'));

    const csv = 'characteristic,category_id,category_label,count,denominator,percent,universe,source\n' +
      'sex,female,Female,520,1000,52,usual residents aged 16+,Testshire Census 2021\n' +
      'sex,male,Male,480,1000,48,usual residents aged 16+,Testshire Census 2021\n';
    await page.fill('#baseline-name', 'Testshire');
    await page.setInputFiles('#baseline-file', { name: 'testshire.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await navigate(page, () => page.click('form[action$="/baseline"] button[type="submit"]'));
    assert.match(await page.textContent('main'), /Compared with: Testshire/);
    await t.test('another baseline', () => runAxe(page, 'representation, Testshire'));
    await navigate(page, () => page.click('form[action$="/baseline/clear"] button[type="submit"]'));
    assert.match(await page.textContent('main'), /Compared with: Birmingham/);
    await context.close();
  });
});
