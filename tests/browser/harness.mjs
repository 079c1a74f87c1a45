// What the browser tests share: the environment, one line per check with a
// "N passed, M failed" total, the API from node, Chromium (Debian's, driven by
// playwright-core from web/node_modules; never a downloaded browser), pages
// that record errors and key leaks, login, and axe-core runs.
//
//   TASKHOOK_URL       the service root (may carry a path prefix)
//   TASKHOOK_API_KEY   the admin key (API_KEY)
//   CHROMIUM           default /usr/bin/chromium
//   TASKHOOK_SCREENSHOT_DIR  default docs/screenshots of this repository
//   TASKHOOK_DASHBOARD_DIR   optional: serve /dashboard/<file> from this folder
//                      instead of the binary (edit, reload, no rebuild)

import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '../..');
export const BASE = (process.env.TASKHOOK_URL || '').replace(/\/+$/, '');
export const KEY = process.env.TASKHOOK_API_KEY || '';
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const SHOTS = process.env.TASKHOOK_SCREENSHOT_DIR || path.join(repo, 'docs', 'screenshots');
const DASHBOARD_DIR = process.env.TASKHOOK_DASHBOARD_DIR || '';
const requireWeb = createRequire(path.join(repo, 'web', 'package.json'));

export function cannotStart(msg) {
  console.log(`cannot start: ${msg}`);
  process.exit(2);
}

// -- reporting -------------------------------------------------------------------
let passed = 0;
let failed = 0;
export function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
export function fail(msg) { failed++; console.log(`FAIL ${msg}`); }
export async function check(name, fn) {
  try {
    const note = await fn();
    passed++;
    console.log(`ok   ${name}${note ? ` (${note})` : ''}`);
    return true;
  } catch (e) {
    failed++;
    const msg = String((e && e.message) || e).split('\n').find((l) => l.trim()) || 'failed';
    console.log(`FAIL ${name}: ${msg.trim()}`);
    return false;
  }
}
export function assert(cond, msg) { if (!cond) throw new Error(msg); }
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export async function until(what, fn, timeoutMs = 15000, everyMs = 250) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try { last = await fn(); if (last) return last; } catch (e) { last = e; }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await sleep(everyMs);
  }
}

// -- the API ---------------------------------------------------------------------
export async function api(method, p, { body, key = KEY } = {}) {
  const headers = { 'X-API-Key': key };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(BASE + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: res.status, body: json, text };
}

/** Fails to start unless the service answers and the key is accepted. */
export async function requireService() {
  if (!BASE || !KEY) cannotStart('set TASKHOOK_URL (the service root) and TASKHOOK_API_KEY (the admin key)');
  if (!fs.existsSync(CHROMIUM)) cannotStart(`no Chromium at ${CHROMIUM} (Debian: apt-get install chromium; or set CHROMIUM)`);
  try {
    const health = await fetch(`${BASE}/health`);
    if (!health.ok) cannotStart(`GET ${BASE}/health answered ${health.status}`);
  } catch (e) {
    cannotStart(`cannot reach ${BASE}/health: ${e.message}`);
  }
  const r = await api('GET', '/api/dashboard/stats');
  if (r.status !== 200) cannotStart(`GET /api/dashboard/stats with TASKHOOK_API_KEY answered ${r.status}`);
}

// -- the browser -----------------------------------------------------------------
export async function launch() {
  let chromium;
  try {
    ({ chromium } = requireWeb('playwright-core'));
  } catch {
    cannotStart('playwright-core is not installed in web/node_modules (run scripts/web)');
  }
  try {
    return await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  } catch (e) {
    return cannotStart(`Chromium did not start: ${String(e.message).split('\n')[0]}`);
  }
}

export const pageErrors = [];
export const keyLeaks = [];
const TYPES = { '.js': 'application/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.html': 'text/html' };

/** A new context and page; records uncaught errors and any key in a URL. */
export async function newPage(browser, viewport, opts = {}) {
  const context = await browser.newContext({
    viewport, deviceScaleFactor: opts.dpr || 1, isMobile: !!opts.mobile, hasTouch: !!opts.mobile,
    colorScheme: opts.colorScheme || 'light', locale: 'en-US', reducedMotion: 'reduce',
    timezoneId: opts.timezoneId,
  });
  const page = await context.newPage();
  const label = opts.label || `${viewport.width}x${viewport.height}`;
  page.setDefaultTimeout(20000);
  page.on('pageerror', (e) => pageErrors.push(`${label}: ${e.message}`));
  page.on('request', (req) => { if (KEY && req.url().includes(KEY)) keyLeaks.push(req.url()); });
  if (DASHBOARD_DIR) {
    await page.route(/\/dashboard(\/[^/?#]*)?(\?.*)?$/, (route) => {
      const name = new URL(route.request().url()).pathname.split('/dashboard')[1].replace(/^\//, '') || 'index.html';
      const file = path.join(DASHBOARD_DIR, name);
      if (!fs.existsSync(file)) return route.continue();
      return route.fulfill({ path: file, contentType: TYPES[path.extname(file)] });
    });
  }
  return { context, page };
}

export async function login(page, key) {
  await page.goto(`${BASE}/dashboard`);
  await page.waitForSelector('#login:not([hidden])');
  await page.fill('#login-key', key);
  await page.click('#login-submit');
  await page.waitForSelector('#shell:not([hidden]) .cards .card-value');
}

/** Screenshots without toasts, hover or focus, from the top of the page. */
export async function quiet(page) {
  await page.mouse.move(0, 0);
  await page.evaluate(() => {
    for (const t of document.querySelectorAll('.toast')) t.remove();
    document.activeElement?.blur?.();
    window.scrollTo(0, 0);
  });
  await sleep(200);
}

/** axe-core over the page: its serious and critical violations, one line each. */
export async function axeSerious(page) {
  const has = await page.evaluate(() => typeof window.axe === 'object');
  if (!has) await page.addScriptTag({ path: requireWeb.resolve('axe-core/axe.min.js') });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}) at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}: ${v.help}`);
  });
}

export function screenshotDir() {
  fs.mkdirSync(SHOTS, { recursive: true });
  return SHOTS;
}
