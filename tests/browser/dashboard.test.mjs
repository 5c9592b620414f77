// (h) The signed-in dashboard: the consultations list, a consultation's
// page with its filters, a response's detail and correction (with its
// error state), creating a consultation (with its error state), and
// importing a file: the upload page, its error state, the progress page
// and the result page. Each passes axe (WCAG 2.2 A/AA), and the import
// works with JavaScript off as well as on.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BASE, SLUG, launch, navigate, newContext, runAxe } from './lib.mjs';

const EMAIL = process.env.VOICES_STAFF_EMAIL;
const PASSWORD = process.env.VOICES_STAFF_PASSWORD;
const SURVEY_PAGE = `${BASE}/dashboard/s/${SLUG}`;
const submit = 'main form button[type="submit"]';

async function signIn(page) {
  await page.goto(`${BASE}/login`);
  await page.fill('#email', EMAIL);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForURL(`${BASE}/dashboard`), page.click('main button[type="submit"]')]);
}

// importFile makes a CSV for the demo consultation: good rows, each with a
// paper form number, and one bad row (line 3: no answer to a required question).
function importFile(rows, prefix) {
  const lines = ['form_id,matters,info_ease,unpaid_carer,one_change,mode,consent_confirmed'];
  for (let i = 0; i < rows; i++) {
    lines.push(`${prefix}${i},Getting out,fairly_easy,no,More buses,paper,yes`);
    if (i === 0) lines.push(`${prefix}bad,,fairly_easy,no,More buses,paper,yes`);
  }
  return Buffer.from(lines.join('\r\n') + '\r\n');
}

async function upload(page, name, buffer) {
  await page.goto(`${SURVEY_PAGE}/import`);
  await page.setInputFiles('#file', { name, mimeType: 'text/csv', buffer });
  await navigate(page, () => page.click(submit));
}

describe('the dashboard', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  test('pages and error states pass axe', async (t) => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signIn(page);
    await t.test('consultations list', () => runAxe(page, 'dashboard'));

    // Enter a response so that the lists and detail have something in them.
    await page.goto(`${SURVEY_PAGE}/enter`);
    await page.fill('#matters', 'Getting to appointments');
    await page.fill('#matters_original', 'ملاقاتوں تک پہنچنا');
    await page.fill('#matters_original_language', 'ur');
    await page.check('#info_ease');
    await page.check('#unpaid_carer-no');
    await page.fill('#one_change', 'Transport');
    await page.check('#consent_confirmed');
    await navigate(page, () => page.click(submit));
    const reference = (await page.textContent('.reference')).trim();

    await page.goto(SURVEY_PAGE);
    await t.test('consultation page', () => runAxe(page, 'consultation page'));
    // The demo has hundreds of responses entered by a community group; the
    // one entered here is the only one entered by an officer.
    await page.selectOption('#channel', 'assisted');
    await page.selectOption('#entered_by', 'officer');
    await navigate(page, () => page.click('form.filters button[type="submit"]'));
    assert.match(page.url(), /channel=assisted/);
    assert.match(page.url(), /entered_by=officer/);
    await t.test('consultation page, filtered', () => runAxe(page, 'consultation page, filtered'));

    await navigate(page, () => page.click(`a:text("${reference}")`));
    assert.match(await page.textContent('main'), /ملاقاتوں تک پہنچنا/);
    await t.test('response detail', () => runAxe(page, 'response detail'));

    await navigate(page, () => page.click('a:text("Correct the answers")'));
    await page.fill('#matters', 'Getting to hospital appointments');
    await navigate(page, () => page.click(submit));
    assert.ok(await page.locator('.error-summary a[href="#reason"]').count() > 0, 'a missing reason should be in the error summary');
    await t.test('correction error state', () => runAxe(page, 'correction error state'));
    await page.fill('#reason', 'Typed wrongly');
    await navigate(page, () => page.click(submit));
    assert.match(await page.textContent('main'), /correction was saved/);
    await t.test('response detail after a correction', () => runAxe(page, 'response detail, corrected'));

    await page.goto(`${BASE}/dashboard/surveys/new`);
    await t.test('new consultation', () => runAxe(page, 'new consultation'));
    await page.fill('#definition', 'slug: Not A Slug\ntitle: {en: "x"}\n');
    await navigate(page, () => page.click(submit));
    assert.ok(await page.locator('.error-summary').count() > 0, 'a bad definition should show the error summary');
    await t.test('new consultation error state', () => runAxe(page, 'new consultation error state'));
    await page.goto(`${SURVEY_PAGE}/edit`);
    await t.test('change the definition', () => runAxe(page, 'change the definition'));

    await page.goto(`${SURVEY_PAGE}/import`);
    await t.test('import page', () => runAxe(page, 'import page'));
    await navigate(page, () => page.click(submit));
    assert.ok(await page.locator('.error-summary a[href="#file"]').count() > 0, 'no file should be in the error summary');
    await t.test('import error state', () => runAxe(page, 'import error state'));

    // The progress page, held still: without its script it does not reload.
    await page.route('**/static/import-progress-*.js', (route) => route.abort());
    await upload(page, 'big.csv', importFile(30000, 'B'));
    assert.ok(await page.locator('progress#import-progress').count() === 1, 'a large file should show the progress page');
    await t.test('import progress', () => runAxe(page, 'import progress'));
    await page.unroute('**/static/import-progress-*.js');
    // With the script, the page follows the import and shows the result.
    await page.reload();
    await page.waitForSelector('text=Import finished', { timeout: 60000 });
    assert.match(await page.textContent('main'), /30000|30,000/);
    await t.test('import result', () => runAxe(page, 'import result'));
    await context.close();
  });

  test('import with JavaScript off', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page);
    await upload(page, 'forms.csv', importFile(2, 'N'));
    for (let i = 0; i < 100 && !(await page.textContent('main')).includes('Import finished'); i++) {
      await new Promise((r) => setTimeout(r, 200));
      await navigate(page, () => page.click('a:text("Refresh to see progress")'));
    }
    const main = await page.textContent('main');
    assert.match(main, /Import finished/);
    assert.match(main, /Rows not saved/);
    assert.ok(await page.locator('td.numeric:text("3")').count() === 1, 'the bad row should be reported as line 3');
    await context.close();
  });
});
