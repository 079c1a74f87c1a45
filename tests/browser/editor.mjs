#!/usr/bin/env node
// Browser test of the dashboard's task form (#/tasks/new, #/tasks/<id>/edit)
// in headless Chromium, at 1366×900 and 390×844:
//
//   TASKHOOK_URL=http://127.0.0.1:3005 TASKHOOK_API_KEY=<admin key> node tests/browser/editor.mjs
//
// The service must send webhooks to a fake receiver that answers 2xx
// (DISCORD_API_BASE=http://127.0.0.1:<port>, ALLOW_PRIVATE_TARGETS=true).
// Creates a task through the form with an embed and checks the exact payload
// through the API; edits its schedule and sees the new fire times; sees the
// API's messages for a bad cron and an over-long embed field at their inputs;
// sends a test and sees its outcome; duplicates and deletes; a tenant key sees
// only its own tasks; creates a task by keyboard alone; runs axe-core over the
// list, the task page and the form. Writes docs/screenshots/editor-*.png.
// See harness.mjs for the other variables. Prints "N passed, M failed".

import path from 'node:path';
import {
  BASE, KEY, repo, check, assert, until, sleep, api, requireService, launch, newPage, login, quiet,
  axeSerious, screenshotDir, pageErrors, keyLeaks, finish, fail,
} from './harness.mjs';

await requireService();
const browser = await launch();
const SHOTS = screenshotDir();
const ZONE = 'America/New_York';
const TOKEN = 'edTOKEN_-xyz123';
const WEBHOOK = `https://discord.com/api/webhooks/123456789012345678/${TOKEN}`;
const tag = Date.now().toString(36).slice(-5);
const cleanup = [];

// A global limit, so a hung browser cannot hang ctest.
setTimeout(() => { fail('the test did not finish within 300 s'); finish(); }, 300e3).unref();

/** JSON with sorted keys: equal values give equal text whatever the key order. */
function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

function expectedPayload(label) {
  return {
    content: `Standup for ${label} in 10 minutes, **everyone**! <@&123456789012345678>`,
    username: 'Standup bot',
    embeds: [{
      title: 'Agenda',
      description: 'Yesterday, today, *blockers*',
      url: 'https://example.com/agenda',
      color: 0x22aa55,
      footer: { text: 'taskhook' },
      fields: [{ name: 'Room', value: 'Blue', inline: true }, { name: 'Length', value: '15 min', inline: true }],
    }],
  };
}

/** The first of the API's next fire times for an expression in a zone. */
async function firstFire(expression, timezone) {
  const r = await api('GET', `/api/cron/preview?expression=${encodeURIComponent(expression)}&timezone=${encodeURIComponent(timezone)}&count=5`);
  assert(r.status === 200, `cron preview answered ${r.status}`);
  return r.body.next;
}

async function fillForm(page, { name, schedule, webhook, payload }) {
  await page.fill('#f-name', name);
  await page.fill('#f-schedule', schedule);
  await page.fill('#f-webhook', webhook);
  await page.fill('#f-content', payload.content);
  await page.fill('#f-username', payload.username);
  const e = payload.embeds[0];
  await page.getByRole('button', { name: 'Add embed' }).click();
  await page.fill('#e0-title', e.title);
  await page.fill('#e0-description', e.description);
  await page.fill('#e0-url', e.url);
  await page.fill('#e0-color', `#${e.color.toString(16).padStart(6, '0')}`);
  await page.fill('#e0-footer-text', e.footer.text);
  for (const [j, f] of e.fields.entries()) {
    await page.getByRole('button', { name: 'Add field to embed 1' }).click();
    await page.fill(`#e0-f${j}-name`, f.name);
    await page.fill(`#e0-f${j}-value`, f.value);
    if (f.inline) await page.check(`#e0-f${j}-inline`);
  }
}

