// End-to-end tests of the portal in Debian's Chromium, driven by playwright-core, against a
// running berth (the integration test PortalTest starts one and runs this). Each scenario
// keeps screenshots; any console error or uncaught exception in the page fails the run.
//
// Environment: BERTH_URL (http://127.0.0.1:PORT), BERTH_ADMIN_PASSWORD, BERTH_CORPUS (the
// image corpus of tests/fixtures/make-corpus), BERTH_SCREENSHOTS (a folder), CHROMIUM
// (/usr/bin/chromium).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { launchChromium } from './chromium.mjs';

const base = required('BERTH_URL');
const password = required('BERTH_ADMIN_PASSWORD');
const corpus = required('BERTH_CORPUS');
const shots = process.env.BERTH_SCREENSHOTS ?? 'screenshots';
const host = new URL(base).host;
const project = `web-${Date.now().toString(36)}`;
mkdirSync(shots, { recursive: true });
for (const old of readdirSync(shots).filter((f) => f.endsWith('.png'))) rmSync(join(shots, old));

/** @param {string} name */
function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

/** @param {boolean} condition @param {string} message */
function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}

/** @type {string[]} */
const consoleErrors = [];
// Errors a scenario causes on purpose (a refused login logs its 401), each allowed once.
/** @type {RegExp[]} */
const expectedErrors = [];

/** @param {string} text */
function unexpected(text) {
  const at = expectedErrors.findIndex((pattern) => pattern.test(text));
  if (at < 0) return true;
  expectedErrors.splice(at, 1);
  return false;
}

/** @type {import('playwright-core').Page | undefined} */
let currentPage;

/** @param {import('playwright-core').Page} page @param {string} scenario */
function watch(page, scenario) {
  currentPage = page;
  page.on('console', (msg) => {
    if (msg.type() === 'error' && unexpected(msg.text()))
      consoleErrors.push(`${scenario}: ${msg.text()} (${page.url()})`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`${scenario}: uncaught ${error.message}`));
}

let shotCount = 0;
/** @param {import('playwright-core').Page} page @param {string} name */
async function shot(page, name) {
  shotCount++;
  await page.screenshot({ path: join(shots, `${String(shotCount).padStart(2, '0')}-${name}.png`), fullPage: true });
}

/** @param {string} source @param {string} dest */
function push(source, dest) {
  execFileSync(
    'skopeo',
    [
      '--insecure-policy',
      'copy',
      '--all',
      '--preserve-digests',
      '--quiet',
      '--dest-tls-verify=false',
      '--dest-creds',
      `admin:${password}`,
      `oci:${corpus}/oci/${source}`,
      `docker://${host}/${dest}`,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
}

const developer = { name: `${project}-dev`, password: 'Passw0rdPassw0rd' };

/** @param {import('playwright-core').Page} page */
async function logIn(page, user = 'admin', secret = password) {
  await page.goto(base + '/');
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill(secret);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Projects' }).waitFor();
}

/** @param {import('playwright-core').Locator} locator @param {RegExp | string} text */
async function waitForText(locator, text) {
  await locator.filter({ hasText: text }).first().waitFor();
}

// A webhook receiver: the bodies it was sent, in order.
/** @type {string[]} */
const hooks = [];
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    hooks.push(body);
    res.end();
  });
});
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', () => resolve(undefined)));
const receiverAddress = receiver.address();
const hookUrl = `http://127.0.0.1:${typeof receiverAddress === 'object' && receiverAddress ? receiverAddress.port : 0}/hook`;

