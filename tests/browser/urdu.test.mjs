// (c) The survey can be completed in Urdu, and every page is marked
// lang="ur" dir="rtl" and laid out right to left: headings start at the
// right, radios sit to the right of their labels.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  BASE, ERRORS, Problems, SURVEY, answerAll, assertCheckAnswers, launch, navigate, newContext, pathOf, sendAnswers,
} from './lib.mjs';

// layout measures what tells a right-to-left page from a left-to-right one.
function layout(page) {
  return page.evaluate(() => {
    const box = (el) => { const r = el.getBoundingClientRect(); return { left: r.left, right: r.right, width: r.width }; };
    const h1 = document.querySelector('main h1');
    let first = null;
    if (h1) {
      const walker = document.createTreeWalker(h1, NodeFilter.SHOW_TEXT,
        { acceptNode: (n) => (n.textContent.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP) });
      const text = walker.nextNode();
      if (text) {
        const i = text.textContent.search(/\S/);
        const range = document.createRange();
        range.setStart(text, i);
        range.setEnd(text, i + 1);
        first = box(range);
      }
    }
    const choice = document.querySelector('main .choice');
    const row = document.querySelector('main .summary-row');
    const back = document.querySelector('.back-link');
    return {
      lang: document.documentElement.getAttribute('lang'),
      dir: document.documentElement.getAttribute('dir'),
      title: document.title,
      main: box(document.querySelector('main')),
      h1: h1 ? { ...box(h1), direction: getComputedStyle(h1).direction } : null,
      first,
      choice: choice ? { input: box(choice.querySelector('input')), label: box(choice.querySelector('label')) } : null,
      summary: row ? { key: box(row.querySelector('.summary-key')), actions: box(row.querySelector('.summary-actions a')) } : null,
      back: back ? box(back) : null,
    };
  });
}

// assertRightToLeft checks one page in Urdu.
async function assertRightToLeft(page, label) {
  const l = await layout(page);
  assert.equal(l.lang, 'ur', `${label}: <html lang>`);
  assert.equal(l.dir, 'rtl', `${label}: <html dir>`);
  assert.ok(l.h1, `${label}: the page should have a main heading`);
  assert.equal(l.h1.direction, 'rtl', `${label}: the heading's computed direction`);
  assert.ok(l.first, `${label}: the heading should have text`);
  const gapRight = l.main.right - l.first.right;
  const gapLeft = l.first.left - l.main.left;
  assert.ok(gapRight < gapLeft,
    `${label}: the heading's first letter should be nearer the right edge than the left (${Math.round(gapRight)}px from the right, ${Math.round(gapLeft)}px from the left)`);
  if (l.choice) {
    assert.ok(l.choice.input.left >= l.choice.label.right - 1,
      `${label}: a radio or checkbox should sit to the right of its label (input ${Math.round(l.choice.input.left)}–${Math.round(l.choice.input.right)}px, label ${Math.round(l.choice.label.left)}–${Math.round(l.choice.label.right)}px)`);
  }
  if (l.summary) {
    assert.ok(l.summary.key.left > l.summary.actions.right,
      `${label}: on check your answers the question should be on the right and the Change link on the left`);
  }
  if (l.back) {
    assert.ok(l.main.right - l.back.right < l.back.left - l.main.left, `${label}: the Back link should be on the right`);
  }
}

describe('Urdu (right to left)', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  test('complete the survey in Urdu; every page is right to left', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const problems = new Problems();
    const check = (label) => problems.check(label, () => assertRightToLeft(page, label));

    await page.goto(`${BASE}/?lang=ur`);
    await check('home (Urdu)');
    await page.goto(`${BASE}/accessibility?lang=ur`);
    await check('accessibility statement (Urdu)');

    await page.goto(`${SURVEY}?lang=ur`);
    await check('start page');
    await navigate(page, () => page.click('main button.button-start'));

    await answerAll(page, {
      lang: 'ur',
      errors: { info_ease: ERRORS.info_ease },
      onPage: (step) => check(`${step.type} (${pathOf(page)})`),
      onError: (step, problem) => check(`${step.type}: ${problem.label}`),
    });
    await check('check your answers');
    await assertCheckAnswers(page, 'ur');
    await sendAnswers(page);
    await check('confirmation page');
    const ref = await page.$eval('main .reference', (el) => el.getAttribute('dir'));
    assert.equal(ref, 'ltr', 'the reference is Latin letters and should be marked dir="ltr"');
    problems.assertNone('pages that are not right to left');
    await context.close();
  });
});
