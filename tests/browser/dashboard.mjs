#!/usr/bin/env node
// Browser test of the operator dashboard (/dashboard) in headless Chromium.
//
//   TASKHOOK_URL=http://127.0.0.1:3005 TASKHOOK_API_KEY=<admin key> node tests/browser/dashboard.mjs
//
// TASKHOOK_URL is the service root (it may carry a path prefix, e.g.
// http://host/api/task-scheduler); the key must be the admin key (API_KEY).
// The service should send webhooks to a fake receiver that answers 2xx
// (DISCORD_API_BASE=http://127.0.0.1:<port>, ALLOW_PRIVATE_TARGETS=true).
//
// Optional: CHROMIUM (default /usr/bin/chromium), TASKHOOK_SCREENSHOT_DIR
// (default docs/screenshots of this repository), TASKHOOK_KEEP_TASKS=1 keeps
// the tasks it creates (they are deleted at the end otherwise).
//
// Needs web/node_modules (scripts/web) for playwright-core, and Debian's
// chromium; it never downloads a browser. Prints one line per check and
// "N passed, M failed"; exits 0 when all passed, 1 when one failed, 2 when
// it could not start.

import fs from 'node:fs';
import path from 'node:path';
import {
  BASE, KEY, SHOTS, repo, check, assert, until, sleep, api, requireService, launch, quiet, finish, fail,
} from './harness.mjs';

const KEEP = process.env.TASKHOOK_KEEP_TASKS === '1';
const WRONG_KEY = 'not-the-key-0000000000000000';
const TOKEN = 'abcdefTOKEN_-xyz';
const WEBHOOK = `https://discord.com/api/webhooks/123456789012345678/${TOKEN}`;

// A global limit, so a hung browser cannot hang ctest.
setTimeout(() => { fail('the test did not finish within 240 s'); finish(); }, 240e3).unref();

await requireService();
// Chromium first: if it cannot start, no tasks are left behind.
const browser = await launch();

const tag = Date.now().toString(36).slice(-4);
const created = {};
const specs = {
  second: { name: `Heartbeat every second · ${tag}`, schedule: '* * * * * *', payload: { content: 'tick' }, maxRetry: 2 },
  hourly: { name: `Hourly report · ${tag}`, schedule: '0 * * * *', payload: { content: 'Hourly report', embeds: [{ title: 'Report', description: 'All good' }] } },
  weekly: { name: `Weekly digest · ${tag}`, schedule: '0 9 * * 1', timezone: 'Europe/Berlin', status: 'INACTIVE', payload: { content: 'Weekly digest' } },
};

const ok = await check('API: create three tasks (per-second, hourly, paused weekly)', async () => {
  for (const [k, spec] of Object.entries(specs)) {
    const r = await api('POST', '/api/tasks', { body: { webhookUrl: WEBHOOK, ...spec } });
    assert(r.status === 201, `POST /api/tasks answered ${r.status}: ${r.text.slice(0, 200)}`);
    created[k] = r.body;
  }
  return Object.values(created).map((t) => t.id.slice(0, 8)).join(', ');
});
if (!ok) finish();

async function cleanup() {
  if (KEEP) return;
  for (const t of Object.values(created)) await api('DELETE', `/api/tasks/${t.id}`).catch(() => {});
}

await check('API: the per-second task delivers (fake receiver)', async () => {
  const n = await until('three attempts of the per-second task', async () => {
    const r = await api('GET', `/api/tasks/${created.second.id}/logs?limit=5`);
    return r.body && r.body.meta.total >= 3 ? r.body.meta.total : false;
  }, 20000, 500);
  const r = await api('GET', `/api/tasks/${created.second.id}/logs?limit=5`);
  const statuses = [...new Set(r.body.data.map((l) => l.status))].join('/');
  return `${n} attempts, ${statuses}`;
});