/** @param {() => boolean} condition @param {string} what */
async function until(condition, what, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const browser = await launchChromium();

/** @type {[string, () => Promise<void>][]} */
const scenarios = [
  [
    'administrator on a laptop',
    async () => {
      const context = await browser.newContext({ viewport: { width: 1366, height: 850 } });
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
      const page = await context.newPage();
      watch(page, 'laptop');

      // A first visit goes to the login page; a wrong password is told plainly.
      await page.goto(base + '/projects');
      await page.getByRole('heading', { name: 'Berth' }).waitFor();
      check(page.url().includes('/login?next='), `a first visit lands on the login page, not ${page.url()}`);
      await page.getByLabel('Username').fill('admin');
      await page.getByLabel('Password').fill('not-the-password');
      expectedErrors.push(/status of 401/);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('alert').waitFor();
      await shot(page, 'login-refused');
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('heading', { name: 'Projects' }).waitFor();
      await shot(page, 'projects');

      // A project, then its first image, pushed by skopeo.
      await page.getByRole('button', { name: 'New Project' }).click();
      const dialog = page.getByRole('dialog', { name: 'New Project' });
      await dialog.getByLabel('Project Name').fill('Not A Name');
      await dialog.getByRole('button', { name: 'OK' }).click();
      await dialog.getByText('Lower-case letters and digits').waitFor();
      check(
        (await dialog.getByLabel('Project Name').getAttribute('aria-invalid')) === 'true',
        'a refused name is marked so',
      );
      await dialog.getByLabel('Project Name').fill(project);
      await shot(page, 'new-project');
      await dialog.getByRole('button', { name: 'OK' }).click();
      await page.getByRole('heading', { name: project }).waitFor();
      check(
        (await page.title()) === `${project} · Berth`,
        `the window is titled by the page, not "${await page.title()}"`,
      );
      push('busybox:multi', `${project}/busybox:multi`);
      push('busybox:sbom', `${project}/busybox:sbom`);
      await page.reload();
      const repositories = page.getByRole('table', { name: 'Repositories' });
      await repositories.getByRole('link', { name: `${project}/busybox` }).click();

      // The index and its platforms; its pull command on the clipboard.
      const artifacts = page.getByRole('table', { name: 'Artifacts' });
      const index = artifacts.getByRole('row').filter({ hasText: 'multi' });
      await waitForText(index, 'linux/amd64');
      await waitForText(index, 'linux/arm64');
      await shot(page, 'artifacts');
      await index.getByRole('button', { name: /Copy the pull command/ }).click();
      await index.getByRole('status').filter({ hasText: 'Copied to the clipboard' }).waitFor({ state: 'attached' });
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      check(copied === `docker pull ${host}/${project}/busybox:multi`, `the pull command copied, got "${copied}"`);
      await index.getByRole('link').first().click();
      const references = page.getByRole('table', { name: 'References' });
      await waitForText(references.getByRole('row'), 'linux/arm64');
      await shot(page, 'artifact-index');
      await references.getByRole('row').filter({ hasText: 'linux/amd64' }).getByRole('link').click();
      await waitForText(page.getByRole('table', { name: 'Accessories' }).getByRole('row'), /sha256:/);
      await shot(page, 'artifact-with-sbom');
      await page.getByRole('button', { name: 'Add Tag' }).click();
      const tagDialog = page.getByRole('dialog', { name: 'Add Tag' });
      await tagDialog.getByLabel('Tag').fill('amd64-v1');
      await tagDialog.getByRole('button', { name: 'Add' }).click();
      await waitForText(page.getByRole('table', { name: 'Tags' }).getByRole('row'), 'amd64-v1');

      // A user, then a member of the project.
      await page.getByRole('link', { name: 'Users' }).click();
      await page.getByRole('button', { name: 'New User' }).click();
      const userDialog = page.getByRole('dialog', { name: 'New User' });
      await userDialog.getByLabel('Username').fill(developer.name);
      await userDialog.getByLabel('Email').fill(`${project}-dev@example.com`);
      await userDialog.getByLabel('First and last name').fill('Dev Eloper');
      await userDialog.getByLabel('Password', { exact: true }).fill(developer.password);
      await userDialog.getByLabel('Confirm password').fill(developer.password);
      await userDialog.getByRole('button', { name: 'OK' }).click();
      await waitForText(page.getByRole('table', { name: 'Users' }).getByRole('row'), `${project}-dev`);
      await shot(page, 'users');
      await page.goto(`${base}/projects/${project}/members`);
      await page.getByRole('button', { name: '+ User' }).click();
      const memberDialog = page.getByRole('dialog', { name: 'New Member' });
      await memberDialog.getByLabel('Username').fill(`${project}-dev`);
      await memberDialog.getByLabel('Role').selectOption({ label: 'Developer' });
      await memberDialog.getByRole('button', { name: 'OK' }).click();
      await waitForText(page.getByRole('table', { name: 'Members' }).getByRole('row'), `${project}-dev`);
      await shot(page, 'members');

      // A robot account: its secret is shown once, and it pulls.
      await page.getByRole('link', { name: 'Robot Accounts' }).click();
      await page.getByRole('button', { name: 'New Robot Account' }).click();
      const robotDialog = page.getByRole('dialog', { name: 'New Robot Account' });
      await robotDialog.getByLabel('Name').fill('ci');
      await robotDialog.getByLabel('Push repositories').check();
      await robotDialog.getByRole('button', { name: 'Add' }).click();
      const created = page.getByRole('dialog', { name: 'Robot Account Created' });
      await created.waitFor();
      const robotName = (await created.locator('dd').first().innerText()).trim();
      const secret = (await created.locator('dd.secret').innerText()).replace(/Copy(ed)?$/, '').trim();
      await shot(page, 'robot-created');
      check(robotName.endsWith(`${project}+ci`), `the robot's name, got "${robotName}"`);
      execFileSync(
        'skopeo',
        [
          'inspect',
          '--tls-verify=false',
          '--raw',
          '--creds',
          `${robotName}:${secret}`,
          `docker://${host}/${project}/busybox:multi`,
        ],
        { stdio: 'ignore' },
      );
      await created.getByRole('button', { name: 'Done' }).click();
      await waitForText(page.getByRole('table', { name: 'Robot accounts' }).getByRole('row'), robotName);

      // A quota, set where Harbor sets it.
      await page.getByRole('link', { name: 'Project Quotas' }).click();
      await page.getByRole('button', { name: `Edit the quota of ${project}` }).click();
      const quotaDialog = page.getByRole('dialog', { name: `Edit the quota of ${project}` });
      await quotaDialog.getByLabel('Storage quota amount').fill('1');
      await quotaDialog.getByLabel('Storage quota unit').selectOption('GiB');
      await quotaDialog.getByRole('button', { name: 'OK' }).click();
      await waitForText(
        page.getByRole('table', { name: 'Project quotas' }).getByRole('row').filter({ hasText: project }),
        'of 1.00 GiB',
      );
      await shot(page, 'quotas');

      // An immutability rule and a retention rule.
      await page.goto(`${base}/projects/${project}/policy`);
      await page.getByRole('heading', { name: 'Tag Immutability' }).waitFor();
      await page.getByRole('region', { name: 'Tag Immutability' }).getByRole('button', { name: 'Add Rule' }).click();
      const immutable = page.getByRole('dialog', { name: 'Add Tag Immutability Rule' });
      await immutable.getByLabel('Tags matching').fill('multi');
      await immutable.getByRole('button', { name: 'Add' }).click();
      await waitForText(
        page.getByRole('region', { name: 'Tag Immutability' }).getByRole('listitem'),
        'Tags matching multi',
      );
      await page.getByRole('region', { name: 'Tag Retention' }).getByRole('button', { name: 'Add Rule' }).click();
      const retention = page.getByRole('dialog', { name: 'Add Tag Retention Rule' });
      await retention.getByLabel('Count', { exact: true }).fill('5');
      await retention.getByRole('button', { name: 'Add' }).click();
      await waitForText(
        page.getByRole('region', { name: 'Tag Retention' }).getByRole('listitem'),
        'most recently pushed 5 artifacts',
      );
      await shot(page, 'policy');
      await page.goto(`${base}/projects/${project}/repositories/busybox`);
      await waitForText(
        page.getByRole('table', { name: 'Artifacts' }).getByRole('row').filter({ hasText: 'multi' }),
        'immutable',
      );

      // A webhook, heard when the next push lands, and its execution.
      await page.goto(`${base}/projects/${project}/webhooks`);
      await page.getByRole('button', { name: 'New Webhook' }).click();
      const hookDialog = page.getByRole('dialog', { name: 'New Webhook' });
      await hookDialog.getByLabel('Name').fill('ci-hook');
      await hookDialog.getByLabel('Endpoint URL').fill(hookUrl);
      await hookDialog.getByLabel('Push artifact').waitFor();
      check(await hookDialog.getByLabel('Push artifact').isChecked(), 'a new webhook hears pushes');
      await shot(page, 'webhook-new');
      await hookDialog.getByRole('button', { name: 'Add' }).click();
      await waitForText(page.getByRole('table', { name: 'Webhooks' }).getByRole('row'), 'ci-hook');
      push('busybox:amd64', `${project}/other:1`);
      await until(
        () => hooks.some((h) => h.includes('PUSH_ARTIFACT') && h.includes(`${project}/other`)),
        'the push webhook',
      );
      await page.getByRole('button', { name: 'Executions of ci-hook' }).click();
      await waitForText(page.getByRole('table', { name: 'Webhook executions' }).getByRole('row'), 'Success');
      await shot(page, 'webhook-executions');
      await page.keyboard.press('Escape');

      // Garbage collection, watched until it ends, and its log.
      await page.getByRole('link', { name: 'Clean Up' }).click();
      await page.getByRole('button', { name: 'GC Now' }).click();
      const history = page.getByRole('table', { name: 'Garbage collection history' });
      await history.getByRole('row').nth(1).waitFor();
      await shot(page, 'gc-running');
      await waitForText(history.getByRole('row').nth(1), 'Success');
      await shot(page, 'gc-finished');
      await history
        .getByRole('row')
        .nth(1)
        .getByRole('button', { name: /Log of run/ })
        .click();
      await waitForText(page.getByRole('dialog').locator('pre'), /\S/);
      await shot(page, 'gc-log');
      await page.keyboard.press('Escape');

      // Log rotation, as a dry run.
      await page.getByRole('link', { name: 'Log Rotation' }).click();
      await page.getByLabel('Dry run').check();
      await page.getByRole('button', { name: 'Purge Now' }).click();
      await waitForText(page.getByRole('table', { name: 'Log rotation history' }).getByRole('row').nth(1), 'Success');
      await shot(page, 'log-rotation');

      // A global label.
      await page.getByRole('link', { name: 'Labels' }).click();
      await page.getByRole('button', { name: 'New Label' }).click();
      const labelDialog = page.getByRole('dialog', { name: 'New Label' });
      await labelDialog.getByLabel('Name').fill(`${project}-release`);
      await labelDialog.getByRole('button', { name: 'Add' }).click();
      await waitForText(page.getByRole('table', { name: 'Labels' }).getByRole('row'), `${project}-release`);
      await shot(page, 'labels');

      // The audit log shows the push.
      await page.getByRole('link', { name: 'Logs', exact: true }).click();
      await page.getByLabel('Search logs by resource').fill(`${project}/busybox`);
      await waitForText(page.getByRole('table', { name: 'Audit log' }).getByRole('row'), 'create');
      await shot(page, 'audit-log');

      // Every other page, for the screenshots and the console.
      for (const path of ['summary', 'logs', 'configuration']) {
        await page.goto(`${base}/projects/${project}/${path}`);
        await page.getByRole('heading', { name: project }).waitFor();
        await page.waitForLoadState('networkidle');
        // The robot's inspect above was a pull: the chart counts it.
        if (path === 'summary') await waitForText(page.locator('figcaption'), /[1-9]\d* in all/);
        await shot(page, `project-${path}`);
      }
      for (const [path, heading] of [
        ['groups', 'Groups'],
        ['jobservice', 'Job Service Dashboard'],
        ['configuration', 'Configuration'],
        ['system', 'System Info'],
      ]) {
        await page.goto(`${base}/admin/${path}`);
        await page.getByRole('heading', { name: heading }).waitFor();
        await page.waitForLoadState('networkidle');
        await shot(page, `admin-${path}`);
      }

      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByRole('button', { name: 'Log in' }).waitFor();
      await page.goto(base + '/projects');
      await page.getByRole('button', { name: 'Log in' }).waitFor();
      check(page.url().includes('/login'), 'after logging out the projects need a login again');
      await shot(page, 'logged-out');
      await context.close();
    },
  ],

  [
    'developer on a phone',
    async () => {
      const context = await browser.newContext({
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
        deviceScaleFactor: 2,
      });
      const page = await context.newPage();
      watch(page, 'phone');
      // The developer made a member above: their project, and nothing of administration.
      await logIn(page, developer.name, developer.password);
      await shot(page, 'phone-projects');
      await page.getByRole('button', { name: 'Menu' }).click();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Logs' }).waitFor();
      check(
        (await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).count()) === 0,
        'a developer is offered no administration',
      );
      await shot(page, 'phone-menu');
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projects' }).click();
      await page.getByRole('link', { name: project }).click();
      await page.getByRole('link', { name: `${project}/busybox` }).click();
      await waitForText(page.getByRole('table', { name: 'Artifacts' }).getByRole('row'), 'linux/arm64');
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      check(width <= 390, `the artifacts fit a phone's width, the page is ${width} px wide`);
      await shot(page, 'phone-artifacts');
      await page.goto(`${base}/projects/${project}/configuration`);
      await page.getByRole('checkbox', { name: /Public/ }).waitFor();
      check(
        await page.getByRole('checkbox', { name: /Public/ }).isDisabled(),
        "a developer cannot change the project's settings",
      );
      check((await page.getByRole('button', { name: 'Delete Project' }).count()) === 0, 'nor delete it');
      await page.goto(`${base}/admin/users`);
      await page.getByRole('heading', { name: 'Not found' }).waitFor();
      await shot(page, 'phone-no-administration');
      await context.close();
    },
  ],

  [
    'keyboard only',
    async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      watch(page, 'keyboard');
      await page.goto(base + '/');
      await page.getByLabel('Username').waitFor();
      // The username field has the focus; Tab to the password, Enter to log in.
      await page.keyboard.type('admin');
      await page.keyboard.press('Tab');
      await page.keyboard.type(password);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Projects' }).waitFor();
      // Tab to the project's link in the list and open it.
      let reached = false;
      for (let i = 0; i < 40 && !reached; i++) {
        await page.keyboard.press('Tab');
        reached = await page.evaluate((name) => document.activeElement?.textContent === name, project);
      }
      check(reached, 'Tab reaches the project in the list');
      await shot(page, 'keyboard-project-focused');
      await page.keyboard.press('Enter');
      await page.getByRole('table', { name: 'Repositories' }).waitFor();
      check(page.url().endsWith(`/projects/${project}/repositories`), `Enter opens the project, at ${page.url()}`);
      await shot(page, 'keyboard-project-opened');
      await context.close();
    },
  ],
  [
    'every page through axe-core',
    async () => {
      // axe is a script of the test's, which the portal's policy rightly refuses: this one
      // context goes around it.
      const context = await browser.newContext({ viewport: { width: 1366, height: 850 }, bypassCSP: true });
      const page = await context.newPage();
      watch(page, 'axe');
      const axe = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
      /** @type {string[]} */
      const found = [];
      /** @param {string} where */
      const audit = async (where) => {
        await page.waitForLoadState('networkidle');
        await page.addScriptTag({ path: axe });
        const violations = await page.evaluate(async () => {
          // @ts-ignore: axe is the script just added
          const result = await window.axe.run(document, { resultTypes: ['violations'] });
          return result.violations.map(
            (/** @type {{ id: string, impact: string, help: string, nodes: { target: string[] }[] }} */ v) =>
              `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}, e.g. ${v.nodes[0]?.target.join(' ')})`,
          );
        });
        for (const v of violations) found.push(`${where}: ${v}`);
      };
      await page.goto(base + '/login');
      await page.getByLabel('Username').waitFor();
      await audit('/login');
      await logIn(page);
      const projectPages = [
        'summary',
        'repositories',
        'members',
        'robots',
        'policy',
        'webhooks',
        'logs',
        'configuration',
      ];
      const adminPages = [
        'users',
        'groups',
        'labels',
        'quotas',
        'clean-up/gc',
        'clean-up/log-rotation',
        'jobservice',
        'configuration',
        'system',
      ];
      const paths = [
        '/projects',
        ...projectPages.map((tab) => `/projects/${project}/${tab}`),
        `/projects/${project}/repositories/busybox`,
        '/logs',
        ...adminPages.map((name) => `/admin/${name}`),
      ];
      for (const path of paths) {
        await page.goto(base + path);
        await page.locator('main h1').first().waitFor();
        await audit(path);
      }
      await page.goto(`${base}/projects/${project}/repositories/busybox`);
      await page.getByRole('table', { name: 'Artifacts' }).getByRole('link').first().click();
      await page.getByRole('heading', { name: 'References' }).waitFor();
      await audit('an artifact');
      await page.goto(base + '/projects');
      await page.getByRole('button', { name: 'New Project' }).click();
      await page.getByRole('dialog', { name: 'New Project' }).waitFor();
      await audit('the New Project dialog');
      check(found.length === 0, `axe-core found:\n  ${found.join('\n  ')}`);
      await context.close();
    },
  ],
];

let failedScenarios = 0;
for (const [name, run] of scenarios) {
  const started = Date.now();
  try {
    await run();
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    failedScenarios++;
    // Where it stopped, to look at.
    await currentPage
      ?.screenshot({ path: join(shots, `failed-${name.replace(/\W+/g, '-')}.png`), fullPage: true })
      .catch(() => {});
    console.log(`FAIL ${name}: ${error instanceof Error ? error.stack : error}`);
  }
}
await browser.close();
receiver.close();
if (consoleErrors.length) console.log(`FAIL console errors:\n  ${consoleErrors.join('\n  ')}`);
console.log(
  `${scenarios.length - failedScenarios} of ${scenarios.length} scenarios passed, ` +
    `${consoleErrors.length} console errors; screenshots in ${shots}`,
);
process.exit(failedScenarios || consoleErrors.length ? 1 : 0);
