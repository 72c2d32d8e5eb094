// Opens reprint's HTML report in headless Debian chromium and checks it
// against the JSON report of the same scan:
// - the page loads with no script error and asks for nothing over the network;
// - the pair table, scrolled from top to bottom, lists exactly the report's
//   pairs with their verdicts, and every expected pair, while keeping only the
//   rows in view in the page;
// - sorting and the verdict filter give the orders and counts the report implies;
// - for the chosen pairs, opened by a click on their table row, every
//   highlighted piece of each text covers exactly the passages the report
//   gives there, so each passage's pieces join into its reported offsets and
//   text; boilerplate, and a rewrite's story passage, are marked as reported;
// - clicking a passage on side A scrolls it into view on side B;
// and saves screenshots.
//
// Usage: node check_report.mjs --html report.html --json report.json
//          [--expected pairs.tsv] [--expect-scrolling] --screenshots DIR --name NAME
// pairs.tsv holds one expected pair per line: two document ids, tab-separated.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { launchChromium } from './chromium.mjs';

const { values: options } = parseArgs({
  options: {
    html: { type: 'string' },
    json: { type: 'string' },
    expected: { type: 'string' },
    screenshots: { type: 'string' },
    name: { type: 'string' },
    // At least one click must bring a passage into view from out of it (a
    // corpus with texts longer than their box).
    'expect-scrolling': { type: 'boolean' },
  },
});
for (const required of ['html', 'json', 'screenshots', 'name']) {
  if (!options[required]) throw new Error(`missing --${required}`);
}

const VERDICT_LABEL = {
  duplicate: 'duplicate',
  near_duplicate: 'near-duplicate',
  partial_reuse: 'partial reuse',
  rewrite: 'rewrite (same story)',
};
const report = JSON.parse(readFileSync(options.json, 'utf8'));
const pairKey = (a, b) => (a < b ? `${a}\t${b}` : `${b}\t${a}`);
const url = pathToFileURL(resolve(options.html)).href;
mkdirSync(options.screenshots, { recursive: true });
const screenshot = (page, what) => page.screenshot({ path: `${options.screenshots}/${options.name}-${what}.png` });

