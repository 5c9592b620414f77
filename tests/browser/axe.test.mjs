// (a) axe-core finds no WCAG 2.2 A or AA violations on any page type, in
// English, and on a representative set of pages in Urdu (right-to-left).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  BASE, ERRORS, SURVEY, answerAll, launch, navigate, newContext, pathOf, runAxe, saveForLater,
  sendAnswers, startSurvey,
} from './lib.mjs';

describe('axe-core: no WCAG 2.2 A/AA violations', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  test('pages outside the survey form (English)', async (t) => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const pages = [
      ['home', `${BASE}/`, 200],
      ['accessibility statement', `${BASE}/accessibility`, 200],
      ['start page', SURVEY, 200],
      ['404 page', `${BASE}/no-such-page`, 404],
      ['404 page for an unknown survey', `${BASE}/s/no-such-survey`, 404],
      ['answers not found (no draft cookie)', `${SURVEY}/check`, 404],
    ];
    for (const [label, url, status] of pages) {
      await t.test(label, async () => {
        const response = await page.goto(url);
        assert.equal(response.status(), status, `HTTP status of ${url}`);
        await runAxe(page, label);
      });
    }
    await context.close();
  });

  test('start page in Urdu', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${SURVEY}?lang=ur`);
    await runAxe(page, 'start page (Urdu)');
    await context.close();
  });

  test('every page of the survey, with its error states (English)', async (t) => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await startSurvey(page);
    await answerAll(page, {
      errors: ERRORS,
      onPage: (step) => t.test(`${step.type} (${step.path})`, () => runAxe(page, step.type)),
      onError: (step, problem) => t.test(`error state: ${problem.label} (${step.path})`, () => runAxe(page, `${step.type}: ${problem.label}`)),
    });
    await t.test('check your answers', () => runAxe(page, 'check your answers'));
    await sendAnswers(page);
    await t.test('confirmation page', () => runAxe(page, 'confirmation page'));
    await context.close();
  });

  test('save and come back later, and the resume page (English)', async (t) => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await startSurvey(page);
    await page.fill('#matters', 'Help at home.');
    await navigate(page, () => page.click('main button[value="continue"]'));
    await saveForLater(page);
    await t.test('saved page (shows the code)', () => runAxe(page, 'saved page'));

    const fresh = await newContext(browser);
    const resume = await fresh.newPage();
    await resume.goto(`${SURVEY}/resume`);
    await t.test('resume page', () => runAxe(resume, 'resume page'));
    await resume.fill('#code', 'ABC');
    let response = await navigate(resume, () => resume.click('main button[type="submit"]'));
    assert.equal(response.status(), 422);
    await t.test('resume page: code too short', () => runAxe(resume, 'resume page with an error'));
    await resume.fill('#code', '3333-3333-3333');
    response = await navigate(resume, () => resume.click('main button[type="submit"]'));
    assert.equal(response.status(), 422);
    assert.equal(pathOf(resume), '/resume');
    await t.test('resume page: no such code', () => runAxe(resume, 'resume page with an unknown code'));
    await fresh.close();
    await context.close();
  });

  test('representative pages in Urdu', async (t) => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await startSurvey(page, 'ur');
    const wanted = new Set(['/q/matters', '/q/rating', '/q/info_source', '/equality', '/equality/age_band', '/equality/_ethnic_group_broad']);
    await answerAll(page, {
      lang: 'ur',
      errors: { info_ease: ERRORS.info_ease, carer_hours: ERRORS.carer_hours.slice(0, 1) },
      onPage: async (step) => {
        if (wanted.has(step.path)) await t.test(`${step.type} (${step.path}, Urdu)`, () => runAxe(page, `${step.type} (Urdu)`));
      },
      onError: (step, problem) => t.test(`error state: ${problem.label} (${step.path}, Urdu)`, () => runAxe(page, `${step.type}: ${problem.label} (Urdu)`)),
    });
    await t.test('check your answers (Urdu)', () => runAxe(page, 'check your answers (Urdu)'));
    await sendAnswers(page);
    await t.test('confirmation page (Urdu)', () => runAxe(page, 'confirmation page (Urdu)'));
    await context.close();
  });
});
