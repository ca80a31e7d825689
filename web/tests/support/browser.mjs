// Debian's Chromium, headless, through playwright-core; screenshots go to
// web/test-output/ (git-ignored).
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { webDir } from './pier.mjs';

export const outputDir = process.env.PIER_WEB_TEST_OUTPUT || join(webDir, 'test-output');

export async function launch() {
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-dev-shm-usage'],
    timeout: 30000,
  });
}

export async function newPage(browser, { width = 1366, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
  context.setDefaultTimeout(15000);
  context.setDefaultNavigationTimeout(15000);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    // 4xx answers the tests provoke are logged by the browser: not a problem of the page.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`console error: ${message.text()}`);
  });
  // No request may leave loopback: everything is bundled.
  await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => {
    problems.push(`external request: ${route.request().url()}`);
    return route.abort();
  });
  return { context, page, problems };
}

export async function screenshot(page, name) {
  mkdirSync(outputDir, { recursive: true });
  const path = join(outputDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export async function signIn(page, url, token) {
  await page.goto(url + '/');
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Releases', level: 1 }).waitFor();
}