const browser = await launchChromium();
let checked = 0;
// Clicks that brought a passage into view from out of it.
let scrolledIntoView = 0;
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems = [];
  page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('request', (request) => {
    if (request.url() !== url && !request.url().startsWith('data:')) problems.push(`network request: ${request.url()}`);
  });
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });

  // The table, scrolled through.
  const table = await page.evaluate(async () => {
    const viewport = document.getElementById('pair-viewport');
    const frame = () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    const rows = new Map();
    let mostRowsInPage = 0;
    viewport.scrollTop = 0;
    for (;;) {
      await frame();
      const rendered = document.querySelectorAll('#pair-rows [data-pair]');
      mostRowsInPage = Math.max(mostRowsInPage, rendered.length);
      for (const row of rendered) {
        const cells = [...row.querySelectorAll('[role=cell]')].map((cell) => cell.textContent);
        rows.set(row.dataset.pair, cells);
      }
      if (viewport.scrollTop + viewport.clientHeight >= viewport.scrollHeight - 1) break;
      viewport.scrollTop += viewport.clientHeight;
    }
    viewport.scrollTop = 0;
    return { rows: [...rows.values()], mostRowsInPage };
  });
  const listed = table.rows.map(([, a, b, verdict]) => `${a}\t${b}\t${verdict}`).sort();
  const reported = report.pairs.map((p) => `${p.a}\t${p.b}\t${VERDICT_LABEL[p.verdict]}`).sort();
  assert.deepEqual(listed, reported, 'the table lists exactly the pairs of the JSON report, with their verdicts');
  checked += 1;
  if (report.pairs.length > 200) {
    assert.ok(table.mostRowsInPage < 200, `only the rows in view are in the page (saw ${table.mostRowsInPage})`);
    checked += 1;
  }
  if (options.expected) {
    const listedPairs = new Set(table.rows.map(([, a, b]) => pairKey(a, b)));
    const expected = readFileSync(options.expected, 'utf8').split('\n').filter((line) => line.trim() !== '');
    assert.ok(expected.length > 0, 'the expected pairs file is not empty');
    const missing = expected.filter((line) => !listedPairs.has(pairKey(...line.split('\t'))));
    assert.deepEqual(missing, [], 'every expected pair is in the table');
    checked += 1;
  }
  await screenshot(page, 'overview');

  // Sorting by Jaccard puts the highest first.
  if (report.pairs.length > 0) {
    await checkSorting(page);
    checked += 1;
  }

  // The verdict filter keeps the pairs of one verdict.
  if (report.pairs.length > 0) {
    await checkVerdictFilter(page);
  } else {
    assert.match(await page.textContent('#pair-count'), /^No pairs were listed/, 'an empty table says why');
  }
  checked += 1;
  await page.click('#clear-filters');
  await page.waitForTimeout(300);

  // Pairs to open: the one with most passages, one with boilerplate and a
  // rewrite with a story passage, where there are such.
  const most = (score) => report.pairs.reduce((best, p, i) => (best === null || score(p) > score(report.pairs[best]) ? i : best), null);
  const chosen = new Set([
    most((p) => p.passages.length),
    report.pairs.findIndex((p) => p.passages.some((q) => q.boilerplate)),
    report.pairs.findIndex((p) => p.verdict === 'rewrite' && p.story && p.story.passage),
  ].filter((i) => i !== null && i >= 0));
  for (const index of chosen) {
    checked += await checkPair(page, index);
  }
  if (options['expect-scrolling']) {
    assert.ok(scrolledIntoView > 0, 'a click brought a passage into view from out of it');
    checked += 1;
  }
  assert.deepEqual(problems, [], 'no script errors and no network requests');
  console.log(`${options.name}: ${report.pairs.length} pairs listed; ${chosen.size} pairs opened; ${checked} checks passed; ${scrolledIntoView} passages scrolled into view from out of it`);
} finally {
  await browser.close();
}

