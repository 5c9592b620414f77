// Shared helpers for the Voices browser tests: launching Chromium, running
// axe-core, and walking the demo consultation (care-strategy-2027) page by
// page. The *.test.mjs files import this; it is not a test file itself.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

export const BASE = (process.env.VOICES_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
export const SLUG = 'care-strategy-2027';
export const SURVEY = `${BASE}/s/${SLUG}`;

// Flags Debian's Chromium needs when run as root in a container.
export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// The alphabets of references (ABC-DEF) and resume codes (K7P3-QXWA-HC9M).
const ALPHABET = '[346789ABCDEFGHJKMNPQRTWXY]';
export const REFERENCE_RE = new RegExp(`^${ALPHABET}{3}-${ALPHABET}{3}$`);
export const RESUME_CODE_RE = new RegExp(`^${ALPHABET}{4}-${ALPHABET}{4}-${ALPHABET}{4}$`);

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// launch starts Debian's Chromium (never a downloaded browser).
export function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_FLAGS });
}

// newContext makes a fresh browser context (no cookies). Pages have a strict
// Content-Security-Policy, so bypassCSP lets axe's script be injected.
export function newContext(browser, options = {}) {
  return browser.newContext({ bypassCSP: true, ...options });
}

// runAxe checks the page with axe-core against WCAG 2.2 A and AA and fails,
// listing every violation and the elements concerned, if there are any.
export async function runAxe(page, label) {
  await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    AXE_TAGS,
  );
  if (result.violations.length === 0) return;
  const lines = [`axe found ${result.violations.length} violation(s) on ${label} (${page.url()}):`];
  for (const v of result.violations) {
    lines.push(`  - ${v.id} [${v.impact}] ${v.help} (${v.helpUrl})`);
    for (const n of v.nodes) {
      lines.push(`      target: ${JSON.stringify(n.target)}`);
      lines.push(`      html:   ${n.html.replace(/\s+/g, ' ').slice(0, 300)}`);
      if (n.failureSummary) lines.push(`      ${n.failureSummary.replace(/\n/g, '\n      ')}`);
    }
  }
  assert.fail(lines.join('\n'));
}

// pathOf is the path (no query) of the page's address, relative to the survey.
export function pathOf(page) {
  const u = new URL(page.url());
  return u.pathname.startsWith(`/s/${SLUG}`) ? u.pathname.slice(`/s/${SLUG}`.length) || '/' : u.pathname;
}

// navigate runs action (a click or key press that sends a form or follows a
// link) and waits for the page it leads to; it returns that page's response.
export async function navigate(page, action) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), action()]);
  return response;
}

export const continueButton = 'main button[name="action"][value="continue"]';
export const saveButton = 'main button[name="action"][value="save"]';
export const sendButton = 'main form button[type="submit"]';

