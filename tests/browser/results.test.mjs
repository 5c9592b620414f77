// (k) "We asked, you said, we did": the officers' results page (empty, its
// error state, with actions, an action's own page) and the public results
// page in English and in Urdu (right to left) pass axe (WCAG 2.2 A/AA);
// the public page fits 320 px, shows protected counts only as words, and
// reads the same with JavaScript off.
//
// Setup, through the pages as people use them: the administrator decides
// two pages of the review queue (so there are themes to show, one too small
// to count), the officer adds two actions and publishes.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BASE, SLUG, launch, navigate, newContext, runAxe } from './lib.mjs';

const OFFICER = process.env.VOICES_STAFF_EMAIL;
const ADMIN = process.env.VOICES_ADMIN_EMAIL;
const PASSWORD = process.env.VOICES_STAFF_PASSWORD;
const ADMIN_PAGE = `${BASE}/dashboard/s/${SLUG}/results`;
const PUBLIC_PAGE = `${BASE}/s/${SLUG}/results`;

async function signIn(page, email) {
  await page.goto(`${BASE}/login`);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(`${BASE}/dashboard`), page.click('main button[type="submit"]')]);
}

// decideReviewPage decides the page of the review queue shown: every
// answer "waiting", the first three "continuity" too (3 people: too few to
// count on the public page).
async function decideReviewPage(page) {
  await page.goto(`${BASE}/dashboard/s/${SLUG}/themes/review`);
  await page.evaluate(() => {
    const ids = [...document.querySelectorAll('input[name="answer"]')].map((i) => i.value);
    ids.forEach((id, n) => {
      for (const box of document.querySelectorAll(`input[type="checkbox"][name="themes:${CSS.escape(id)}"]`)) {
        box.checked = box.value === 'waiting' || (n < 3 && box.value === 'continuity');
      }
    });
  });
  await navigate(page, () => page.click('main form[method="post"] button[type="submit"]'));
  assert.match(await page.textContent('main'), /10 decisions saved/);
}

// mainText is the page's main content as text.
function mainText(page) {
  return page.evaluate(() => document.querySelector('main').innerText);
}