// Opens pair `index` through the table (filtered by A's id) and checks its
// highlights against the report.
async function checkPair(page, index) {
  const pair = report.pairs[index];
  await page.fill('#id-filter', pair.a);
  await page.waitForTimeout(300);
  await page.click(`#pair-rows [data-pair="${index}"]`);
  await page.waitForSelector(`#pair-view[data-pair="${index}"]:not([hidden])`);
  let checks = 0;
  for (const side of ['a', 'b']) {
    const pieces = await page.$$eval(`#side-${side} .text [data-start]`, (elements) => elements.map((e) => ({
      passages: e.dataset.p ? e.dataset.p.split(' ').map(Number) : [],
      story: e.classList.contains('story-passage'),
      boilerplate: e.classList.contains('boilerplate'),
      start: Number(e.dataset.start),
      end: Number(e.dataset.end),
      text: e.textContent,
    })));
    pair.passages.forEach((passage, k) => {
      const reported = passage[side];
      const own = pieces.filter((piece) => piece.passages.includes(k));
      assert.ok(own.length > 0, `passage ${k + 1} is highlighted on side ${side}`);
      own.forEach((piece, i) => {
        if (i > 0) assert.equal(piece.start, own[i - 1].end, `passage ${k + 1}'s pieces on side ${side} are contiguous`);
      });
      assert.equal(own[0].start, reported.start_char, `passage ${k + 1} starts at its reported offset on side ${side}`);
      assert.equal(own[own.length - 1].end, reported.end_char, `passage ${k + 1} ends at its reported offset on side ${side}`);
      assert.equal(own.map((piece) => piece.text).join(''), reported.text, `passage ${k + 1}'s highlighted text on side ${side} is the reported text`);
      checks += 4;
    });
    for (const piece of pieces.filter((p) => p.passages.length > 0)) {
      const covering = pair.passages.flatMap((q, k) => (q[side].start_char <= piece.start && q[side].end_char >= piece.end ? [k] : []));
      assert.deepEqual(piece.passages, covering, `a highlighted piece on side ${side} lists exactly the passages covering it`);
      assert.equal(piece.boilerplate, pair.passages[covering[0]].boilerplate, 'boilerplate is marked as reported');
      checks += 2;
    }
    const storyPassage = pair.verdict === 'rewrite' && pair.story && pair.story.passage && pair.story.passage.side === side
      ? pair.story.passage : null;
    const storyPieces = pieces.filter((piece) => piece.story);
    if (storyPassage) {
      assert.ok(storyPieces.length > 0, `the story passage is marked on side ${side}`);
      assert.equal(storyPieces[0].start, storyPassage.start_char, 'the story passage starts at its reported offset');
      assert.equal(storyPieces[storyPieces.length - 1].end, storyPassage.end_char, 'the story passage ends at its reported offset');
      storyPieces.forEach((piece, i) => {
        if (i > 0) assert.equal(piece.start, storyPieces[i - 1].end, 'the story passage is contiguous');
      });
      checks += 3;
    } else {
      assert.equal(storyPieces.length, 0, `no story passage is marked on side ${side}`);
      checks += 1;
    }
  }
  await screenshot(page, `pair-${index}`);

  // Clicking the passage that lies furthest into B, on side A, brings it into
  // view on side B, scrolled away from it first where B is long enough.
  if (pair.passages.length > 0) {
    const k = pair.passages.reduce((best, q, i) => (q.b.start_char > pair.passages[best].b.start_char ? i : best), 0);
    // Runs in the page: whether passage k is in view on side B, after
    // scrolling B away from it first when asked.
    const inView = ([k, scrollAway]) => {
      const body = document.querySelector('#side-b .text');
      const mark = body.querySelector(`mark[data-p~="${k}"]`);
      if (scrollAway) body.scrollTop = mark.offsetTop > body.clientHeight / 2 ? 0 : body.scrollHeight;
      const [outer, inner] = [body.getBoundingClientRect(), mark.getBoundingClientRect()];
      return inner.top >= outer.top && inner.top < outer.bottom;
    };
    const hiddenFirst = !(await page.evaluate(inView, [k, true]));
    await page.click(`#side-a mark[data-p~="${k}"] >> nth=0`);
    await page.waitForTimeout(100);
    assert.ok(await page.evaluate(inView, [k, false]), `clicking passage ${k + 1} on side A scrolls side B to it`);
    checks += 1;
    scrolledIntoView += hiddenFirst ? 1 : 0;
  }
  await page.click('#close-pair');
  await page.fill('#id-filter', '');
  await page.waitForTimeout(300);
  return checks;
}

// Sorting by Jaccard puts the highest first.
async function checkSorting(page) {
  await page.click('#pair-table .head [data-column="4"]');
  await page.waitForTimeout(50);
  const firstJaccards = await page.$$eval('#pair-rows [data-pair]', (rows) => rows.slice(0, 5).map((row) => Number(row.dataset.pair)));
  // The page keeps scores to three decimals.
  const rounded = (x) => Math.round(x * 1000) / 1000;
  const jaccards = firstJaccards.map((i) => rounded(report.pairs[i].jaccard));
  assert.deepEqual(jaccards, [...jaccards].sort((x, y) => y - x), 'sorted by Jaccard, highest first');
  assert.equal(jaccards[0], rounded(Math.max(...report.pairs.map((p) => p.jaccard))), 'the first row has the highest Jaccard');
}

// Unchecking all verdicts but one keeps that verdict's pairs.
async function checkVerdictFilter(page) {
  const verdict = report.pairs[report.pairs.length - 1].verdict;
  for (const other of Object.keys(VERDICT_LABEL).filter((v) => v !== verdict)) {
    await page.uncheck(`#verdict-filter input[value="${other}"]`);
  }
  await page.waitForTimeout(300);
  const kept = report.pairs.filter((p) => p.verdict === verdict).length;
  const status = await page.textContent('#pair-count');
  assert.ok(status.startsWith(kept === report.pairs.length ? kept.toLocaleString('en') : `${kept.toLocaleString('en')} of`),
    `the verdict filter keeps the ${kept} ${verdict} pairs: "${status}"`);
}
