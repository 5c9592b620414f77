// "Hear what happened" on the confirmation page (server/updates_web.go):
// Voices is started here with text messages and email set up, so the form
// offers both, as radios each with its own box (both boxes show: the page
// has no script). Its error states name the field to fix, pass axe, and
// read right to left in Urdu; with JavaScript off it works the same.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { answerAll, launch, navigate, newContext, runAxe, sendAnswers, startSurvey } from './lib.mjs';

const submit = 'main form[action*="/updates"] button[type="submit"]';

// state reads the error summary's links, and whether the field with id is
// described by its error message and marked.
function state(page, id) {
  return page.evaluate((id) => {
    const field = document.getElementById(id);
    const described = (field?.getAttribute('aria-describedby') ?? '').split(/\s+/);
    return {
      links: [...document.querySelectorAll('.error-summary a')].map((a) => a.getAttribute('href')),
      describedByError: described.includes(`${id}-error`) && document.getElementById(`${id}-error`) !== null,
      title: document.title,
      dir: document.documentElement.dir,
    };
  }, id);
}

describe('hear what happened', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  const cases = [{ lang: 'en', js: true, prefix: 'Error:' }, { lang: 'ur', js: true, prefix: 'خرابی:' }, { lang: 'en', js: false, prefix: 'Error:' }];
  for (const { lang, js, prefix } of cases) {
    test(`the form, its errors and the confirmation (${lang}, JavaScript ${js ? 'on' : 'off'})`, async (t) => {
      const context = await newContext(browser, { javaScriptEnabled: js });
      const page = await context.newPage();
      // axe is a script: with JavaScript off the pages are walked, not checked.
      const axe = (name) => (js ? t.test(name, () => runAxe(page, `updates: ${name} (${lang})`)) : undefined);
      await startSurvey(page, lang);
      await answerAll(page, { lang });
      await sendAnswers(page);
      assert.equal(await page.locator('main input[type="radio"][name="how"]').count(), 2, 'two ways to hear back');
      assert.ok(await page.locator('#phone').isVisible() && await page.locator('#email').isVisible(), 'both boxes show without script');
      if (lang === 'ur') {
        // Right to left: each radio sits to the right of its label.
        const radio = await page.locator('#how').boundingBox();
        const label = await page.locator('label[for="how"]').boundingBox();
        assert.ok(radio.x > label.x, 'in Urdu the radio should be to the right of its label');
      }

      // Nothing chosen: the radios are named.
      let response = await navigate(page, () => page.click(submit));
      assert.equal(response.status(), 422);
      let s = await state(page, 'how');
      assert.deepEqual(s.links, ['#how']);
      assert.ok(s.title.startsWith(prefix), `the title should start with ${prefix}: ${s.title}`);
      assert.equal(s.dir, lang === 'ur' ? 'rtl' : 'ltr');
      await axe('error state: nothing chosen');

      // A bad email address: the email box is named, what was typed kept.
      await page.check('#how-email');
      await page.fill('#email', 'amina@');
      response = await navigate(page, () => page.click(submit));
      assert.equal(response.status(), 422);
      s = await state(page, 'email');
      assert.deepEqual(s.links, ['#email']);
      assert.ok(s.describedByError, '#email should be described by its error message');
      assert.equal(await page.inputValue('#email'), 'amina@');
      assert.ok(await page.isChecked('#how-email'), 'the choice should be kept');
      await axe('error state: bad email address');

      // A bad number, by text.
      await page.check('#how');
      await page.fill('#phone', '12345');
      response = await navigate(page, () => page.click(submit));
      assert.equal(response.status(), 422);
      assert.deepEqual((await state(page, 'phone')).links, ['#phone']);
      await axe('error state: bad phone number');

      // Right, this time.
      await page.check('#how-email');
      await page.fill('#email', 'amina@example.org');
      response = await navigate(page, () => page.click(submit));
      assert.equal(response.status(), 200);
      assert.equal(await page.textContent('main strong[dir="ltr"]'), 'amina@example.org');
      await axe('confirmation');
      await context.close();
    });
  }
});