describe('the results pages', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  test('the officers\' page: empty, with an error, adding actions and publishing', async (t) => {
    const admin = await newContext(browser);
    const adminPage = await admin.newPage();
    await signIn(adminPage, ADMIN);
    await decideReviewPage(adminPage);
    await decideReviewPage(adminPage);
    await admin.close();

    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page, OFFICER);
    // Reached from the consultation's dashboard.
    await page.goto(`${BASE}/dashboard/s/${SLUG}`);
    await navigate(page, () => page.click(`a[href="/dashboard/s/${SLUG}/results"]`));
    assert.equal(new URL(page.url()).pathname, `/dashboard/s/${SLUG}/results`);
    assert.match(await mainText(page), /Preview: what publishing would publish/);
    await t.test('officers\' results page', () => runAxe(page, 'officers\' results page'));

    // An action with every problem: each is named in the summary and linked to its field.
    await page.fill('#title_ur', 'کچھ');
    await page.check('#status-not-taken-forward');
    await page.fill('#due', '2027-02-30').catch(() => {}); // a date input may refuse it; the server checks anyway
    await navigate(page, () => page.click('form[action$="/actions"] button[type="submit"]'));
    const summary = await page.textContent('.error-summary');
    assert.match(summary, /Title \(English\) is required/);
    assert.match(summary, /Why it is not taken forward \(English\) is required/);
    assert.match(summary, /Themes: link the action/);
    for (const href of ['#title_en', '#reason_en', '#themes']) {
      assert.equal(await page.locator(`.error-summary a[href="${href}"]`).count(), 1, `the summary should link to ${href}`);
      assert.equal(await page.locator(href).count(), 1, `${href} should be on the page`);
    }
    assert.equal(await page.inputValue('#title_ur'), 'کچھ', 'what was typed is kept');
    await t.test('officers\' results page, error state', () => runAxe(page, 'officers\' results page, error'));

    // Two good actions.
    await page.fill('#title_en', 'Tell people who is coming before each visit');
    await page.fill('#title_ur', 'ہر ملاقات سے پہلے بتائیں کہ کون آ رہا ہے');
    await page.fill('#description_en', 'Care agencies will text the name of the carer the day before.');
    await page.check('#status');
    await page.check('#themes');
    await page.check('#themes-continuity');
    await page.fill('#due', '2027-06-30');
    await navigate(page, () => page.click('form[action$="/actions"] button[type="submit"]'));
    assert.match(await mainText(page), /The action was added/);
    await page.fill('#title_en', 'A new assessment centre');
    await page.fill('#reason_en', 'There is no building available this year; we will look again in 2028.');
    await page.check('#status-not-taken-forward');
    await page.check('#themes');
    await navigate(page, () => page.click('form[action$="/actions"] button[type="submit"]'));
    assert.match(await mainText(page), /Tell people who is coming before each visit \(Planned\)/);
    await t.test('officers\' results page with actions', () => runAxe(page, 'officers\' results page, actions'));

    // An action's own page.
    await navigate(page, () => page.click('main table a >> nth=0'));
    assert.equal(await page.inputValue('#title_en'), 'Tell people who is coming before each visit');
    await t.test('an action\'s page', () => runAxe(page, 'action page'));

    await page.goto(ADMIN_PAGE);
    await navigate(page, () => page.click('form[action$="/results/publish"] button[type="submit"]'));
    assert.match(await mainText(page), /Version \d+ was published/);
    assert.ok(await page.locator(`a[href="/s/${SLUG}/results"]`).count() > 0, 'a link to the public page');
    await t.test('officers\' results page, published', () => runAxe(page, 'officers\' results page, published'));
    await context.close();
  });

  const seen = {}; // the public page's text with JavaScript on, by language

  for (const lang of ['en', 'ur']) {
    test(`the public results page in ${lang === 'en' ? 'English' : 'Urdu'}`, async (t) => {
      const context = await newContext(browser);
      const page = await context.newPage();
      const response = await page.goto(`${PUBLIC_PAGE}?lang=${lang}`);
      assert.equal(response.status(), 200);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      assert.equal(await page.getAttribute('html', 'dir'), lang === 'ur' ? 'rtl' : 'ltr');
      const text = await mainText(page);
      seen[lang] = await page.textContent('main');
      if (lang === 'en') {
        for (const want of ['We asked, you said, we did', 'Last updated', 'Tell people who is coming before each visit', 'Planned',
          'A new assessment centre', 'Not taken forward', 'There is no building available this year', 'Waiting times', 'fewer than 10']) {
          assert.ok(text.includes(want), `the page should show "${want}"`);
        }
      } else {
        assert.match(text, /ہم نے پوچھا، آپ نے کہا، ہم نے کیا/);
        assert.match(text, /ہر ملاقات سے پہلے بتائیں کہ کون آ رہا ہے/);
        // English on the Urdu page is marked as English, left to right.
        const english = page.locator('main [lang="en"]', { hasText: 'A new assessment centre' });
        assert.equal(await english.first().getAttribute('dir'), 'ltr');
        assert.ok(await page.locator('main [lang="en"][dir="ltr"]', { hasText: 'Waiting times' }).count() > 0);
        // Headings and the chart's labels start at the right.
        const h1 = await page.locator('main h1').boundingBox();
        const mainBox = await page.locator('main').boundingBox();
        assert.ok(h1.x + h1.width > mainBox.x + mainBox.width - 40, 'the heading should start at the right');
        const svg = await page.locator('main svg.chart').first().boundingBox();
        const label = await page.locator('main svg.chart text').first().boundingBox();
        assert.ok(label.x + label.width > svg.x + svg.width * 0.8, 'the chart\'s labels should start at the right');
      }
      // Protected counts are words, never numbers from 1 to 9.
      for (const cell of await page.locator('main td.numeric').allTextContents()) {
        assert.doesNotMatch(cell, /^[1-9]$/, `a table shows the protected number ${cell}`);
      }
      // Every table has the rule under it; every chart a text alternative.
      const tables = await page.locator('main table').count();
      const rules = await page.locator('main div.table-scroll + p.hint').count();
      assert.ok(tables >= 4 && rules === tables, `${rules} rules for ${tables} tables`);
      for (const svg of await page.locator('main svg[role="img"]').all()) {
        const label = await svg.evaluate((el) => (el.getAttribute('aria-labelledby') || '').split(' ')
          .map((id) => document.getElementById(id)?.textContent ?? '').join(' ').trim());
        assert.ok(label.length > 20, 'a chart without a text alternative');
      }
      await t.test('axe', () => runAxe(page, `public results page (${lang})`));

      await page.setViewportSize({ width: 320, height: 800 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at 320 px`);
      await t.test('axe at 320 px', () => runAxe(page, `public results page (${lang}), 320 px`));
      await context.close();

      // With JavaScript off the page reads the same, and has no script.
      const nojs = await newContext(browser, { javaScriptEnabled: false });
      const plain = await nojs.newPage();
      await plain.goto(`${PUBLIC_PAGE}?lang=${lang}`);
      assert.equal(await plain.locator('script').count(), 0);
      const html = await plain.content();
      for (const want of lang === 'en'
        ? ['Tell people who is coming before each visit', 'A new assessment centre', 'Waiting times', 'Download the figures (CSV)']
        : ['ہر ملاقات سے پہلے بتائیں کہ کون آ رہا ہے', 'A new assessment centre', 'Waiting times']) {
        assert.ok(html.includes(want), `with JavaScript off the page should show "${want}"`);
      }
      assert.equal(await plain.locator('main svg.chart').count(), await plain.locator('main table').count());
      assert.equal(await plain.textContent('main'), seen[lang], 'the page should read the same with JavaScript off');
      await nojs.close();
    });
  }

  test('the open data is what the page shows', async () => {
    const context = await newContext(browser);
    const json = await context.request.get(`${PUBLIC_PAGE}.json`);
    assert.equal(json.status(), 200);
    const pub = await json.json();
    assert.ok(pub.actions.some((a) => a.title.en === 'A new assessment centre' && a.status === 'not_taken_forward'));
    const csv = await context.request.get(`${PUBLIC_PAGE}.csv`);
    assert.equal(csv.status(), 200);
    assert.match(await csv.text(), /^\ufeff?section,category,name,count,share,suppressed/);
    await context.close();
  });
});
