// (b) The whole survey can be completed with JavaScript turned off: every
// question and every equality question answered, the answers listed on
// check your answers, and a reference on the confirmation page.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  Problems, SURVEY, answerAll, assertCheckAnswers, launch, navigate, pathOf, sendAnswers, startSurvey,
} from './lib.mjs';

describe('JavaScript turned off', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  test('complete the survey in English, answering every question', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const scripts = [];
    const visited = [];
    await startSurvey(page);
    await answerAll(page, {
      onPage: async (step) => {
        visited.push(step.path);
        if (await page.locator('script').count() > 0) scripts.push(step.path);
      },
    });
    await assertCheckAnswers(page, 'en');
    const rows = await page.$$eval('.summary-row', (rows) => rows.length);
    assert.equal(rows, 9 + 12, 'check your answers should list the 9 questions and the 12 equality questions asked');
    if (await page.locator('script').count() > 0) scripts.push('/check');
    const reference = await sendAnswers(page);
    assert.ok((await page.textContent('main')).includes(reference));
    assert.deepEqual(scripts, [], 'the resident\'s pages should have no <script> at all');
    assert.equal(visited.length, 22, 'every question and equality page should have been answered');
    await context.close();
  });

  test('a form page with no answers in progress says the answers could not be found', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const problems = new Problems();
    for (const path of ['/q/matters', '/check', '/equality', '/save']) {
      await problems.check(`GET ${path} without a draft`, async () => {
        const response = await page.goto(`${SURVEY}${path}`);
        assert.equal(response.status(), 404, 'HTTP status');
        assert.match(response.headers()['content-type'], /^text\/html/, 'should be a web page');
        assert.equal((await page.textContent('main h1')).trim(), 'Sorry, we could not find your answers');
        assert.ok(await page.locator('main a[href^="/s/care-strategy-2027"]').count() > 0, 'a "Start again" link should be offered');
      });
    }
    problems.assertNone('pages that need answers in progress, visited without any');
    await context.close();
  });

  test('after sending, Back to check your answers does not fail', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await startSurvey(page);
    // Only the required questions: the optional ones are left empty.
    const answers = {
      '/q/matters': () => page.fill('#matters', 'Help with shopping.'),
      '/q/info_ease': () => page.check('input[name="info_ease"][value="very_easy"]'),
      '/q/unpaid_carer': () => page.check('input[name="unpaid_carer"][value="no"]'),
      '/q/one_change': () => page.fill('#one_change', 'Shorter waits.'),
      '/equality': () => page.check('input[name="answer"][value="no"]'),
    };
    for (const path of ['/q/matters', '/q/services', '/q/rating', '/q/info_ease', '/q/info_source', '/q/unpaid_carer', '/q/one_change', '/equality']) {
      assert.equal(pathOf(page), path);
      await answers[path]?.();
      await navigate(page, () => page.click('main button[value="continue"]'));
    }
    assert.equal(pathOf(page), '/check');
    await sendAnswers(page);
    const response = await page.goBack();
    assert.equal(pathOf(page), '/check');
    if (response) {
      assert.notEqual(response.status(), 500, 'check your answers after sending should not be a server error');
      assert.match(response.headers()['content-type'], /^text\/html/, 'check your answers after sending should be a web page');
    }
    assert.ok(await page.locator('main h1').count() > 0, 'a page with a heading should be shown');
    await context.close();
  });
});
