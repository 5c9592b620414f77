// (f) Save and come back later: answers saved in one browser come back in
// another (no cookies) with the code, at the next unanswered question.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  SURVEY, continueButton, launch, navigate, newContext, pathOf, saveForLater, startSurvey,
} from './lib.mjs';

const MATTERS = 'Carers who have time to talk.';
const OTHER = 'Lunch club';

// saveTwoAnswers answers the first two questions in a fresh browser, saves
// on the third, and returns the code and the link shown.
async function saveTwoAnswers(browser) {
  const context = await newContext(browser);
  const page = await context.newPage();
  await startSurvey(page);
  await page.fill('#matters', MATTERS);
  await navigate(page, () => page.click(continueButton));
  assert.equal(pathOf(page), '/q/services');
  await page.check('input[name="services"][value="day_centre"]');
  await page.check('input[name="services"][value="other"]');
  await page.fill('#services_other', OTHER);
  await navigate(page, () => page.click(continueButton));
  assert.equal(pathOf(page), '/q/rating');
  const code = await saveForLater(page);
  const link = await page.getAttribute('main a[href*="/resume?code="]', 'href');
  assert.ok(link, 'the saved page should give a link to continue');
  await context.close();
  return { code, link };
}

// assertEarlierAnswersKept goes Back from the question after the saved
// answers and checks they are all still there.
async function assertEarlierAnswersKept(page) {
  await navigate(page, () => page.click('a.back-link'));
  assert.equal(pathOf(page), '/q/services', 'Back from rating should lead to services');
  assert.ok(await page.isChecked('input[name="services"][value="day_centre"]'), 'Day centres should still be chosen');
  assert.ok(await page.isChecked('input[name="services"][value="other"]'), 'Other should still be chosen');
  assert.ok(!(await page.isChecked('input[name="services"][value="home_care"]')), 'nothing else should be chosen');
  assert.equal(await page.inputValue('#services_other'), OTHER, 'the Other text should be kept');
  await navigate(page, () => page.click('a.back-link'));
  assert.equal(pathOf(page), '/q/matters');
  assert.equal(await page.inputValue('#matters'), MATTERS, 'the first answer should be kept');
}

describe('save and come back later', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  test('type the code in a new browser and carry on where you left off', async () => {
    const { code } = await saveTwoAnswers(browser);
    const context = await newContext(browser);
    assert.equal((await context.cookies()).length, 0, 'the new browser context should start with no cookies');
    const page = await context.newPage();
    await page.goto(SURVEY);
    await navigate(page, () => page.click(`main a[href$="/resume"]`));
    assert.equal(pathOf(page), '/resume');
    await page.locator('#code').pressSequentially(code); // typed, key by key
    await navigate(page, () => page.click('main button[type="submit"]'));
    assert.equal(pathOf(page), '/q/rating', 'the code should lead to the next unanswered question');
    await assertEarlierAnswersKept(page);
    await context.close();
  });

  test('the code works typed in lower case with spaces', async () => {
    const { code } = await saveTwoAnswers(browser);
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${SURVEY}/resume`);
    await page.fill('#code', code.toLowerCase().replaceAll('-', ' '));
    await navigate(page, () => page.click('main button[type="submit"]'));
    assert.equal(pathOf(page), '/q/rating', 'a normalised code should be accepted');
    await context.close();
  });

  test('the link on the saved page works in a new browser', async () => {
    const { link } = await saveTwoAnswers(browser);
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(link);
    assert.equal(pathOf(page), '/q/rating', 'the link should lead to the next unanswered question');
    await assertEarlierAnswersKept(page);
    await context.close();
  });

  test('a wrong code is refused with an error, keeping what was typed', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(`${SURVEY}/resume`);
    await page.fill('#code', '3333-4444-6666');
    const response = await navigate(page, () => page.click('main button[type="submit"]'));
    assert.equal(response.status(), 422);
    assert.equal(pathOf(page), '/resume');
    assert.ok((await page.title()).startsWith('Error: '));
    assert.equal(await page.getAttribute('.error-summary a', 'href'), '#code');
    assert.ok((await page.textContent('#code-error')).includes('no saved answers'));
    assert.equal(await page.inputValue('#code'), '3333-4444-6666');
    await context.close();
  });
});
