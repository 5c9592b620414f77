// (g) Page weight: each question page's HTML plus its stylesheet stays
// under 30 KB, so the form is quick on old phones and slow connections.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BASE, Problems, answerAll, launch, newContext, startSurvey } from './lib.mjs';

const BUDGET = 30 * 1024;

describe('page weight', () => {
  let browser;
  before(async () => { browser = await launch(); });
  after(async () => { await browser?.close(); });

  test(`every question page's HTML plus stylesheet is under ${BUDGET} bytes`, async (t) => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const problems = new Problems();
    const sizes = [];
    let cssBytes;
    // The context's request shares its cookies, so it sees the same draft.
    const fetchBytes = async (url) => {
      const response = await context.request.get(url, { maxRedirects: 0 });
      assert.equal(response.status(), 200, `GET ${url}`);
      return (await response.body()).length;
    };
    await startSurvey(page);
    await answerAll(page, {
      onPage: async (step) => {
        await problems.check(step.path, async () => {
          const href = await page.getAttribute('link[rel="stylesheet"]', 'href');
          assert.ok(href, 'the page should link one stylesheet');
          cssBytes ??= await fetchBytes(new URL(href, page.url()).href);
          const htmlBytes = await fetchBytes(page.url());
          sizes.push(`${step.path}: ${htmlBytes} + ${cssBytes} = ${htmlBytes + cssBytes}`);
          assert.ok(htmlBytes + cssBytes < BUDGET, `HTML ${htmlBytes} bytes + CSS ${cssBytes} bytes = ${htmlBytes + cssBytes}, over ${BUDGET}`);
        });
      },
    });
    const biggest = sizes.sort((a, b) => Number(b.split('= ')[1]) - Number(a.split('= ')[1]))[0];
    t.diagnostic(`largest question page (HTML + CSS bytes): ${biggest}`);
    problems.assertNone('pages over the weight budget');
    await context.close();
  });

  test('pages load nothing but their HTML and one stylesheet, all from Voices', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const requests = [];
    page.on('request', (r) => requests.push({ type: r.resourceType(), url: r.url() }));
    await startSurvey(page);
    await page.goto(page.url());
    const origin = new URL(BASE).origin;
    const other = requests.filter((r) => !['document', 'stylesheet'].includes(r.type) || new URL(r.url).origin !== origin);
    assert.deepEqual(other.map((r) => `${r.type} ${r.url}`), [], 'only documents and the stylesheet, from Voices itself, should be loaded');
    assert.ok(requests.some((r) => r.type === 'stylesheet'), 'the stylesheet should be loaded');
    await context.close();
  });
});
