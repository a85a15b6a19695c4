// bench/portal's browser half: the time from an address to the first rows of its list, and the
// JavaScript a first visit downloads. Prints a Markdown table. Environment: BERTH_URL,
// BERTH_ADMIN_PASSWORD, REPOS, ARTIFACTS, RUNS, CHROMIUM.
import { launchChromium } from './chromium.mjs';

const base = process.env.BERTH_URL ?? '';
const password = process.env.BERTH_ADMIN_PASSWORD ?? '';
const runs = Number(process.env.RUNS ?? 5);

const browser = await launchChromium();

// When the first row of a data table appears, in ms since the navigation began.
const MARK_FIRST_ROWS = `
  new MutationObserver((_, observer) => {
    if (document.querySelector('table[aria-label] tbody tr')) {
      window.__firstRows = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
`;

/** @param {number[]} values */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** @param {import('playwright-core').Page} page */
async function scriptBytes(page) {
  return page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((e) => e.name.endsWith('.js'))
      .reduce(
        (sum, e) => {
          const r = /** @type {PerformanceResourceTiming} */ (e);
          return {
            files: sum.files + 1,
            transferred: sum.transferred + r.encodedBodySize,
            decoded: sum.decoded + r.decodedBodySize,
          };
        },
        { files: 0, transferred: 0, decoded: 0 },
      ),
  );
}

// A logged-in browser state, to start each cold run from.
const login = await browser.newContext();
const loginPage = await login.newPage();
await loginPage.goto(base + '/login');
const firstVisit = await scriptBytes(loginPage);
await loginPage.getByLabel('Username').fill('admin');
await loginPage.getByLabel('Password').fill(password);
await loginPage.getByRole('button', { name: 'Log in' }).click();
await loginPage.getByRole('heading', { name: 'Projects' }).waitFor();
const state = await login.storageState();
await login.close();

/** @param {string} path */
async function timeToRows(path) {
  /** @type {number[]} */
  const cold = [];
  /** @type {number[]} */
  const warm = [];
  let js = { files: 0, transferred: 0, decoded: 0 };
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ storageState: state });
    await context.addInitScript(MARK_FIRST_ROWS);
    const page = await context.newPage();
    for (const into of [cold, warm]) {
      await page.goto(base + path);
      await page.waitForFunction(() => 'window' in globalThis && '__firstRows' in window, null, { timeout: 30000 });
      into.push(await page.evaluate(() => /** @type {number} */ (/** @type {any} */ (window).__firstRows)));
      if (into === cold) js = await scriptBytes(page);
    }
    await context.close();
  }
  return { cold: median(cold), warm: median(warm), js };
}

/** @param {string} path @param {string} label */
async function timeToNextPage(path, label) {
  /** @type {number[]} */
  const times = [];
  const context = await browser.newContext({ storageState: state });
  const page = await context.newPage();
  for (let i = 0; i < runs; i++) {
    await page.goto(base + path);
    const table = page.getByRole('table', { name: label });
    await table.locator('tbody tr').first().waitFor();
    const before = await table.locator('tbody tr').first().innerText();
    const started = Date.now();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.waitForFunction(
      ([name, text]) => document.querySelector(`table[aria-label="${name}"] tbody tr`)?.textContent !== text,
      [label, before],
    );
    times.push(Date.now() - started);
  }
  await context.close();
  return median(times);
}

const kib = (/** @type {number} */ n) => `${(n / 1024).toFixed(1)} KiB`;
const rows = [
  [`projects`, '/projects', 'Projects'],
  [`repositories of a project (${process.env.REPOS})`, '/projects/wide/repositories', 'Repositories'],
  [`artifacts of a repository (${process.env.ARTIFACTS} tags)`, '/projects/deep/repositories/app', 'Artifacts'],
  ['audit log', '/logs', 'Audit log'],
];
console.log('| page | first rows, cold ms | first rows, warm ms | next page ms | JS downloaded cold |');
console.log('|---|---|---|---|---|');
for (const [name, path, label] of rows) {
  const t = await timeToRows(path ?? '');
  const next = name === 'projects' ? '-' : String(await timeToNextPage(path ?? '', label ?? ''));
  console.log(
    `| ${name} | ${t.cold.toFixed(0)} | ${t.warm.toFixed(0)} | ${next} | ${t.js.files} files, ${kib(t.js.transferred)} (${kib(t.js.decoded)} unpacked) |`,
  );
}
console.log(
  `First visit (the login page): ${firstVisit.files} JavaScript file(s), ${kib(firstVisit.transferred)} transferred, ${kib(firstVisit.decoded)} unpacked.`,
);
await browser.close();
