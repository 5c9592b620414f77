// (d) The survey can be completed with the keyboard alone (Tab, Shift+Tab,
// arrows, Space, Enter and typing; no clicks), every interactive element
// can be reached with Tab, and whatever has focus shows it.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  Problems, SURVEY, continueButton, launch, newContext, otherField, pathOf, plan, sendButton,
} from './lib.mjs';

// markInteractive tags every visible interactive element of the page with
// data-kb (its index) and returns them. Radios of one group are one Tab stop.
function markInteractive(page) {
  return page.evaluate(() => {
    const sel = 'a[href], button, input:not([type="hidden"]), textarea, select, [tabindex]:not([tabindex="-1"])';
    const els = [...document.querySelectorAll(sel)].filter((el) => !el.disabled && el.checkVisibility({ visibilityProperty: true }));
    return els.map((el, i) => {
      el.dataset.kb = String(i);
      return {
        kb: String(i),
        stop: el.type === 'radio' ? `radio group "${el.name}"` : `#${i}`,
        desc: `<${el.tagName.toLowerCase()}${el.id ? ` id="${el.id}"` : ''}${el.name ? ` name="${el.name}"` : ''}${el.getAttribute('href') ? ` href="${el.getAttribute('href')}"` : ''}> ${(el.textContent || el.value || '').trim().slice(0, 40)}`,
      };
    });
  });
}

// focused describes the element with focus and how its focus is shown, or
// returns null when nothing in the page has focus.
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    const s = getComputedStyle(el);
    const transparent = (c) => c === 'transparent' || /rgba\(.*,\s*0\)$/.test(c);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && !transparent(s.outlineColor);
    const shadow = s.boxShadow !== 'none' && s.boxShadow !== '';
    return {
      kb: el.dataset.kb ?? null,
      stop: el.type === 'radio' ? `radio group "${el.name}"` : `#${el.dataset.kb}`,
      desc: `<${el.tagName.toLowerCase()}${el.id ? ` id="${el.id}"` : ''}${el.getAttribute('href') ? ` href="${el.getAttribute('href')}"` : ''}> ${(el.textContent || el.value || '').trim().slice(0, 40)}`,
      indicator: outline || shadow,
      style: `outline: ${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}; box-shadow: ${s.boxShadow}`,
    };
  });
}

// toTop moves the keyboard's starting point back to the top of the page,
// as if it had just loaded (blur alone leaves it where focus was).
function toTop(page) {
  return page.evaluate(() => {
    const body = document.body;
    body.tabIndex = -1;
    body.focus();
    body.removeAttribute('tabindex');
  });
}

// tabCycle presses key (Tab or Shift+Tab) from the top (or bottom) of the
// page until focus leaves the page or comes round again, and returns the
// elements focused in order.
async function tabCycle(page, key) {
  await toTop(page);
  const seen = [];
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press(key);
    const f = await focused(page);
    if (!f) { if (seen.length) break; continue; }
    if (seen.length && f.kb === seen[0].kb) break;
    seen.push(f);
  }
  return seen;
}

// checkTabbing checks one page: every interactive element is reached by
// Tab, each shows focus, and Shift+Tab goes through them in reverse.
async function checkTabbing(page, label, problems) {
  await problems.check(label, async () => {
    const all = await markInteractive(page);
    const forward = await tabCycle(page, 'Tab');
    const reached = new Set(forward.map((f) => f.stop));
    const missed = [...new Map(all.map((e) => [e.stop, e])).values()].filter((e) => !reached.has(e.stop));
    assert.deepEqual(missed.map((e) => e.desc), [], 'every interactive element should be reachable with Tab');
    const hidden = forward.filter((f) => !f.indicator).map((f) => `${f.desc} (${f.style})`);
    assert.deepEqual(hidden, [], 'every focused element should show a visible focus indicator');
    const backward = await tabCycle(page, 'Shift+Tab');
    assert.deepEqual(backward.map((f) => f.stop).reverse(), forward.map((f) => f.stop), 'Shift+Tab should go through the same elements in reverse');
  });
}

// tabTo presses Tab until an element matching selector has focus.
async function tabTo(page, selector) {
  for (let i = 0; i < 200; i++) {
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  assert.fail(`could not reach ${selector} with Tab on ${page.url()}`);
}

// pressAndWait presses key on the focused element and waits for the page it leads to.
async function pressAndWait(page, key) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.keyboard.press(key)]);
}

// answerWithKeyboard answers one page of plan() with the keyboard only.
async function answerWithKeyboard(page, step) {
  if (step.kind === 'text') {
    await tabTo(page, `#${step.name}`);
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(step.value);
  } else if (step.kind === 'radio') {
    await tabTo(page, `input[type="radio"][name="${step.name}"]`);
    for (let i = 0; i < 30; i++) {
      if (await page.evaluate((v) => document.activeElement.value === v, step.value)) break;
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Space');
  } else if (step.kind === 'checkbox') {
    for (const v of step.values) {
      await tabTo(page, `input[name="${step.name}"][value="${v}"]`);
      await page.keyboard.press('Space');
    }
  }
  if (step.other !== undefined) {
    await tabTo(page, `#${otherField(step.name)}`);
    await page.keyboard.type(step.other);
  }
  // What the keyboard did is what a resident would have chosen.
  if (step.kind === 'radio' || step.kind === 'checkbox') {
    for (const v of step.values ?? [step.value]) {
      assert.ok(await page.isChecked(`input[name="${step.name}"][value="${v}"]`), `${step.path}: ${v} should be chosen`);
    }
  } else {
    assert.equal(await page.inputValue(`#${step.name}`), step.value);
  }
  await tabTo(page, continueButton);
  await pressAndWait(page, 'Enter');
}

describe('keyboard only', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  test('complete the survey with the keyboard; every page can be tabbed through and shows focus', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const problems = new Problems();

    await page.goto(SURVEY);
    await checkTabbing(page, 'start page', problems);
    // The skip link comes first and moves focus to the main content.
    await toTop(page);
    await page.keyboard.press('Tab');
    assert.ok(await page.evaluate(() => document.activeElement.matches('a.skip-link')), 'the first Tab stop should be the skip link');
    await page.keyboard.press('Enter');
    assert.ok(await page.evaluate(() => document.activeElement.id === 'main'), 'the skip link should move focus to <main>');

    await tabTo(page, 'main button.button-start');
    await pressAndWait(page, 'Enter');

    for (const step of plan('en')) {
      assert.equal(pathOf(page), step.path, `expected to reach ${step.path}`);
      await checkTabbing(page, `${step.type} (${step.path})`, problems);
      await answerWithKeyboard(page, step);
    }
    assert.equal(pathOf(page), '/check');
    await checkTabbing(page, 'check your answers', problems);
    await tabTo(page, sendButton);
    await pressAndWait(page, 'Enter');
    assert.equal(pathOf(page), '/done');
    await checkTabbing(page, 'confirmation page', problems);
    problems.assertNone('keyboard problems');
    await context.close();
  });

  test('an error state can be tabbed through and shows focus', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const problems = new Problems();
    await page.goto(SURVEY);
    await tabTo(page, 'main button.button-start');
    await pressAndWait(page, 'Enter');
    await tabTo(page, continueButton);
    await pressAndWait(page, 'Enter');
    assert.equal(pathOf(page), '/q/matters');
    assert.ok(await page.locator('.error-summary').count() > 0, 'Continue with nothing entered should show the error summary');
    await checkTabbing(page, 'error state of a required question', problems);
    problems.assertNone('keyboard problems');
    await context.close();
  });
});