// PLAN is one complete set of answers to the demo consultation that reaches
// every page: rating 1 reveals why_low, unpaid_carer yes reveals carer_hours,
// the broad ethnic group reveals the detailed one, a health condition
// reveals its impact, and a main language other than English reveals
// English proficiency. `shown` is what check your answers should list
// (English labels; typed text in any language).
export function plan(lang = 'en') {
  const ur = lang === 'ur';
  return [
    { path: '/q/matters', type: 'long_text', name: 'matters', kind: 'text',
      value: ur ? 'گھر پر عزت اور وقار کے ساتھ دیکھ بھال۔' : 'Being cared for at home with dignity.',
      shown: [ur ? 'گھر پر عزت اور وقار کے ساتھ دیکھ بھال۔' : 'Being cared for at home with dignity.'] },
    { path: '/q/services', type: 'multiple_choice', name: 'services', kind: 'checkbox',
      values: ['home_care', 'equipment', 'other'], other: ur ? 'کھانا پہنچانے کی سروس' : 'Meals on wheels',
      shown: ur ? ['کھانا پہنچانے کی سروس'] : ['Care at home', 'Equipment or changes to your home', 'Other', 'Meals on wheels'] },
    { path: '/q/rating', type: 'scale', name: 'rating', kind: 'radio', value: '1',
      shown: ur ? ['1'] : ['1 – Very poor'] },
    { path: '/q/why_low', type: 'long_text (revealed by rating 1)', name: 'why_low', kind: 'text',
      value: ur ? 'ہر ہفتے نیا عملہ آتا ہے۔' : 'A different carer comes every week.',
      shown: [ur ? 'ہر ہفتے نیا عملہ آتا ہے۔' : 'A different carer comes every week.'] },
    { path: '/q/info_ease', type: 'single_choice', name: 'info_ease', kind: 'radio', value: 'fairly_hard',
      shown: ur ? [] : ['Fairly hard'] },
    { path: '/q/info_source', type: 'single_choice with Other', name: 'info_source', kind: 'radio', value: 'other',
      other: ur ? 'مسجد' : 'The local library', shown: ur ? ['مسجد'] : ['Other', 'The local library'] },
    { path: '/q/unpaid_carer', type: 'yes_no', name: 'unpaid_carer', kind: 'radio', value: 'yes',
      shown: ur ? [] : ['Yes'] },
    { path: '/q/carer_hours', type: 'number (revealed by yes)', name: 'carer_hours', kind: 'text', value: '35',
      shown: ['35'] },
    { path: '/q/one_change', type: 'text', name: 'one_change', kind: 'text',
      value: ur ? 'ہر بار ایک ہی دیکھ بھال کرنے والا۔' : 'The same carer every time.',
      shown: [ur ? 'ہر بار ایک ہی دیکھ بھال کرنے والا۔' : 'The same carer every time.'] },
    { path: '/equality', type: 'equality intro', name: 'answer', kind: 'radio', value: 'yes', equality: true },
    { path: '/equality/age_band', type: 'equality: age', name: 'age_band', kind: 'radio', value: '35_49',
      shown: ur ? [] : ['35 to 49'], equality: true },
    { path: '/equality/sex', type: 'equality: sex', name: 'sex', kind: 'radio', value: 'female',
      shown: ur ? [] : ['Female'], equality: true },
    { path: '/equality/gender_identity', type: 'equality: gender identity', name: 'gender_identity', kind: 'radio',
      value: 'yes', shown: ur ? [] : ['Yes'], equality: true },
    { path: '/equality/sexual_orientation', type: 'equality: sexual orientation', name: 'sexual_orientation',
      kind: 'radio', value: 'prefer_not_to_say', shown: ur ? [] : ['Prefer not to say'], equality: true },
    { path: '/equality/_ethnic_group_broad', type: 'equality: ethnic group (broad)', name: '_ethnic_group_broad',
      kind: 'radio', value: 'asian', shown: ur ? [] : ['Asian or Asian British'], equality: true },
    { path: '/equality/ethnic_group', type: 'equality: ethnic group (detailed)', name: 'ethnic_group', kind: 'radio',
      value: 'asian_other', other: ur ? 'کشمیری' : 'Kashmiri', shown: ur ? ['کشمیری'] : ['Any other Asian background', 'Kashmiri'],
      equality: true },
    { path: '/equality/religion', type: 'equality: religion', name: 'religion', kind: 'radio', value: 'muslim',
      shown: ur ? [] : ['Muslim'], equality: true },
    { path: '/equality/disability_condition', type: 'equality: disability (condition)', name: 'disability_condition',
      kind: 'radio', value: 'yes', shown: ur ? [] : ['Yes'], equality: true },
    { path: '/equality/disability_impact', type: 'equality: disability (impact)', name: 'disability_impact',
      kind: 'radio', value: 'a_little', shown: ur ? [] : ['Yes, a little'], equality: true },
    { path: '/equality/unpaid_care', type: 'equality: unpaid care', name: 'unpaid_care', kind: 'radio',
      value: 'h20_34', shown: ur ? [] : ['Yes, 20 to 34 hours a week'], equality: true },
    { path: '/equality/main_language', type: 'equality: main language', name: 'main_language', kind: 'radio',
      value: 'other', other: ur ? 'اردو' : 'Urdu', shown: ur ? ['اردو'] : ['Other, including British Sign Language', 'Urdu'],
      equality: true },
    { path: '/equality/english_proficiency', type: 'equality: English proficiency', name: 'english_proficiency',
      kind: 'radio', value: 'well', shown: ur ? [] : ['Well'], equality: true },
  ];
}

// otherField is the id (and name) of a choice's write-in box.
export const otherField = (name) => `${name}_other`;

// fillStep answers one page with the mouse-free Playwright actions
// (fill, check), which work with JavaScript turned off too.
export async function fillStep(page, step) {
  switch (step.kind) {
    case 'text':
      await page.fill(`#${step.name}`, step.value);
      break;
    case 'radio':
      await page.check(`input[name="${step.name}"][value="${step.value}"]`);
      break;
    case 'checkbox':
      for (const v of step.values) await page.check(`input[name="${step.name}"][value="${v}"]`);
      break;
    default:
      throw new Error(`unknown step kind ${step.kind}`);
  }
  if (step.other !== undefined) await page.fill(`#${otherField(step.name)}`, step.other);
}

