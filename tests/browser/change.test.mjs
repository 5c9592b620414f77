// Changing an answer from check your answers (GOV.UK "check answers"
// pattern): the Change link leads to the question, and Continue leads back
// to check your answers, asking first any question the change reveals.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkRows, continueButton, fillStep, launch, navigate, newContext, pathOf, plan, startSurvey } from './lib.mjs';

// reachCheck answers only what it must (and rating, unpaid_carer and the
// equality choice as given) and ends on check your answers.
async function reachCheck(page, { rating, unpaidCarer = 'no', equality = 'no' } = {}) {
  await startSurvey(page);
  const next = () => navigate(page, () => page.click(continueButton));
  await page.fill('#matters', 'Reliable visits.');
  await next(); // matters
  await next(); // services: optional, left empty
  if (rating) await page.check(`input[name="rating"][value="${rating}"]`);
  await next(); // rating
  if (rating === '1' || rating === '2') {
    await page.fill('#why_low', 'Visits are missed.');
    await next();
  }
  await page.check('input[name="info_ease"][value="very_easy"]');
  await next();
  await next(); // info_source: optional
  await page.check(`input[name="unpaid_carer"][value="${unpaidCarer}"]`);
  await next();
  if (unpaidCarer === 'yes') {
    await page.fill('#carer_hours', '10');
    await next();
  }
  await page.fill('#one_change', 'More time per visit.');
  await next();
  await page.check(`input[name="answer"][value="${equality}"]`);
  await next();
  assert.equal(pathOf(page), '/check');
}

async function change(page, path) {
  await navigate(page, () => page.click(`main a[href*="${path}?return=check"]`));
}

describe('changing an answer from check your answers', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  test('Change, then Continue, leads back to check your answers with the new answer', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await reachCheck(page);
    await change(page, '/q/info_ease');
    assert.equal(pathOf(page), '/q/info_ease');
    assert.ok(await page.isChecked('input[name="info_ease"][value="very_easy"]'), 'the answer given should be chosen');
    await page.check('input[name="info_ease"][value="very_hard"]');
    await navigate(page, () => page.click(continueButton));
    assert.equal(pathOf(page), '/check');
    assert.equal((await checkRows(page)).info_ease, 'Very hard');
    await context.close();
  });

  test('a change that hides a question removes its answer', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await reachCheck(page, { rating: '1' });
    assert.equal((await checkRows(page)).why_low, 'Visits are missed.');
    await change(page, '/q/rating');
    await page.check('input[name="rating"][value="5"]');
    await navigate(page, () => page.click(continueButton));
    assert.equal(pathOf(page), '/check');
    assert.ok(!('why_low' in (await checkRows(page))), 'why_low should no longer be listed');
    await context.close();
  });

  test('a change that reveals a question asks it, then returns to check your answers', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await reachCheck(page, { unpaidCarer: 'no' });
    await change(page, '/q/unpaid_carer');
    await page.check('input[name="unpaid_carer"][value="yes"]');
    await navigate(page, () => page.click(continueButton));
    assert.equal(pathOf(page), '/q/carer_hours', 'the revealed question should be asked');
    await page.fill('#carer_hours', '20');
    await navigate(page, () => page.click(continueButton));
    assert.equal(pathOf(page), '/check', 'after the revealed question, Continue should return to check your answers, not carry on through the survey');
    await context.close();
  });

  test('choosing to answer the equality questions after skipping them asks them all, then returns', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await reachCheck(page, { equality: 'no' });
    await change(page, '/equality');
    assert.equal(pathOf(page), '/equality');
    await page.check('input[name="answer"][value="yes"]');
    await navigate(page, () => page.click(continueButton));
    const wanted = plan('en').filter((s) => s.equality && s.path !== '/equality');
    const asked = [];
    for (const step of wanted) {
      if (pathOf(page) !== step.path) break;
      asked.push(step.path);
      await fillStep(page, step);
      await navigate(page, () => page.click(continueButton));
    }
    assert.deepEqual(asked, wanted.map((s) => s.path),
      `choosing "Yes, answer the equality questions" should ask every equality question; after ${asked.at(-1) ?? 'the choice'} it went to ${pathOf(page)}`);
    assert.equal(pathOf(page), '/check', 'after the last equality question, back to check your answers');
    const rows = await checkRows(page);
    assert.equal(rows.religion, 'Muslim', 'the equality answers should be listed');
    await context.close();
  });
});
