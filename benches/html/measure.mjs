// How responsive the HTML report is: opens each report given in headless
// Debian chromium and times, inside the page, what a reader does. Prints the
// file size and the median of ROUNDS runs of each step, in milliseconds.
//
// Needs what tests/browser/setup.sh installs. Usage:
//   tests/browser/setup.sh
//   reprint scan corpus.jsonl --html report.html
//   node benches/html/measure.mjs report.html [more.html ...]
//
// Steps: "ready" is from navigation start to the table drawn (the pair data
// unpacked and rendered); "texts" to the texts unpacked as well; "sort" is a
// click on the Jaccard column; "filter" a click on one verdict's count;
// "scroll" a jump to the middle of the table, to the rows drawn; "open" a
// click on a row of the sorted table, to both texts highlighted.

import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// The browser test's launcher, with the playwright-core its setup installed.
const { launchChromium } = await import(new URL('../../tests/browser/chromium.mjs', import.meta.url));

const ROUNDS = 5;
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

const browser = await launchChromium();
try {
  for (const file of process.argv.slice(2)) {
    const times = {};
    const record = (step, ms) => (times[step] ||= []).push(ms);
    let subtitle = '';
    for (let round = 0; round < ROUNDS; round += 1) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await page.goto(pathToFileURL(resolve(file)).href);
      await page.waitForFunction(() => performance.getEntriesByName('reprint:texts-ready').length > 0, null, { timeout: 120_000 });
      const loaded = await page.evaluate(() => ({
        ready: performance.getEntriesByName('reprint:ready')[0].startTime,
        texts: performance.getEntriesByName('reprint:texts-ready')[0].startTime,
        subtitle: document.getElementById('subtitle').textContent,
      }));
      record('ready', loaded.ready);
      record('texts', loaded.texts);
      subtitle = loaded.subtitle;
      const steps = await page.evaluate(async () => {
        const frame = () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
        const timed = (action) => {
          const start = performance.now();
          action();
          return performance.now() - start;
        };
        const sort = timed(() => document.querySelector('#pair-table .head [data-column="4"]').click());
        const viewport = document.getElementById('pair-viewport');
        let start = performance.now();
        viewport.scrollTop = viewport.scrollHeight / 2;
        await frame();
        const scroll = performance.now() - start;
        const row = document.querySelector('#pair-rows [data-pair]');
        const section = document.getElementById('pair-view');
        const opened = new Promise((done) => {
          new MutationObserver((_, observer) => {
            if (section.dataset.pair === row.dataset.pair && !section.hidden) { observer.disconnect(); done(); }
          }).observe(section, { attributes: true });
        });
        start = performance.now();
        row.click();
        await opened;
        const open = performance.now() - start;
        const verdictCard = document.querySelector('#cards [data-verdict]');
        const filter = timed(() => verdictCard.click());
        return { sort, scroll, open, filter };
      });
      for (const [step, ms] of Object.entries(steps)) record(step, ms);
      await page.close();
    }
    const megabytes = (statSync(file).size / 1e6).toFixed(1);
    const summary = Object.entries(times).map(([step, ms]) => `${step} ${median(ms).toFixed(0)}`).join(', ');
    console.log(`${file}: ${megabytes} MB (${subtitle}); median of ${ROUNDS} (ms): ${summary}`);
  }
} finally {
  await browser.close();
}