// -- the browser -----------------------------------------------------------------
const BASE_PATH = new URL(BASE).pathname.replace(/\/+$/, '');
const leaks = [];
const keyless = [];
const pageErrors = [];
function watch(page, label) {
  page.setDefaultTimeout(20000);
  page.on('request', (req) => {
    const url = req.url();
    for (const k of [KEY, WRONG_KEY]) if (url.includes(k) || url.includes(encodeURIComponent(k))) leaks.push(url);
    const p = new URL(url).pathname;
    const rel = p.startsWith(BASE_PATH) ? p.slice(BASE_PATH.length) : p;
    if (rel.startsWith('/api/') && !rel.startsWith('/api/docs') && !req.headers()['x-api-key']) keyless.push(`${req.method()} ${p}`);
  });
  page.on('pageerror', (e) => pageErrors.push(`${label}: ${e.message}`));
}
async function newPage(viewport, opts = {}) {
  const context = await browser.newContext({
    viewport, deviceScaleFactor: opts.dpr || 1, isMobile: !!opts.mobile, hasTouch: !!opts.mobile,
    colorScheme: opts.colorScheme || 'light', locale: 'en-US', reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  watch(page, opts.label || `${viewport.width}x${viewport.height}`);
  return { context, page };
}
async function login(page, key, { remember = false } = {}) {
  await page.waitForSelector('#login:not([hidden])');
  await page.fill('#login-key', key);
  if (remember) await page.check('#login-remember');
  await page.click('#login-submit');
}
const row = (page, id) => page.locator(`#tasks-table tr[data-task-id="${id}"]`);
const shots = [];
fs.mkdirSync(SHOTS, { recursive: true });

try {
  const { context, page } = await newPage({ width: 1366, height: 768 }, { label: 'laptop' });
  const dashboardUrl = `${BASE}/dashboard`;

  await check('GET /dashboard serves the page and its login form', async () => {
    const res = await page.goto(dashboardUrl);
    assert(res && res.status() === 200, `status ${res && res.status()}`);
    assert((res.headers()['content-type'] || '').startsWith('text/html'), `content-type ${res.headers()['content-type']}`);
    await page.waitForSelector('#login:not([hidden]) #login-key');
    assert(await page.locator('label[for="login-key"]').isVisible(), 'the key field has no visible label');
  });

  await check('login: a wrong key is refused with a message', async () => {
    await login(page, WRONG_KEY);
    await page.waitForFunction(() => /not accepted/i.test(document.querySelector('#login-message')?.textContent || ''));
    assert(await page.locator('#shell').isHidden(), 'the dashboard opened with a wrong key');
  });

  await check('login: the admin key opens the overview', async () => {
    await page.fill('#login-key', KEY);
    await page.click('#login-submit');
    await page.waitForSelector('#shell:not([hidden]) .cards .card-value');
    const stored = await page.evaluate(() => [sessionStorage.getItem('taskhook.apiKey'), localStorage.getItem('taskhook.apiKey')]);
    assert(stored[0] === KEY, 'the key is not in sessionStorage');
    assert(stored[1] === null, 'the key went to localStorage without "remember"');
  });

  await check('overview: the stats cards show the task counts', async () => {
    const stats = (await api('GET', '/api/dashboard/stats')).body;
    await until('the Total tasks card', async () => {
      const v = await page.locator('.cards .card').first().locator('.card-value').textContent();
      return Number(v.replace(/[^\d]/g, '')) >= 3;
    });
    const labels = await page.locator('.cards .card-label').allTextContents();
    for (const l of ['Total tasks', 'Active', 'Inactive', 'Failed', 'Executions', 'Success rate']) {
      assert(labels.some((x) => x.includes(l)), `no "${l}" card`);
    }
    return `total ${stats.totalTasks}, active ${stats.activeTasks}`;
  });

  const searchRequests = [];
  page.on('request', (req) => { if (/\/api\/tasks\?/.test(req.url()) && new URL(req.url()).searchParams.get('search')) searchRequests.push(req.url()); });
  await check('tasks table: the search box finds the new tasks (debounced)', async () => {
    await page.locator('#task-search').pressSequentially(tag, { delay: 40 });
    await until('a request for the search', async () => searchRequests.some((u) => new URL(u).searchParams.get('search') === tag));
    await until('three rows for the search', async () => {
      for (const t of Object.values(created)) if (!(await row(page, t.id).count())) return false;
      return (await page.locator('#tasks-table tbody tr[data-task-id]').count()) === 3;
    });
    await sleep(400);
    const typed = searchRequests.filter((u) => new URL(u).searchParams.get('search') !== tag);
    assert(typed.length === 0, `${typed.length} requests for partial input: not debounced`);
    return `${searchRequests.length} request(s) for ${tag.length} keystrokes`;
  });

  await check('tasks table: a search with no match says so', async () => {
    await page.fill('#task-search', `${tag}-no-such-task`);
    await page.locator('#tasks .empty-state', { hasText: 'No tasks match' }).waitFor();
    assert((await page.locator('#tasks-table tbody tr[data-task-id]').count()) === 0, 'rows left in the table');
    await page.fill('#task-search', tag);
    await row(page, created.second.id).waitFor();
  });

  await check('tasks table: name, status, schedule, timezone, next run', async () => {
    const r = row(page, created.weekly.id);
    assert((await r.locator('.task-link').textContent()).trim() === specs.weekly.name, 'name');
    assert(await r.locator('.c-status [data-status="INACTIVE"]').count(), 'status badge INACTIVE');
    assert((await r.locator('.cron').textContent()).trim() === '0 9 * * 1', 'schedule');
    assert((await r.locator('.tz').textContent()).includes('Europe/Berlin'), 'timezone');
    const s = row(page, created.second.id);
    await until('a next run for the per-second task', async () => (await s.locator('.c-next time').count()) > 0);
  });

  await check('tasks table: the last result comes from the newest log', async () => {
    await until('a last result for the per-second task', async () =>
      (await row(page, created.second.id).locator('.c-last [data-status]').count()) > 0);
    const st = await row(page, created.second.id).locator('.c-last [data-status]').getAttribute('data-status');
    assert(['SUCCESS', 'RETRYING', 'FAILED'].includes(st), `status ${st}`);
    assert((await row(page, created.hourly.id).locator('.c-last').textContent()).includes('Never run'), 'the hourly task should have no result yet');
    return st;
  });

  await check('chart: deliveries per minute has data', async () => {
    await until('bars in the deliveries chart', async () => Number(await page.locator('#chart-deliveries').getAttribute('data-total')) > 0
      && (await page.locator('#chart-deliveries svg rect.seg').count()) > 0);
    return `${await page.locator('#chart-deliveries').getAttribute('data-total')} deliveries`;
  });

  await check('chart: fire lateness has p50/p99 data', async () => {
    await until('samples in the lateness chart', async () => Number(await page.locator('#chart-lateness').getAttribute('data-samples')) > 0
      && (await page.locator('#chart-lateness svg .p50').count()) > 0);
    return (await page.locator('#lateness .legend').innerText()).replace(/\s+/g, ' ').trim();
  });

  await check('toggle: Pause turns the row INACTIVE at once, and the API agrees', async () => {
    const r = row(page, created.second.id);
    await r.locator('button[data-action="toggle"]').click();
    await r.locator('.c-status [data-status="INACTIVE"]').waitFor({ timeout: 15000 });
    await page.locator('.toast', { hasText: 'is paused' }).waitFor({ timeout: 15000 });
    const t = (await api('GET', `/api/tasks/${created.second.id}`)).body;
    assert(t.status === 'INACTIVE', `the API says ${t.status}`);
    assert(await r.locator('button[data-action="run"]').isDisabled(), 'Run now stays enabled on a paused task');
  });

  await check('toggle: Resume turns it ACTIVE again, and the API agrees', async () => {
    const r = row(page, created.second.id);
    await r.locator('button[data-action="toggle"]', { hasText: 'Resume' }).click();
    await r.locator('.c-status [data-status="ACTIVE"]').waitFor({ timeout: 15000 });
    const t = (await api('GET', `/api/tasks/${created.second.id}`)).body;
    assert(t.status === 'ACTIVE', `the API says ${t.status}`);
  });

  await check('run now: the hourly task fires once, and its result shows in the row', async () => {
    const r = row(page, created.hourly.id);
    await r.locator('button[data-action="run"]').click();
    await page.locator('.toast', { hasText: 'Run started' }).waitFor({ timeout: 15000 });
    const log = await until('a manual log row in the API', async () => {
      const res = await api('GET', `/api/tasks/${created.hourly.id}/logs?limit=5`);
      return res.body && res.body.data.find((l) => l.trigger === 'manual');
    }, 15000, 500);
    await until('the row to show the run', async () => (await r.locator('.c-last [data-status]').count()) > 0, 15000);
    return `${log.status}${log.httpStatus ? ` ${log.httpStatus}` : ''}`;
  });

  await check('run now: an API error is shown in a toast', async () => {
    // Pause the task behind the page's back: until its next poll the page
    // still offers Run now, and the API answers 409.
    const r = row(page, created.hourly.id);
    const button = r.locator('button[data-action="run"]');
    let clicked = false;
    for (let i = 0; i < 3 && !clicked; i++) {
      await api('POST', `/api/tasks/${created.hourly.id}/toggle`);
      clicked = await button.evaluate((b) => { if (b.disabled) return false; b.click(); return true; });
      if (!clicked) { // a poll came first: undo and try again
        await api('POST', `/api/tasks/${created.hourly.id}/toggle`);
        await r.locator('.c-status [data-status="ACTIVE"]').waitFor({ timeout: 20000 });
      }
    }
    assert(clicked, 'the page refreshed before every click');
    const toast = page.locator('.toast.error');
    await toast.waitFor({ timeout: 15000 });
    const text = (await toast.innerText()).replace(/\s+/g, ' ');
    await api('POST', `/api/tasks/${created.hourly.id}/toggle`);
    await r.locator('.c-status [data-status="ACTIVE"]').waitFor({ timeout: 20000 });
    return text.slice(0, 90);
  });

  await check('panels: recent failures shown; runtime panel only for an admin key', async () => {
    assert(await page.locator('#failures').isVisible(), 'no Recent failures panel');
    const actors = await api('GET', '/api/admin/actors');
    await sleep(300);
    const visible = await page.locator('#actors').isVisible();
    if (actors.status === 200) assert(visible, 'the admin key gets /api/admin/actors, but the panel is hidden');
    else assert(!visible, `/api/admin/actors answered ${actors.status}, but the panel shows`);
    return actors.status === 200 ? 'runtime panel shown' : `runtime panel hidden (the route answered ${actors.status})`;
  });

  await check('cluster panel: one live node, this node, holding all 256 partitions', async () => {
    const view = await api('GET', '/api/admin/cluster');
    assert(view.status === 200, `GET /api/admin/cluster answered ${view.status}`);
    const self = view.body.nodes.find((n) => n.self);
    assert(self, 'the API names no node as self');
    const panel = page.locator('#cluster');
    await panel.waitFor({ state: 'visible' });
    // The node claims its partitions just after it starts: wait for the map to fill.
    await until('one node holding 256 partitions, none unowned', async () =>
      (await panel.locator('.node').count()) === 1
      && (await panel.locator('.node .node-held b').textContent()).trim() === '256'
      && (await panel.locator('[data-unowned]').getAttribute('data-unowned')) === '0', 20000);
    const node = panel.locator('.node');
    assert((await node.locator('.node-name').textContent()).trim() === self.name, 'the node name differs from the API');
    assert((await node.locator('code').textContent()).trim() === self.id.slice(0, 8), 'the short id differs from the API');
    assert((await node.locator('.this-node').textContent()).trim() === 'this node', 'the answering node is not marked');
    assert((await node.locator('.node-state').textContent()).trim() === 'Live', 'the node is not shown as Live in words');
    assert(/ago|just now/.test(await node.locator('time').textContent()), 'the heartbeat is not a relative time');
    assert((await panel.locator('.pmap .cell').count()) === 256, 'the map does not have 256 cells');
    assert((await panel.locator('.pmap .cell.o0').count()) === 256, 'not every cell has the node\'s colour');
    const label = await panel.locator('.pmap').getAttribute('aria-label');
    assert(label.includes(`${self.name}: 256, unowned: 0`), `the map's label says ${label}`);
    assert((await panel.locator('.pmap .cell').nth(17).getAttribute('title')) === `Partition 17: ${self.name}`, 'a cell has no owner title');
    assert((await panel.locator('#cluster-unowned b').textContent()).trim() === '0', 'the unowned count is not 0');
    assert(!(await panel.locator('#cluster-unowned').evaluate((e) => e.classList.contains('alert'))), 'unowned 0 is highlighted');
    return `${self.name}, ${label.split('. ')[1]}`;
  });

  await check('cluster panel: a 503 keeps the last view and says it is stale', async () => {
    const panel = page.locator('#cluster');
    await page.route('**/api/admin/cluster', (r) => r.fulfill({
      status: 503, contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'unavailable', message: 'the database is unavailable; try again' } }),
    }));
    try {
      await panel.locator('.note', { hasText: 'Not refreshed' }).waitFor({ timeout: 15000 });
      assert((await panel.locator('.note').textContent()).includes('the database is unavailable'), 'the note does not say why');
      assert((await panel.locator('.node').count()) === 1, 'the last view is gone');
    } finally {
      await page.unroute('**/api/admin/cluster');
    }
    await panel.locator('.note').waitFor({ state: 'detached', timeout: 15000 });
  });

  await check('screenshot: overview at 1366×768', async () => {
    await page.fill('#task-search', '');
    await until('the unfiltered table', async () => !(await page.evaluate(() => location.hash.includes('search'))));
    await page.waitForTimeout(1200);
    await quiet(page);
    const file = path.join(SHOTS, 'dashboard-laptop.png');
    await page.screenshot({ path: file, fullPage: true });
    shots.push(file);
    return path.relative(repo, file);
  });

  await check('task page: #/tasks/<id> shows details with the webhook URL masked', async () => {
    await page.fill('#task-search', tag);
    await row(page, created.second.id).locator('.task-link').waitFor();
    await row(page, created.second.id).locator('.task-link').click();
    await page.waitForFunction((id) => location.hash === `#/tasks/${id}`, created.second.id);
    await page.locator('.task-head h1', { hasText: specs.second.name }).waitFor();
    const url = (await page.locator('.details .url').textContent()).trim();
    assert(url.includes('****'), `webhook shown as ${url}`);
    assert(!url.includes(TOKEN) && !(await page.content()).includes(TOKEN), 'the webhook token is on the page');
    return url;
  });

  await check('task page: the attempt history pages', async () => {
    await until('rows in the attempt history', async () => (await page.locator('#attempts-table tbody tr[data-log-id]').count()) > 0);
    let meta = (await api('GET', `/api/tasks/${created.second.id}/logs?limit=20`)).body.meta;
    if (meta.totalPages < 2) {
      await until('a second page of attempts', async () => {
        meta = (await api('GET', `/api/tasks/${created.second.id}/logs?limit=20`)).body.meta;
        return meta.totalPages >= 2;
      }, 30000, 1000);
    }
    await until('the pager to offer page 2', async () => !(await page.locator('#attempts .pager button[aria-label="Next page"]').isDisabled()), 10000);
    const firstIds = await page.locator('#attempts-table tbody tr[data-log-id]').evaluateAll((rs) => rs.map((r) => r.dataset.logId));
    await page.locator('#attempts .pager button[aria-label="Next page"]').click();
    await page.locator('#attempts .pager-page', { hasText: /^Page 2 of/ }).waitFor();
    const secondIds = await page.locator('#attempts-table tbody tr[data-log-id]').evaluateAll((rs) => rs.map((r) => r.dataset.logId));
    // The task goes on firing every second while we page: page 2 must
    // continue what page 1 showed, not shift under the new rows.
    assert(secondIds.length > 0 && !secondIds.some((id) => firstIds.includes(id)), 'page 2 repeats page 1');
    assert(await page.locator('#attempts-pin').isVisible(), 'page 2 does not say it is pinned');
    await page.locator('#attempts .pager button[aria-label="Previous page"]').click();
    await page.locator('#attempts .pager-page', { hasText: /^Page 1 of/ }).waitFor();
    await page.locator('#attempts-pin').waitFor({ state: 'detached' });
    return `${meta.total} attempts, ${firstIds.length} on page 1`;
  });

  await check('task page: toggle and run buttons work', async () => {
    await page.locator('.task-head button[data-action="toggle"]', { hasText: 'Pause' }).click();
    await page.locator('.task-head [data-status="INACTIVE"]').waitFor({ timeout: 15000 });
    await page.locator('.task-head button[data-action="toggle"]', { hasText: 'Resume' }).click();
    await page.locator('.task-head [data-status="ACTIVE"]').waitFor({ timeout: 15000 });
    await page.locator('.task-head button[data-action="run"]').click();
    await page.locator('.toast', { hasText: 'Run started' }).waitFor({ timeout: 15000 });
    const t = (await api('GET', `/api/tasks/${created.second.id}`)).body;
    assert(t.status === 'ACTIVE', `the API says ${t.status}`);
  });

  await check('screenshot: task page at 1366×768', async () => {
    await page.waitForTimeout(1500);
    await quiet(page);
    const file = path.join(SHOTS, 'task-laptop.png');
    await page.screenshot({ path: file, fullPage: true });
    shots.push(file);
    return path.relative(repo, file);
  });

  await check('a 401 (key revoked) returns to the login with a message', async () => {
    await page.evaluate((k) => sessionStorage.setItem('taskhook.apiKey', k), WRONG_KEY);
    await page.reload();
    await page.waitForSelector('#login:not([hidden])');
    await page.waitForFunction(() => /401/.test(document.querySelector('#login-message')?.textContent || ''));
    const stored = await page.evaluate(() => sessionStorage.getItem('taskhook.apiKey'));
    assert(stored === null, 'the refused key stays in sessionStorage');
  });
  await context.close();

  // -- phone -------------------------------------------------------------------
  const phone = await newPage({ width: 390, height: 844 }, { mobile: true, dpr: 2, label: 'phone' });
  await check('phone: login with "remember on this device"', async () => {
    await phone.page.goto(dashboardUrl);
    await login(phone.page, KEY, { remember: true });
    await phone.page.waitForSelector('#shell:not([hidden]) .cards .card-value');
    assert(await phone.page.evaluate((k) => localStorage.getItem('taskhook.apiKey') === k, KEY), 'the key is not in localStorage');
  });

  await check('phone: the layout fits 390 px (no sideways scrolling, cards not table)', async () => {
    await phone.page.locator('#tasks-table tbody tr[data-task-id]').first().waitFor();
    await until('the deliveries chart', async () => (await phone.page.locator('#chart-deliveries svg').count()) > 0);
    const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
    assert(width <= 390, `the page is ${width} px wide`);
    assert(await phone.page.locator('#tasks-table thead').isHidden(), 'the table header shows on a phone');
    const box = await phone.page.locator('#tasks-table tbody tr[data-task-id] button[data-action="toggle"]').first().boundingBox();
    assert(box && box.height >= 32, `toggle button is ${box && box.height} px tall`);
  });

  await check('screenshot: overview at 390×844', async () => {
    await phone.page.waitForTimeout(800);
    await quiet(phone.page);
    const file = path.join(SHOTS, 'dashboard-phone.png');
    await phone.page.screenshot({ path: file });
    shots.push(file);
    return path.relative(repo, file);
  });

  await check('phone: a reload keeps the remembered login; Log out forgets the key', async () => {
    await phone.page.reload();
    await phone.page.waitForSelector('#shell:not([hidden]) .cards .card-value');
    await phone.page.click('#logout');
    await phone.page.waitForSelector('#login:not([hidden])');
    const left = await phone.page.evaluate(() => [sessionStorage.getItem('taskhook.apiKey'), localStorage.getItem('taskhook.apiKey')]);
    assert(left[0] === null && left[1] === null, 'a key is still stored after logout');
  });
  await phone.context.close();

  // -- dark scheme and a tenant key ---------------------------------------------
  await check('dark: prefers-color-scheme dark switches the palette', async () => {
    const dark = await newPage({ width: 1366, height: 768 }, { colorScheme: 'dark', label: 'dark' });
    await dark.page.goto(dashboardUrl);
    const bg = await dark.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await dark.context.close();
    const [r, g, b] = bg.match(/\d+/g).map(Number);
    assert(r + g + b < 150, `body background is ${bg}`);
    return bg;
  });

  await check('tenant key: no runtime or cluster panel and no admin badge', async () => {
    const t = await api('POST', '/api/tenants', { body: { name: `browser-test ${tag}` } });
    if (t.status !== 201) return `skipped: POST /api/tenants answered ${t.status}`;
    const tenant = await newPage({ width: 1366, height: 768 }, { label: 'tenant' });
    await tenant.page.goto(dashboardUrl);
    await login(tenant.page, t.body.apiKey);
    await tenant.page.waitForSelector('#shell:not([hidden]) .cards .card-value');
    await tenant.page.locator('#tasks .empty-state', { hasText: 'No tasks yet' }).waitFor();
    await sleep(500);
    assert(await tenant.page.locator('#actors').isHidden(), 'the runtime panel shows for a tenant key');
    assert(await tenant.page.locator('#cluster').isHidden(), 'the cluster panel shows for a tenant key');
    assert(await tenant.page.locator('.key-kind').isHidden(), 'the admin badge shows for a tenant key');
    await tenant.context.close();
  });

  await check('the API key never appears in a URL; every API call sends X-API-Key', async () => {
    assert(leaks.length === 0, `key in ${leaks[0]}`);
    assert(keyless.length === 0, `no key on ${keyless.slice(0, 3).join(', ')}`);
  });

  await check('no uncaught errors in the page', async () => {
    assert(pageErrors.length === 0, pageErrors.slice(0, 3).join(' | '));
  });
} catch (e) {
  fail(`the test stopped: ${String(e.message).split('\n')[0]}`);
} finally {
  await browser.close().catch(() => {});
  await cleanup();
}
finish();