// startSurvey opens the start page (in lang, if given) and presses Start now.
export async function startSurvey(page, lang) {
  await page.goto(lang ? `${SURVEY}?lang=${lang}` : SURVEY);
  await navigate(page, () => page.click('main button.button-start'));
  assert.equal(pathOf(page), '/q/matters', 'Start now should lead to the first question');
}

// answerAll answers every page of plan(lang), from the first question to
// check your answers, calling onPage(step) on each page before answering
// it (and onError(step, problem) for the error cases given in errors).
export async function answerAll(page, { lang = 'en', onPage = async () => {}, errors = {}, onError = async () => {} } = {}) {
  for (const step of plan(lang)) {
    assert.equal(pathOf(page), step.path, `expected to reach ${step.path} (${step.type})`);
    await onPage(step);
    for (const problem of errors[step.name] ?? []) {
      await problem.enter(page);
      const response = await navigate(page, () => page.click(continueButton));
      assert.equal(pathOf(page), step.path, `${problem.label} on ${step.path} should stay on the page`);
      assert.equal(response.status(), 422, `${problem.label} on ${step.path}: HTTP status`);
      await assertErrorState(page, problem.field ?? step.name, { lang, kept: problem.kept, keptOther: problem.keptOther, name: step.name });
      await onError(step, problem);
    }
    await fillStep(page, step);
    await navigate(page, () => page.click(continueButton));
  }
  assert.equal(pathOf(page), '/check', 'after the last equality question comes check your answers');
}

// assertErrorState checks a page showing a problem with field id: the
// "There is a problem" summary linking to the field, "Error:" at the start
// of the title, the message beside the field and tied to it, and what was
// typed kept.
export async function assertErrorState(page, id, { lang = 'en', kept, keptOther, name = id } = {}) {
  const state = await page.evaluate((id) => {
    const summary = document.querySelector('.error-summary');
    const target = document.getElementById(id);
    const message = document.getElementById(`${id}-error`);
    // An "Other" or write-in box is its own group inside the question's.
    const group = target?.closest('.write-in, .form-group');
    // A control's own description first (a write-in box), else its fieldset's (radios).
    const described = target?.getAttribute('aria-describedby') ?? target?.closest('fieldset')?.getAttribute('aria-describedby') ?? '';
    return {
      title: document.title,
      summary: !!summary,
      summaryRole: summary?.getAttribute('role'),
      summaryTitle: summary?.querySelector('h2')?.textContent.trim(),
      links: [...(summary?.querySelectorAll('a') ?? [])].map((a) => ({ href: a.getAttribute('href'), text: a.textContent.trim() })),
      targetTag: target?.tagName.toLowerCase(),
      message: message?.textContent.trim(),
      messagePrefix: message?.querySelector('.visually-hidden')?.textContent.trim(),
      messageBesideField: !!(group && message && group.contains(message)),
      groupHasError: !!group?.classList.contains('form-group-error'),
      describedBy: described.split(/\s+/),
    };
  }, id);
  assert.ok(state.summary, 'the error summary should be shown');
  if (lang === 'en') {
    assert.equal(state.summaryTitle, 'There is a problem');
    assert.ok(state.title.startsWith('Error: '), `the title should start with "Error:": got ${JSON.stringify(state.title)}`);
    assert.equal(state.messagePrefix, 'Error:');
  } else {
    assert.ok(state.messagePrefix, 'the error message should start with a hidden "Error:" in the page language');
    assert.ok(state.title.startsWith(state.messagePrefix), `the title should start with ${state.messagePrefix}: got ${JSON.stringify(state.title)}`);
  }
  assert.equal(state.links.length, 1, 'the summary should list the one problem');
  assert.equal(state.links[0].href, `#${id}`, 'the summary should link to the field');
  assert.ok(state.targetTag === 'input' || state.targetTag === 'textarea', `the summary link #${id} should lead to a form control, got ${state.targetTag}`);
  assert.ok(state.message, `the message should be shown beside the field (#${id}-error)`);
  assert.ok(state.message.includes(state.links[0].text), 'the message beside the field should match the summary');
  assert.ok(state.messageBesideField && state.groupHasError, 'the message should be in the field\'s form group, marked as in error');
  assert.ok(state.describedBy.includes(`${id}-error`), `the field should be described by its error message (aria-describedby="${state.describedBy.join(' ')}")`);
  if (kept !== undefined) {
    assert.equal(await page.inputValue(`#${id}`), kept, 'what was typed should be kept after the error');
  }
  if (keptOther !== undefined) {
    assert.equal(await page.inputValue(`#${otherField(name)}`), keptOther, 'the Other text typed should be kept after the error');
  }
}

