// Error messages about an "Other" or write-in text box point at that box
// (GOV.UK error summary: "link to the field with the error"), so that a
// screen reader user following the summary link lands on what to fix.
// The other error states are checked on every page by the axe, reflow and
// Urdu walks (assertErrorState in lib.mjs).

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Problems, continueButton, launch, navigate, newContext, pathOf, startSurvey } from './lib.mjs';

// assertPointsAt checks that the error summary links to the text box with
// id, that the box is described by an error message, and that
// what was typed is kept.
async function assertPointsAt(page, id, typed) {
  const s = await page.evaluate((id) => {
    const box = document.getElementById(id);
    const ids = (box?.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
    const described = ids.map((i) => document.getElementById(i)).filter((el) => el?.classList.contains('error-message'));
    return {
      links: [...document.querySelectorAll('.error-summary a')].map((a) => a.getAttribute('href')),
      describedByError: described.length > 0,
    };
  }, id);
  const problems = new Problems();
  await problems.check('kept', async () => assert.equal(await page.inputValue(`#${id}`), typed, 'what was typed should be kept'));
  await problems.check('summary', () => assert.deepEqual(s.links, [`#${id}`], `the error summary should link to the text box with the problem (#${id}), not the first option`));
  await problems.check('aria-describedby', () => assert.ok(s.describedByError, `#${id} should be described (aria-describedby) by the error message`));
  problems.assertNone(`error state of #${id}`);
}

describe('errors in write-in boxes', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  test('Other text too long on a multiple choice question', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await startSurvey(page);
    await page.fill('#matters', 'Kindness.');
    await navigate(page, () => page.click(continueButton));
    await page.check('input[name="services"][value="other"]');
    const typed = 'z'.repeat(501);
    await page.fill('#services_other', typed);
    const response = await navigate(page, () => page.click(continueButton));
    assert.equal(response.status(), 422);
    assert.equal(pathOf(page), '/q/services');
    await assertPointsAt(page, 'services_other', typed);
    await context.close();
  });

  test('equality write-in too long (ethnic group)', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await startSurvey(page);
    const next = () => navigate(page, () => page.click(continueButton));
    await page.fill('#matters', 'Kindness.');
    await next();
    await next(); // services
    await next(); // rating
    await page.check('input[name="info_ease"][value="not_tried"]');
    await next();
    await next(); // info_source
    await page.check('input[name="unpaid_carer"][value="no"]');
    await next();
    await page.fill('#one_change', 'Kindness.');
    await next();
    await page.check('input[name="answer"][value="yes"]');
    await next();
    for (const path of ['/equality/age_band', '/equality/sex', '/equality/gender_identity', '/equality/sexual_orientation']) {
      assert.equal(pathOf(page), path);
      await next(); // optional: left unanswered
    }
    assert.equal(pathOf(page), '/equality/_ethnic_group_broad');
    await page.check('input[name="_ethnic_group_broad"][value="asian"]');
    await next();
    assert.equal(pathOf(page), '/equality/ethnic_group');
    await page.check('input[name="ethnic_group"][value="asian_other"]');
    const typed = 'k'.repeat(201);
    await page.fill('#ethnic_group_other', typed);
    const response = await next();
    assert.equal(response.status(), 422);
    assert.equal(pathOf(page), '/equality/ethnic_group');
    await assertPointsAt(page, 'ethnic_group_other', typed);
    await context.close();
  });
});