async function runAt(viewport, opts) {
  const L = opts.label;
  const { context, page } = await newPage(browser, viewport, { ...opts, timezoneId: ZONE });
  const name = `Form task ${L} · ${tag}`;
  const payload = expectedPayload(L);
  let id = null;

  await check(`${L}: the list has a "New task" button that opens the form`, async () => {
    await login(page, KEY);
    await page.getByRole('button', { name: 'New task' }).click();
    await page.waitForFunction(() => location.hash === '#/tasks/new');
    await page.locator('#task-form').waitFor();
    for (const label of ['Name', 'Schedule', 'Time zone', 'Webhook URL', 'Max retries', 'Content', 'Username', 'Avatar URL']) {
      assert(await page.getByLabel(label, { exact: true }).first().isVisible(), `no visible field labelled ${label}`);
    }
    assert(await page.locator('#f-status legend', { hasText: 'Status' }).isVisible(), 'no Status group');
    assert(await page.evaluate(() => document.activeElement && document.activeElement.id === 'f-name'), 'the focus is not on Name');
  });

  await check(`${L}: the time zone defaults to the browser's and is searchable`, async () => {
    assert((await page.inputValue('#f-timezone')) === ZONE, `Time zone is ${await page.inputValue('#f-timezone')}`);
    const n = await page.locator('datalist#time-zones option').count();
    assert(n > 300, `only ${n} zones offered`);
    assert((await page.locator('#f-timezone').getAttribute('list')) === 'time-zones', 'the field is not tied to the zone list');
    return `${n} zones`;
  });

  await check(`${L}: fill the form with an embed; the JSON view and the preview follow`, async () => {
    await fillForm(page, { name, schedule: '0 10 * * *', webhook: WEBHOOK, payload });
    await page.locator('#json-view summary').click();
    await until('the JSON view to hold the payload', async () => canonical(JSON.parse(await page.inputValue('#f-json'))) === canonical(payload));
    const pv = page.locator('#discord-preview');
    // The preview redraws a moment after the last keystroke.
    const spansNow = () => pv.locator('.dc-field').evaluateAll((fs) => fs.map((f) => f.dataset.span).join());
    await until('the preview to show the whole embed', async () => (await pv.locator('.dc-embed .dc-title').textContent()) === 'Agenda'
      && (await pv.locator('.dc-footer').count()) === 1 && (await spansNow()) === '6,6');
    assert((await pv.locator('.dc-name').textContent()) === 'Standup bot', 'username');
    assert((await pv.locator('.dc-content strong').textContent()) === 'everyone', 'markdown bold');
    assert((await pv.locator('.dc-content .dc-mention').count()) === 1, 'the role mention is not highlighted');
    const bar = await pv.locator('.dc-embed').evaluate((e) => getComputedStyle(e).borderLeftColor);
    assert(bar === 'rgb(34, 170, 85)', `colour bar ${bar}`);
    assert((await pv.locator('.dc-footer').textContent()).includes('taskhook'), 'footer');
    assert(/At 10:00/.test(await page.locator('#f-schedule-words').textContent()), 'no plain-words schedule');
    const next = await firstFire('0 10 * * *', ZONE);
    await until('five fire times from the API', async () => (await page.locator('#fires-table tbody tr').count()) === 5
      && (await page.locator('#fires-table tbody tr').first().getAttribute('data-at')) === next[0]);
  });

  await check(`${L}: JSON edits flow back into the form`, async () => {
    const edited = { ...payload, content: `${payload.content} (edited)` };
    await page.fill('#f-json', JSON.stringify(edited, null, 2));
    await until('the content field to follow', async () => (await page.inputValue('#f-content')) === edited.content);
    await page.fill('#f-content', payload.content);
    await until('the JSON view to follow back', async () => JSON.parse(await page.inputValue('#f-json')).content === payload.content);
  });

  await check(`${L}: placeholders are filled for the next fire in the preview`, async () => {
    await page.fill('#e0-footer-text', 'Run for {{task.name}}');
    await until('the filled footer', async () => (await page.locator('#discord-preview .dc-footer').textContent()).includes(`Run for ${name}`));
    await page.fill('#e0-footer-text', 'taskhook');
  });

  await check(`${L}: counters count to Discord's limits`, async () => {
    assert((await page.locator('#f-content-count').textContent()).trim() === `${[...payload.content].length} / 2000`, 'content counter');
    assert((await page.locator('#e0-title-count').textContent()).trim() === '6 / 256', 'title counter');
    assert((await page.locator('#e0-f0-value-count').textContent()).trim() === '4 / 1024', 'field value counter');
    assert((await page.locator('#embeds-total-count').textContent()).includes('/ 6000'), 'total counter');
  });

  await check(`screenshot: the form with its preview at ${viewport.width}×${viewport.height}`, async () => {
    await quiet(page);
    // A whole-page capture would show the sticky action bar in mid-page.
    const unstick = await page.addStyleTag({ content: '.form-actions { position: static !important; }' });
    const file = path.join(SHOTS, `editor-${L}.png`);
    await page.screenshot({ path: file, fullPage: true });
    await unstick.evaluate((el) => el.remove());
    return path.relative(repo, file);
  });

  await check(`${L}: axe-core finds nothing serious on the form`, async () => {
    const v = await axeSerious(page);
    assert(v.length === 0, v.join(' | '));
  });

  await check(`${L}: Create task saves it; the API has the exact payload`, async () => {
    await page.getByRole('button', { name: 'Create task' }).click();
    await page.waitForFunction(() => /^#\/tasks\/[0-9a-f-]{36}$/.test(location.hash));
    id = (await page.evaluate(() => location.hash)).split('/')[2];
    cleanup.push(id);
    const t = (await api('GET', `/api/tasks/${id}`)).body;
    assert(t.name === name, `name ${t.name}`);
    assert(t.schedule === '0 10 * * *' && t.timezone === ZONE, `schedule ${t.schedule} ${t.timezone}`);
    assert(t.maxRetry === 3 && t.status === 'ACTIVE', `maxRetry ${t.maxRetry}, status ${t.status}`);
    assert(canonical(t.payload) === canonical(payload), `payload ${JSON.stringify(t.payload)}`);
    await page.locator('.task-head h1', { hasText: name }).waitFor();
    return id.slice(0, 8);
  });

  await check(`${L}: axe-core finds nothing serious on the task page`, async () => {
    await page.locator('#attempts-table').waitFor({ state: 'attached' });
    await page.locator('.task-head h1').waitFor();
    const v = await axeSerious(page);
    assert(v.length === 0, v.join(' | '));
  });

  await check(`${L}: the new task is in the list`, async () => {
    await page.goto(`${BASE}/dashboard#/?search=${encodeURIComponent(tag)}`);
    const row = page.locator(`#tasks-table tr[data-task-id="${id}"]`);
    await row.waitFor();
    assert((await row.locator('.task-link').textContent()).trim() === name, 'name in the list');
    assert((await row.locator('.cron').textContent()).trim() === '0 10 * * *', 'schedule in the list');
  });

  await check(`${L}: axe-core finds nothing serious on the list`, async () => {
    await page.locator('#chart-deliveries svg, #chart-deliveries .chart-loading').first().waitFor();
    const v = await axeSerious(page);
    assert(v.length === 0, v.join(' | '));
  });

  await check(`${L}: Edit: a new schedule shows its new fire times, then saves`, async () => {
    await page.locator(`#tasks-table tr[data-task-id="${id}"] .task-link`).click();
    await page.getByRole('button', { name: `Edit ${name}` }).click();
    await page.waitForFunction((x) => location.hash === `#/tasks/${x}/edit`, id);
    await until('the loaded form', async () => (await page.inputValue('#f-schedule')) === '0 10 * * *');
    assert((await page.inputValue('#f-webhook')) === '', 'the webhook field is not empty on edit');
    assert((await page.getAttribute('#f-webhook', 'placeholder')).includes('****'), 'the masked webhook is not shown');
    const next = await firstFire('30 7 * * 1', ZONE);
    await page.fill('#f-schedule', '30 7 * * 1');
    await until('the new first fire time', async () => (await page.locator('#fires-table tbody tr').first().getAttribute('data-at')) === next[0]);
    assert(/07:30.*Monday/.test(await page.locator('#f-schedule-words').textContent()), `words: ${await page.locator('#f-schedule-words').textContent()}`);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForFunction((x) => location.hash === `#/tasks/${x}`, id);
    const t = (await api('GET', `/api/tasks/${id}`)).body;
    assert(t.schedule === '30 7 * * 1', `the API says ${t.schedule}`);
    assert(t.nextRunAt === next[0], `nextRunAt ${t.nextRunAt}, expected ${next[0]}`);
    assert(canonical(t.payload) === canonical(payload), 'the payload changed on a schedule edit');
    return next[0];
  });

  await check(`${L}: an invalid cron shows the API's message under Schedule`, async () => {
    await page.getByRole('button', { name: `Edit ${name}` }).click();
    await until('the loaded form', async () => (await page.inputValue('#f-schedule')) === '30 7 * * 1');
    const bad = '61 * * * *';
    const fromPreview = (await api('GET', `/api/cron/preview?expression=${encodeURIComponent(bad)}&timezone=UTC`)).body.error.details[0].message;
    await page.fill('#f-schedule', bad);
    await until('the message under Schedule', async () => (await page.locator('#f-schedule-error .field-error-text').textContent()) === fromPreview);
    assert((await page.getAttribute('#f-schedule', 'aria-invalid')) === 'true', 'Schedule is not marked invalid');
    assert((await page.getAttribute('#f-schedule', 'aria-describedby')).includes('f-schedule-error'), 'the message is not tied to the field');
    const fromSave = (await api('PATCH', `/api/tasks/${id}`, { body: { schedule: bad } })).body.error.details.find((d) => d.field === 'schedule').message;
    await page.getByRole('button', { name: 'Save' }).click();
    await until('the save\'s message under Schedule', async () => (await page.locator('#f-schedule-error .field-error-text').textContent()) === fromSave);
    assert(await page.locator('#form-errors').isVisible(), 'no error summary');
    assert(await page.evaluate(() => document.activeElement.id === 'f-schedule'), 'the focus did not go to Schedule');
    return fromSave;
  });

  await check(`${L}: an unknown time zone shows the API's message under Time zone`, async () => {
    await page.fill('#f-schedule', '30 7 * * 1');
    const zone = 'Mars/Olympus';
    const want = (await api('GET', `/api/cron/preview?expression=${encodeURIComponent('30 7 * * 1')}&timezone=${encodeURIComponent(zone)}`)).body.error.details.find((d) => d.field === 'timezone').message;
    await page.fill('#f-timezone', zone);
    await until('the message under Time zone', async () => (await page.locator('#f-timezone-error .field-error-text').textContent()) === want);
    assert(await page.locator('#f-schedule-error').isHidden(), 'the schedule is blamed for the zone');
    await page.fill('#f-timezone', ZONE);
    await page.locator('#f-timezone-error').waitFor({ state: 'hidden' });
    return want;
  });

  await check(`${L}: an over-long embed field shows the API's message at that field`, async () => {
    const long = 'x'.repeat(1025);
    const probe = expectedPayload(L);
    probe.embeds[0].fields[0].value = long;
    const r = await api('POST', '/api/tasks', { body: { name: 'probe', schedule: '0 10 * * *', webhookUrl: WEBHOOK, payload: probe } });
    assert(r.status === 400, `the API took a 1025-character field value (${r.status})`);
    const want = r.body.error.details.find((d) => d.field === 'payload.embeds[0].fields[0].value');
    assert(want, `no detail for the field: ${r.text}`);
    await page.fill('#e0-f0-value', long);
    assert((await page.locator('#e0-f0-value-count').textContent()).includes('1 over the limit'), 'the counter does not say it is over');
    await page.getByRole('button', { name: 'Save' }).click();
    await until('the message at the field', async () => (await page.locator('#e0-f0-value-error .field-error-text').textContent()) === want.message);
    assert((await page.getAttribute('#e0-f0-value', 'aria-invalid')) === 'true', 'the field is not marked invalid');
    assert(await page.locator('#f-schedule-error').isHidden(), 'the old schedule message stayed');
    return want.message;
  });

  await check(`${L}: Send test now saves, runs and shows the attempt's outcome`, async () => {
    await page.fill('#e0-f0-value', 'Blue');
    await page.getByRole('button', { name: 'Send test now' }).click();
    const out = page.locator('#test-outcome [data-outcome="success"]');
    await out.waitFor({ timeout: 20000 });
    const text = await page.locator('#test-outcome').textContent();
    assert(/Delivered/.test(text) && /HTTP 2\d\d/.test(text), `outcome: ${text}`);
    const logs = (await api('GET', `/api/tasks/${id}/logs?limit=5`)).body.data;
    assert(logs.some((l) => l.trigger === 'manual' && l.status === 'SUCCESS'), 'the API has no manual success');
    return text.replace(/\s+/g, ' ').trim();
  });

  await check(`${L}: Escape leaves an unchanged form`, async () => {
    await page.locator('#f-name').focus();
    await page.keyboard.press('Escape');
    await page.waitForFunction((x) => location.hash === `#/tasks/${x}`, id);
  });

  await check(`${L}: Duplicate opens a copy that asks for the webhook again`, async () => {
    await page.getByRole('button', { name: `Duplicate ${name}` }).click();
    await until('the copy', async () => (await page.inputValue('#f-name')) === `${name} (copy)`);
    assert((await page.inputValue('#f-webhook')) === '', 'the webhook was copied');
    await page.fill('#f-webhook', WEBHOOK);
    await until('the JSON of the copy', async () => canonical(JSON.parse(await page.inputValue('#f-json'))) === canonical(payload));
    await page.getByRole('button', { name: 'Create task' }).click();
    await page.waitForFunction((x) => /^#\/tasks\/[0-9a-f-]{36}$/.test(location.hash) && !location.hash.includes(x), id);
    const copyId = (await page.evaluate(() => location.hash)).split('/')[2];
    cleanup.push(copyId);
    const t = (await api('GET', `/api/tasks/${copyId}`)).body;
    assert(canonical(t.payload) === canonical(payload) && t.schedule === '30 7 * * 1', 'the copy differs');
    return copyId.slice(0, 8);
  });

  await check(`${L}: Delete asks, naming the task; Escape keeps it; confirming deletes it`, async () => {
    await page.goto(`${BASE}/dashboard#/tasks/${id}`);
    await page.getByRole('button', { name: `Delete ${name}` }).click();
    const dlg = page.locator('dialog.confirm');
    await dlg.waitFor();
    assert((await dlg.locator('h2').textContent()) === `Delete “${name}”?`, `the dialog says ${await dlg.locator('h2').textContent()}`);
    await page.keyboard.press('Escape');
    await dlg.waitFor({ state: 'detached' });
    assert((await api('GET', `/api/tasks/${id}`)).status === 200, 'Escape deleted the task');
    await page.getByRole('button', { name: `Delete ${name}` }).click();
    await page.getByRole('button', { name: 'Delete task' }).click();
    await page.waitForFunction(() => location.hash === '#/');
    assert((await api('GET', `/api/tasks/${id}`)).status === 404, 'the API still has the task');
  });

  await context.close();
}

async function tenantOnly() {
  await check('tenant key: sees only its own tasks and creates one through the form', async () => {
    const tn = await api('POST', '/api/tenants', { body: { name: `editor-test ${tag}` } });
    assert(tn.status === 201, `POST /api/tenants answered ${tn.status}`);
    const tenantKey = tn.body.apiKey;
    const admins = await api('POST', '/api/tasks', { body: { name: `Admin only · ${tag}`, schedule: '0 10 * * *', webhookUrl: WEBHOOK, payload: { content: 'x' } } });
    cleanup.push(admins.body.id);
    const { context, page } = await newPage(browser, { width: 1366, height: 900 }, { label: 'tenant', timezoneId: ZONE });
    await login(page, tenantKey);
    await page.locator('#tasks .empty-state', { hasText: 'No tasks yet' }).waitFor();
    await page.getByRole('button', { name: 'New task' }).click();
    await page.locator('#task-form').waitFor();
    await page.fill('#f-name', `Tenant task · ${tag}`);
    await page.fill('#f-schedule', '0 9 * * *');
    await page.fill('#f-webhook', WEBHOOK);
    await page.fill('#f-content', 'from a tenant');
    await page.getByRole('button', { name: 'Create task' }).click();
    await page.waitForFunction(() => /^#\/tasks\/[0-9a-f-]{36}$/.test(location.hash));
    const tid = (await page.evaluate(() => location.hash)).split('/')[2];
    assert((await api('GET', `/api/tasks/${tid}`, { key: tenantKey })).status === 200, 'the tenant cannot read its task');
    assert((await api('GET', `/api/tasks/${tid}`)).status === 404, 'the admin key (default tenant) sees the tenant task');
    await page.goto(`${BASE}/dashboard#/`);
    await page.locator(`#tasks-table tr[data-task-id="${tid}"]`).waitFor();
    const ids = await page.locator('#tasks-table tbody tr[data-task-id]').evaluateAll((rs) => rs.map((r) => r.dataset.taskId));
    assert(ids.length === 1 && ids[0] === tid, `the tenant's list shows ${ids.length} tasks`);
    await page.goto(`${BASE}/dashboard#/tasks/${admins.body.id}/edit`);
    await page.locator('#page-title', { hasText: 'Task not found' }).waitFor();
    await context.close();
  });
}

async function leaveGuard() {
  await check('unsaved changes: leaving asks first; Keep editing keeps them, Discard leaves', async () => {
    const { context, page } = await newPage(browser, { width: 1366, height: 900 }, { label: 'guard', timezoneId: ZONE });
    await login(page, KEY);
    await page.getByRole('button', { name: 'New task' }).click();
    await page.locator('#task-form').waitFor();
    await page.fill('#f-name', 'Half-made');
    await page.getByRole('link', { name: 'All tasks' }).click();
    const dlg = page.locator('dialog.confirm');
    await dlg.locator('h2', { hasText: 'Discard your changes?' }).waitFor();
    await page.getByRole('button', { name: 'Keep editing' }).click();
    await dlg.waitFor({ state: 'detached' });
    assert((await page.evaluate(() => location.hash)) === '#/tasks/new', 'the address moved on');
    assert((await page.inputValue('#f-name')) === 'Half-made', 'the form lost what was typed');
    await page.locator('#f-name').focus();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Discard changes' }).click();
    await page.waitForFunction(() => location.hash === '#/');
    await page.locator('#tasks-table').waitFor();
    await context.close();
  });
}

async function keyboardOnly() {
  await check('keyboard only: Tab to New task, fill, Enter creates; focus is visible', async () => {
    const { context, page } = await newPage(browser, { width: 1366, height: 900 }, { label: 'keyboard', timezoneId: ZONE });
    await login(page, KEY);
    await page.locator('#tasks-table').waitFor();
    const focused = () => page.evaluate(() => document.activeElement && (document.activeElement.id || document.activeElement.textContent.trim().slice(0, 20)));
    const tabTo = async (id, max = 80) => {
      for (let i = 0; i < max; i++) {
        if ((await focused()) === id) return;
        await page.keyboard.press('Tab');
      }
      throw new Error(`Tab never reached #${id}`);
    };
    const outline = () => page.evaluate(() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1; });
    await page.evaluate(() => document.activeElement?.blur?.());
    await tabTo('new-task');
    assert(await outline(), 'no visible focus on New task');
    await page.keyboard.press('Enter');
    await page.locator('#task-form').waitFor();
    assert((await focused()) === 'f-name', 'the form did not put the focus on Name');
    const name = `Keyboard task · ${tag}`;
    await page.keyboard.type(name);
    await page.keyboard.press('Tab');
    assert((await focused()) === 'f-schedule', `Tab from Name went to ${await focused()}`);
    await page.keyboard.type('15 8 * * *');
    assert(await outline(), 'no visible focus on Schedule');
    await tabTo('f-webhook');
    await page.keyboard.type(WEBHOOK);
    await tabTo('f-content');
    await page.keyboard.type('typed by keyboard');
    await tabTo('f-username');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /^#\/tasks\/[0-9a-f-]{36}$/.test(location.hash));
    const id = (await page.evaluate(() => location.hash)).split('/')[2];
    cleanup.push(id);
    const t = (await api('GET', `/api/tasks/${id}`)).body;
    assert(t.name === name && t.schedule === '15 8 * * *' && t.payload.content === 'typed by keyboard', `the API has ${JSON.stringify(t).slice(0, 160)}`);
    await context.close();
    return id.slice(0, 8);
  });
}

try {
  await runAt({ width: 1366, height: 900 }, { label: 'laptop' });
  await runAt({ width: 390, height: 844 }, { label: 'phone', mobile: true, dpr: 2 });
  await tenantOnly();
  await leaveGuard();
  await keyboardOnly();
  await check('no uncaught errors in the page; the key never in a URL', async () => {
    assert(pageErrors.length === 0, pageErrors.slice(0, 3).join(' | '));
    assert(keyLeaks.length === 0, `key in ${keyLeaks[0]}`);
  });
} catch (e) {
  fail(`the test stopped: ${String(e.message).split('\n')[0]}`);
} finally {
  await browser.close().catch(() => {});
  for (const id of cleanup) await api('DELETE', `/api/tasks/${id}`).catch(() => {});
  await sleep(0);
}
finish();