// ERRORS are the error states the walks provoke, by question.
export const ERRORS = {
  matters: [{ label: 'required long answer left empty', enter: (page) => page.fill('#matters', '') }],
  services: [{
    label: 'Other text too long', field: 'services_other', // the summary leads to the box at fault
    enter: async (page) => {
      await page.check('input[name="services"][value="other"]');
      await page.fill('#services_other', 'x'.repeat(501));
    },
    keptOther: 'x'.repeat(501),
  }],
  info_ease: [{ label: 'required radios left empty', enter: async () => {} }],
  unpaid_carer: [{ label: 'yes/no left empty', enter: async () => {} }],
  carer_hours: [
    { label: 'not a number', enter: (page) => page.fill('#carer_hours', 'about ten'), kept: 'about ten' },
    { label: 'number out of range', enter: (page) => page.fill('#carer_hours', '200'), kept: '200' },
  ],
  one_change: [
    { label: 'required text left empty', enter: (page) => page.fill('#one_change', '') },
    { label: 'text too long', enter: (page) => page.fill('#one_change', 'y'.repeat(201)), kept: 'y'.repeat(201) },
  ],
  answer: [{ label: 'equality choice left empty', enter: async () => {} }],
};

// checkRows reads check your answers: the value shown for each question,
// by the key its Change link leads to.
export async function checkRows(page) {
  return page.$$eval('.summary-row', (rows) => Object.fromEntries(rows.map((row) => {
    const href = row.querySelector('.summary-actions a')?.getAttribute('href') ?? '';
    const key = new URL(href, location.href).pathname.split('/').pop();
    return [key, row.querySelector('.summary-value')?.innerText.trim() ?? ''];
  })));
}

// assertCheckAnswers checks that check your answers lists every answer given.
export async function assertCheckAnswers(page, lang = 'en') {
  const rows = await checkRows(page);
  for (const step of plan(lang)) {
    if (!step.shown) continue;
    const key = step.name;
    assert.ok(key in rows, `check your answers should list ${key}; it lists ${Object.keys(rows).join(', ')}`);
    for (const text of step.shown) {
      assert.ok(rows[key].includes(text), `check your answers should show ${JSON.stringify(text)} for ${key}; it shows ${JSON.stringify(rows[key])}`);
    }
  }
}

// sendAnswers presses "Send my answers" and returns the reference shown.
export async function sendAnswers(page) {
  await navigate(page, () => page.click(sendButton));
  assert.equal(pathOf(page), '/done', 'sending should lead to the confirmation page');
  const reference = (await page.textContent('main .reference')).trim();
  assert.match(reference, REFERENCE_RE, 'the confirmation page should show a reference like ABC-DEF');
  return reference;
}

// saveForLater presses "Save and come back later" and returns the code shown.
export async function saveForLater(page) {
  await navigate(page, () => page.click(saveButton));
  assert.equal(pathOf(page), '/save', 'Save and come back later should lead to the saved page');
  const code = (await page.textContent('main .reference')).trim();
  assert.match(code, RESUME_CODE_RE, 'the saved page should show a 12-character code like K7P3-QXWA-HC9M');
  return code;
}

// Problems collects failures softly, so that a check over many pages
// reports every page that fails, not just the first.
export class Problems {
  constructor() { this.list = []; }
  add(msg) { this.list.push(msg); }
  async check(label, fn) {
    try {
      await fn();
    } catch (e) {
      const text = e instanceof assert.AssertionError && !e.generatedMessage ? e.message.split('\n')[0] : e.message;
      this.list.push(`${label}: ${text.replace(/\n\s*\n/g, '\n').replace(/\n/g, '\n      ')}${describeValues(e)}`);
    }
  }
  assertNone(what) {
    if (this.list.length > 0) assert.fail(`${what} (${this.list.length}):\n${this.list.map((m) => `  - ${m}`).join('\n')}`);
  }
}

// describeValues shows an assertion's actual and expected values briefly.
function describeValues(e) {
  if (!(e instanceof assert.AssertionError) || e.generatedMessage) return '';
  const show = (v) => (typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v, null, 0));
  if (e.operator === '==' || e.operator === 'fail') return '';
  return ` (got ${show(e.actual)}, want ${e.operator === 'notStrictEqual' ? 'anything but ' : ''}${show(e.expected)})`;
}
