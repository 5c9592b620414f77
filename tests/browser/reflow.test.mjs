// (e) Reflow (WCAG 1.4.10): at 320 CSS pixels wide, and at the equivalent
// of 400% zoom on a 1280×1024 screen, no page scrolls sideways.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  BASE, ERRORS, Problems, SURVEY, answerAll, launch, navigate, newContext, saveForLater, sendAnswers, startSurvey,
} from './lib.mjs';

// 320×640 is a small phone; 400% zoom of a 1280×1024 window leaves a
// viewport of 320×256 CSS pixels. Each page is checked at both.
const SIZES = [
  { label: '320×640', viewport: { width: 320, height: 640 } },
  { label: '320×256 (400% zoom of 1280×1024)', viewport: { width: 320, height: 256 } },
];

// overflow returns how far the page is wider than the viewport, and which
// elements stick out past its right or left edge.
function overflow(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const culprits = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || !el.checkVisibility()) continue;
      if (r.right > width + 0.5 || r.left < -0.5) {
        if (el.closest('.skip-link, .visually-hidden')) continue;
        culprits.push(`<${el.tagName.toLowerCase()}${el.className ? ` class="${el.className}"` : ''}> ${Math.round(r.left)}–${Math.round(r.right)}px "${el.textContent.trim().slice(0, 30)}"`);
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, width, culprits: culprits.slice(0, 5) };
  });
}

async function checkReflow(page, label, problems) {
  for (const size of SIZES) {
    await page.setViewportSize(size.viewport);
    await problems.check(`${label} at ${size.label}`, async () => {
      const o = await overflow(page);
      assert.ok(o.scrollWidth <= 320,
        `document.documentElement.scrollWidth is ${o.scrollWidth}px, wider than 320px; sticking out: ${o.culprits.join('; ') || 'nothing visible'}`);
    });
  }
  await page.setViewportSize(SIZES[0].viewport);
}

describe('reflow at 320 CSS pixels (WCAG 1.4.10)', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  for (const lang of ['en', 'ur']) {
    test(`every page type at 320 CSS pixels wide (${lang === 'ur' ? 'Urdu' : 'English'})`, async () => {
      const problems = new Problems();
      const context = await newContext(browser, { viewport: SIZES[0].viewport });
      const page = await context.newPage();
      for (const [label, url] of [
        ['home', `${BASE}/?lang=${lang}`], ['accessibility statement', `${BASE}/accessibility?lang=${lang}`],
        ['404 page', `${BASE}/no-such-page?lang=${lang}`], ['resume page', `${SURVEY}/resume?lang=${lang}`],
      ]) {
        await page.goto(url);
        await checkReflow(page, label, problems);
      }
      await page.fill('#code', 'nope');
      await navigate(page, () => page.click('main button[type="submit"]'));
      await checkReflow(page, 'resume page with an error', problems);

      await page.goto(`${SURVEY}?lang=${lang}`);
      await checkReflow(page, 'start page', problems);
      await startSurvey(page, lang);
      await answerAll(page, {
        lang,
        errors: lang === 'en' ? ERRORS : { info_ease: ERRORS.info_ease, carer_hours: ERRORS.carer_hours },
        onPage: (step) => checkReflow(page, `${step.type} (${step.path})`, problems),
        onError: (step, problem) => checkReflow(page, `${step.type}: ${problem.label}`, problems),
      });
      await checkReflow(page, 'check your answers', problems);
      await sendAnswers(page);
      await checkReflow(page, 'confirmation page', problems);

      await startSurvey(page, lang);
      await saveForLater(page);
      await checkReflow(page, 'saved page with the code', problems);
      await context.close();
      problems.assertNone('pages that scroll sideways');
    });
  }
});
