// The taskhook operator dashboard: login, overview (#/), task page
// (#/tasks/<id>) and the task form (#/tasks/new, #/tasks/<id>/edit,
// #/tasks/new?from=<id>). Polls every 5 s while the tab is visible.

import { auth, get, post, del, clock, ApiError } from './api.js';
import { LogStream } from './stream.js';
import { deliveriesChart, latenessChart, OUTCOME_LABELS } from './charts.js';
import { clusterBody } from './cluster.js';
import { taskEditor } from './editor.js';
import { confirmDialog } from './confirm_dialog.js';
import {
  h, s, $, $all, replace, debounce, fmtInt, fmtPct, fmtMs, fmtRel, fmtAbs, relTime, parseTime, isUuid,
} from './util.js';

const POLL_MS = 5000;
const PAGE_SIZE = 20;
const LOG_PAGE_SIZE = 20;
const TASK_STATUSES = ['ACTIVE', 'INACTIVE', 'FAILED'];
const STATUS_TEXT = { ACTIVE: 'Active', INACTIVE: 'Inactive', FAILED: 'Failed' };

// -- state -----------------------------------------------------------------------
const stream = new LogStream();
let state;
function resetState() {
  state = {
    admin: null,            // true: the admin key; false: a tenant key; null: not known yet
    stats: null,
    tasksQuery: { status: '', search: '', page: 1 },
    tasksPage: null,
    tasksSeq: 0,
    failures: null,
    actors: null,
    cluster: null,          // GET /api/admin/cluster, the last view that loaded
    clusterAt: null,        // when it loaded (this browser's clock)
    clusterError: '',       // why the last refresh failed; '' when it did not
    clusterAbsent: false,   // the server has no such route: no panel
    names: new Map(),       // taskId → name (for log rows, which carry only the id)
    nameLookups: new Set(),
    lastLog: new Map(),     // taskId → { lastRunAt, log } for tasks the stream has not seen
    lastLogLookups: new Set(),
    pendingRuns: new Map(), // taskId → { scheduledFor, at }
    busy: new Set(),        // "<id>:toggle" | "<id>:run"
    task: null,             // the task page: { id, data, missing, logs, logsQuery, preview }
    conn: 'ok',
    connDetail: '',
    updatedAt: null,
    limitedUntil: 0,
  };
}
resetState();

let ui = {};            // elements of the current view
let route = { name: 'none' };
let editor = null;      // the task form, while it is the view
let overviewScroll = 0;

// -- small building blocks -------------------------------------------------------
const ICONS = {
  pause: 'M7 5h3.5v14H7zM13.5 5H17v14h-3.5z',
  play: 'M8 5.5v13l10.5-6.5z',
  bolt: 'M13 2 4.5 13.5H11L10 22l8.5-11.5H12z',
  back: 'M15.5 5 8.5 12l7 7',
  logout: 'M15 4h3.5A1.5 1.5 0 0 1 20 5.5v13a1.5 1.5 0 0 1-1.5 1.5H15M10 16l4-4-4-4M14 12H4',
  search: 'M10.5 4a6.5 6.5 0 1 0 0 13 6.5 6.5 0 0 0 0-13zM20 20l-4.7-4.7',
  x: 'M6 6l12 12M18 6 6 18',
  plus: 'M12 5v14M5 12h14',
  edit: 'M4 20h4L19 9l-4-4L4 16zM13.5 6.5l4 4',
  copy: 'M9 9h10v10H9zM5 15V5h10',
  trash: 'M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13',
};
function icon(name, cls = 'icon') {
  const filled = name === 'pause' || name === 'play' || name === 'bolt';
  return s('svg', { class: `${cls} ${filled ? 'filled' : 'stroked'}`, viewBox: '0 0 24 24', 'aria-hidden': 'true', focusable: 'false' },
    s('path', { d: ICONS[name] }));
}
const spinner = () => h('span', { class: 'spinner', 'aria-hidden': 'true' });

function badge(status, extra = '') {
  const text = STATUS_TEXT[status] || OUTCOME_LABELS[status] || status;
  return h('span', { class: `badge ${String(status).toLowerCase()} ${extra}`, dataset: { status } }, text);
}

function panel({ title, sub, tools, body, cls = '', id, level = 'h2' }) {
  return h('section', { class: `panel ${cls}`, id, 'aria-labelledby': id ? `${id}-title` : undefined },
    h('header', { class: 'panel-head' },
      h('div', { class: 'panel-titles' },
        h(level, { class: 'panel-title', id: id ? `${id}-title` : undefined }, title),
        sub ? h('p', { class: 'panel-sub' }, sub) : null),
      tools ? h('div', { class: 'panel-tools' }, tools) : null),
    body);
}

/** Sets el's content only when sig changed: keeps focus and avoids churn. */
function patch(el, sig, build) {
  if (el.dataset.sig === sig) return;
  el.dataset.sig = sig;
  replace(el, build());
}

function segmented(name, label, options, value, onChange) {
  const wrap = h('fieldset', { class: 'segmented' }, h('legend', { class: 'sr-only' }, label));
  for (const [val, text] of options) {
    const id = `${name}-${val || 'all'}`;
    const input = h('input', { type: 'radio', name, id, value: val, class: 'sr-only' });
    input.checked = val === value;
    input.addEventListener('change', () => { if (input.checked) onChange(val); });
    wrap.append(input, h('label', { for: id }, text));
  }
  return wrap;
}

function pager(meta, onPage, what) {
  if (!meta) return h('div', { class: 'pager' });
  const { page, totalPages, total, limit } = meta;
  const first = total ? (page - 1) * limit + 1 : 0;
  const last = Math.min(total, page * limit);
  return h('nav', { class: 'pager', 'aria-label': `${what} pages` },
    h('span', { class: 'pager-info' }, total ? `${fmtInt(first)}–${fmtInt(last)} of ${fmtInt(total)}` : `No ${what}`),
    h('div', { class: 'pager-buttons' },
      h('button', { type: 'button', class: 'btn ghost small', disabled: page <= 1, onclick: () => onPage(page - 1), 'aria-label': 'Previous page' }, '‹ Previous'),
      h('span', { class: 'pager-page', 'aria-live': 'polite' }, `Page ${fmtInt(page)} of ${fmtInt(Math.max(1, totalPages))}`),
      h('button', { type: 'button', class: 'btn ghost small', disabled: page >= totalPages, onclick: () => onPage(page + 1), 'aria-label': 'Next page' }, 'Next ›')));
}

// -- toasts ----------------------------------------------------------------------
function toast(message, { kind = 'ok', detail, timeout } = {}) {
  const box = $('#toasts');
  const el = h('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status' });
  const close = () => { el.classList.add('leaving'); setTimeout(() => el.remove(), 180); };
  el.append(
    h('div', { class: 'toast-body' }, h('strong', null, message), detail ? h('div', { class: 'toast-detail' }, detail) : null),
    h('button', { type: 'button', class: 'toast-close', 'aria-label': 'Dismiss', onclick: close }, icon('x')));
  box.append(el);
  while (box.children.length > 4) box.firstElementChild.remove();
  setTimeout(close, timeout ?? (kind === 'error' ? 9000 : 4000));
}
function toastError(what, e) {
  if (e && e.status === 401) return; // the login says it
  toast(what, { kind: 'error', detail: e && e.message ? e.message : String(e) });
}

// -- login -----------------------------------------------------------------------
function showLogin(message, kind = 'error') {
  stopPolling();
  if (editor) { editor.stop(); editor = null; }
  stream.reset();
  resetState();
  ui = {};
  route = { name: 'none' };
  $('#shell').hidden = true;
  $('#login').hidden = false;
  const msg = $('#login-message');
  msg.textContent = message || '';
  msg.className = `login-message ${message ? kind : ''}`;
  const input = $('#login-key');
  input.value = '';
  $('#login-submit').disabled = false;
  $('#login-submit').textContent = 'Sign in';
  document.title = 'Sign in · taskhook';
  input.focus();
}

async function onLogin(ev) {
  ev.preventDefault();
  const input = $('#login-key');
  const key = input.value.trim();
  const msg = $('#login-message');
  if (!key) { msg.textContent = 'Enter an API key.'; msg.className = 'login-message error'; input.focus(); return; }
  const btn = $('#login-submit');
  btn.disabled = true;
  btn.textContent = 'Checking…';
  msg.textContent = '';
  msg.className = 'login-message';
  auth.use(key);
  try {
    const stats = await get('/api/dashboard/stats', null, { quiet401: true });
    auth.save(key, $('#login-remember').checked);
    input.value = '';
    startApp(stats);
  } catch (e) {
    auth.clear();
    msg.className = 'login-message error';
    msg.textContent = e.status === 401 ? 'That API key was not accepted. Check it and try again.'
      : e.status === 0 ? 'Could not reach the service. Check the connection and try again.'
        : e.status === 429 ? `Too many requests; try again in ${e.retryAfter || 60} s.`
          : e.message;
    btn.disabled = false;
    btn.textContent = 'Sign in';
    input.focus();
    input.select();
  }
}

function logout() {
  auth.clear();
  showLogin('You are signed out. The key was removed from this browser.', 'info');
}

auth.onUnauthorized(() => {
  if (!auth.key) return;
  auth.clear();
  showLogin('The API key is no longer accepted (401). Sign in again.');
});
auth.onRateLimited((e) => {
  state.limitedUntil = Date.now() + (e.retryAfter || 10) * 1000;
});

// -- the app shell ---------------------------------------------------------------
function startApp(stats) {
  resetState();
  if (stats) state.stats = stats;
  $('#login').hidden = true;
  $('#shell').hidden = false;
  renderHeader();
  renderRoute(true);
  detectAdmin();
  startPolling();
}

function renderHeader() {
  const head = $('#topbar');
  replace(head,
    h('a', { class: 'brand', href: '#/' },
      h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, s('svg', { viewBox: '0 0 32 32' },
        s('path', { d: 'M9 8h14M16 8v10a5 5 0 1 0 5 5', class: 'mark-stroke' }))),
      h('span', { class: 'brand-name' }, 'taskhook'),
      h('span', { class: 'brand-sub' }, 'operator dashboard'),
      h('span', { class: 'sr-only' }, ', overview')),
    h('div', { class: 'topbar-right' },
      ui.conn = h('div', { class: 'conn', role: 'status', 'aria-live': 'polite' }),
      ui.keyKind = h('span', { class: 'key-kind', hidden: true }, 'admin key'),
      h('button', { type: 'button', class: 'btn ghost', id: 'logout', 'aria-label': 'Log out', title: 'Log out and forget the key', onclick: logout }, icon('logout'), h('span', { class: 'btn-label' }, 'Log out'))));
  renderConn();
}

function renderConn() {
  if (!ui.conn) return;
  const now = Date.now();
  let cls = 'live';
  let text = 'Live';
  if (document.hidden) { cls = 'paused'; text = 'Paused'; }
  else if (state.limitedUntil > now) { cls = 'warn'; text = `Rate limited · ${Math.ceil((state.limitedUntil - now) / 1000)} s`; }
  else if (state.conn === 'offline') { cls = 'bad'; text = 'Offline · retrying'; }
  else if (state.conn === 'error') { cls = 'warn'; text = 'Server error · retrying'; }
  const when = state.updatedAt ? ` · updated ${fmtRel(state.updatedAt, now)}` : '';
  ui.conn.className = `conn ${cls}`;
  ui.conn.title = state.connDetail || '';
  patch(ui.conn, cls + text + when, () => [h('span', { class: 'conn-dot', 'aria-hidden': 'true' }), h('span', { class: 'conn-text' }, text), h('span', { class: 'conn-when' }, when)]);
  if (ui.keyKind) ui.keyKind.hidden = state.admin !== true;
}

async function detectAdmin() {
  // Rejections are left to the next poll, which asks again.
  await Promise.allSettled([loadActors(), loadCluster()]);
  renderConn();
  renderActors();
  renderCluster();
}

// -- routing ---------------------------------------------------------------------
function parseRoute() {
  const raw = location.hash.replace(/^#/, '');
  const [path, qs] = raw.split('?');
  const params = new URLSearchParams(qs || '');
  if (/^\/tasks\/new\/?$/.test(path || '')) {
    const from = params.get('from');
    return from && isUuid(from) ? { name: 'editor', mode: 'duplicate', id: from.toLowerCase(), params } : { name: 'editor', mode: 'new', params };
  }
  const e = /^\/tasks\/([^/]+)\/edit\/?$/.exec(path || '');
  if (e && isUuid(e[1])) return { name: 'editor', mode: 'edit', id: e[1].toLowerCase(), params };
  const m = /^\/tasks\/([^/]+)\/?$/.exec(path || '');
  if (m && isUuid(m[1])) return { name: 'task', id: m[1].toLowerCase(), params };
  return { name: 'overview', params };
}

function renderRoute(initial = false) {
  const next = parseRoute();
  if (route.name === 'overview') overviewScroll = window.scrollY;
  const same = route.name === next.name && route.id === next.id;
  route = next;
  ui.charts = null;
  if (editor) { editor.stop(); editor = null; }
  const view = $('#view');
  if (next.name === 'editor') {
    ui = { conn: ui.conn, keyKind: ui.keyKind };
    editor = taskEditor({ mode: next.mode, id: next.id, app: editorApp });
    replace(view, editor.element);
    window.scrollTo(0, 0);
    refreshNow();
    return; // the form puts the focus on its first field
  } else if (next.name === 'task') {
    if (!state.task || state.task.id !== next.id) {
      state.task = { id: next.id, data: null, missing: false, logs: null, logsQuery: { status: '', page: 1 }, preview: null, seq: 0 };
    }
    replace(view, taskView());
    renderTask();
    window.scrollTo(0, 0);
  } else {
    const p = next.params;
    const status = (p.get('status') || '').toUpperCase();
    const q = {
      status: TASK_STATUSES.includes(status) ? status : '',
      search: p.get('search') || '',
      page: Math.max(1, parseInt(p.get('page') || '1', 10) || 1),
    };
    const changed = JSON.stringify(q) !== JSON.stringify(state.tasksQuery);
    state.tasksQuery = q;
    if (changed) state.tasksPage = null;
    document.title = 'taskhook · dashboard';
    replace(view, overviewView());
    renderOverview();
    window.scrollTo(0, same ? window.scrollY : overviewScroll);
  }
  if (!initial) $('#page-title')?.focus({ preventScroll: true });
  refreshNow();
}

window.addEventListener('hashchange', async (ev) => {
  if (!auth.key || $('#shell').hidden) return;
  if (editor && !(await editorMayLeave(ev))) return;
  renderRoute();
});

// A link away from a form with unsaved changes asks first; "Keep editing" puts
// the address back without drawing the form again.
let askingToLeave = false;
async function editorMayLeave(ev) {
  if (askingToLeave) return false;
  const to = location.href;
  const form = editor;
  history.replaceState(null, '', ev.oldURL);
  askingToLeave = true;
  const ok = await form.mayLeave();
  askingToLeave = false;
  if (!ok || editor !== form) return false;
  history.replaceState(null, '', to);
  return true;
}

function setOverviewQuery(patchQ) {
  Object.assign(state.tasksQuery, patchQ);
  const q = state.tasksQuery;
  const p = new URLSearchParams();
  if (q.status) p.set('status', q.status);
  if (q.search) p.set('search', q.search);
  if (q.page > 1) p.set('page', String(q.page));
  const qs = p.toString();
  history.replaceState(null, '', `#/${qs ? `?${qs}` : ''}`);
  loadTasks().then(renderTasks, () => {});
  renderTasks();
}

// -- polling ---------------------------------------------------------------------
let pollTimer = null;
let polling = false;
let running = false;
let again = false;

function startPolling() { polling = true; schedulePoll(0); }
function stopPolling() { polling = false; clearTimeout(pollTimer); }
function schedulePoll(ms) { clearTimeout(pollTimer); if (polling) pollTimer = setTimeout(poll, ms); }
function refreshNow() { if (polling) schedulePoll(0); }

async function poll() {
  if (!polling || !auth.key) return;
  if (document.hidden) { renderConn(); return; } // visibilitychange resumes
  const wait = state.limitedUntil - Date.now();
  if (wait > 0) { renderConn(); schedulePoll(Math.min(wait, 1000)); return; }
  if (running) { again = true; return; }
  running = true;
  const key = auth.key;
  try {
    const jobs = [stream.refresh()];
    if (route.name === 'overview') jobs.push(loadStats(), loadTasks(), loadFailures(), loadActors(), loadCluster());
    if (route.name === 'task') jobs.push(loadTask().then(loadPreview), loadTaskLogs());
    const results = await Promise.allSettled(jobs);
    if (auth.key !== key) return;
    const errors = results.filter((r) => r.status === 'rejected').map((r) => r.reason);
    const net = errors.find((e) => e && e.status === 0);
    const srv = errors.find((e) => e && e.status >= 500);
    state.conn = net ? 'offline' : srv ? 'error' : 'ok';
    state.connDetail = (net || srv || {}).message || '';
    if (!errors.length) state.updatedAt = Date.now();
    for (const e of errors) if (e && !(e instanceof ApiError)) console.error(e);
    renderAll();
  } finally {
    running = false;
    if (polling && auth.key === key) schedulePoll(again ? 0 : POLL_MS);
    again = false;
  }
}

document.addEventListener('visibilitychange', () => {
  renderConn();
  if (!document.hidden && polling) refreshNow();
});

// 1 s ticker: relative times and the "updated" note.
setInterval(() => {
  if (document.hidden || $('#shell').hidden) return;
  const now = clock.now();
  for (const el of $all('[data-rel]')) {
    const ms = Number(el.dataset.rel);
    const text = el.dataset.future !== undefined && ms <= now ? 'now' : fmtRel(ms, now);
    if (el.textContent !== text) el.textContent = text;
  }
  renderConn();
}, 1000);

// -- loaders ---------------------------------------------------------------------
async function loadStats() { state.stats = await get('/api/dashboard/stats'); }

async function loadTasks() {
  const seq = ++state.tasksSeq;
  const q = state.tasksQuery;
  const page = await get('/api/tasks', { page: q.page, limit: PAGE_SIZE, status: q.status, search: q.search });
  if (seq !== state.tasksSeq) return;
  if (page.meta.totalPages > 0 && q.page > page.meta.totalPages) {
    // The page emptied (tasks deleted or filtered away): show the last one.
    setOverviewQuery({ page: page.meta.totalPages });
    return;
  }
  state.tasksPage = page;
  for (const t of page.data) state.names.set(t.id, t.name);
  lookupLastLogs(page.data);
}

async function loadFailures() {
  const res = await get('/api/logs', { status: 'FAILED', limit: 10 });
  state.failures = res.data;
  lookupNames(res.data.map((l) => l.taskId));
}

async function loadActors() {
  if (state.admin === false) return;
  try {
    state.actors = await get('/api/admin/actors');
    state.admin = true;
  } catch (e) {
    // 403: not the admin key. 404: a server without the route. Either way no panel.
    if (e.status === 403 || e.status === 404) { state.admin = false; state.actors = null; return; }
    throw e;
  }
}

async function loadCluster() {
  if (state.admin === false || state.clusterAbsent) return;
  try {
    state.cluster = await get('/api/admin/cluster');
    state.clusterAt = Date.now();
    state.clusterError = '';
    state.admin = true;
  } catch (e) {
    // 403: not the admin key (no admin panels). 404: a server without the route.
    if (e.status === 403) { state.admin = false; state.cluster = null; return; }
    if (e.status === 404) { state.clusterAbsent = true; state.cluster = null; return; }
    // 503, a timeout, no network: keep the last view and say it is stale.
    state.clusterError = String((e && e.message) || e).replace(/[.\s]+$/, '');
    throw e;
  }
}

/** Names of tasks in log rows that are not on the current page. */
function lookupNames(ids) {
  for (const id of new Set(ids)) {
    if (state.names.has(id) || state.nameLookups.has(id)) continue;
    state.nameLookups.add(id);
    get(`/api/tasks/${id}`).then((t) => { state.names.set(id, t.name); },
      (e) => { if (e.status === 404) state.names.set(id, null); })
      .finally(() => { state.nameLookups.delete(id); renderFailures(); renderActors(); });
  }
}

/** The newest log of tasks the stream has not seen (their last run was over an hour ago). */
function lookupLastLogs(tasks) {
  for (const t of tasks) {
    if (stream.lastByTask.has(t.id) || !stream.ready) continue;
    const have = state.lastLog.get(t.id);
    if (have && have.lastRunAt === t.lastRunAt) continue;
    if (!t.lastRunAt) { state.lastLog.set(t.id, { lastRunAt: null, log: null }); continue; }
    if (state.lastLogLookups.has(t.id)) continue;
    state.lastLogLookups.add(t.id);
    get('/api/logs', { taskId: t.id, limit: 1 })
      .then((r) => { state.lastLog.set(t.id, { lastRunAt: t.lastRunAt, log: r.data[0] || null }); })
      .catch(() => {})
      .finally(() => { state.lastLogLookups.delete(t.id); renderTasks(); });
  }
}

async function loadTask() {
  const tk = state.task;
  if (!tk) return;
  try {
    const t = await get(`/api/tasks/${tk.id}`);
    if (state.task !== tk) return;
    delete t.logs;
    tk.data = t;
    tk.missing = false;
    state.names.set(t.id, t.name);
  } catch (e) {
    if (e.status === 404 && state.task === tk) { tk.missing = true; return; }
    throw e;
  }
}

async function loadTaskLogs() {
  const tk = state.task;
  if (!tk || tk.missing) return;
  const seq = ++tk.seq;
  const q = tk.logsQuery;
  try {
    const res = await get(`/api/tasks/${tk.id}/logs`, { page: q.page, limit: LOG_PAGE_SIZE, status: q.status, to: q.to });
    if (state.task === tk && seq === tk.seq) tk.logs = res;
  } catch (e) {
    if (e.status === 404) return;
    throw e;
  }
}

async function loadPreview() {
  const tk = state.task;
  const t = tk && tk.data;
  if (!t) return;
  const key = `${t.schedule}|${t.timezone}`;
  const first = tk.preview && tk.preview.next[0] ? Date.parse(tk.preview.next[0]) : 0;
  if (tk.preview && tk.previewKey === key && first > clock.now()) return;
  try {
    tk.preview = await get('/api/cron/preview', { expression: t.schedule, timezone: t.timezone, count: 5 });
    tk.previewKey = key;
  } catch { tk.preview = null; }
}

stream.onChange(() => {
  // Manual runs are done once a row of theirs is not RETRYING.
  for (const [id, run] of state.pendingRuns) {
    const last = stream.lastByTask.get(id);
    if ((last && last.sf === run.scheduledFor && last.status !== 'RETRYING') || Date.now() - run.at > 120e3) {
      state.pendingRuns.delete(id);
    }
  }
  if (state.tasksPage) lookupLastLogs(state.tasksPage.data);
  renderCharts();
  renderTasks();
});

// -- actions ---------------------------------------------------------------------
async function toggleTask(task) {
  const k = `${task.id}:toggle`;
  if (state.busy.has(k)) return;
  state.busy.add(k);
  renderTaskActions();
  const pausing = task.status === 'ACTIVE';
  try {
    const t = await post(`/api/tasks/${task.id}/toggle`);
    applyTask(t);
    toast(`“${t.name}” ${t.status === 'ACTIVE' ? 'is active again' : 'is paused'}`, {
      detail: t.status === 'ACTIVE' && t.nextRunAt ? `Next run ${fmtRel(parseTime(t.nextRunAt), clock.now())}.` : 'It will not fire until resumed.',
    });
    loadStats().then(renderCards, () => {});
  } catch (e) {
    toastError(`Could not ${pausing ? 'pause' : 'resume'} “${task.name}”`, e);
  } finally {
    state.busy.delete(k);
    renderAll();
  }
}

async function runTask(task) {
  const k = `${task.id}:run`;
  if (state.busy.has(k)) return;
  state.busy.add(k);
  renderTaskActions();
  try {
    const r = await post(`/api/tasks/${task.id}/run`);
    state.pendingRuns.set(task.id, { scheduledFor: r.scheduledFor, at: Date.now() });
    toast(`Run started for “${task.name}”`, { detail: 'The result appears under Last result in a few seconds.' });
    setTimeout(refreshNow, 1200);
  } catch (e) {
    toastError(`Could not run “${task.name}”`, e);
  } finally {
    state.busy.delete(k);
    renderAll();
  }
}

function manageButtons(task) {
  return [
    h('button', { type: 'button', class: 'btn secondary', dataset: { action: 'edit' }, 'aria-label': `Edit ${task.name}`, onclick: () => { location.hash = `#/tasks/${task.id}/edit`; } }, icon('edit'), h('span', null, 'Edit')),
    h('button', { type: 'button', class: 'btn secondary', dataset: { action: 'duplicate' }, 'aria-label': `Duplicate ${task.name}`, onclick: () => { location.hash = `#/tasks/new?from=${task.id}`; } }, icon('copy'), h('span', null, 'Duplicate')),
    h('button', { type: 'button', class: 'btn secondary danger', dataset: { action: 'delete' }, 'aria-label': `Delete ${task.name}`, onclick: () => deleteTask(task) }, icon('trash'), h('span', null, 'Delete')),
  ];
}

async function deleteTask(task) {
  const ok = await confirmDialog({
    title: `Delete “${task.name}”?`,
    body: 'It stops firing at once and leaves the task list. This cannot be undone here.',
    confirmLabel: 'Delete task', danger: true,
  });
  if (!ok) return;
  try {
    await del(`/api/tasks/${task.id}`);
    if (editor) editor.forget();
    state.names.set(task.id, null);
    state.tasksPage = null;
    toast(`Deleted “${task.name}”`);
    loadStats().then(renderCards, () => {});
    location.hash = '#/';
  } catch (e) {
    toastError(`Could not delete “${task.name}”`, e);
  }
}

// What the task form asks of the page around it.
const editorApp = {
  toast,
  toastError,
  onDelete: deleteTask,
  leave(hash) { location.hash = hash; },
  onSaved(t, { created, stay }) {
    applyTask(t);
    state.tasksPage = null;
    if (state.task && state.task.id === t.id) state.task.preview = null;
    if (stay) return;
    toast(created ? `Created “${t.name}”` : `Saved “${t.name}”`, {
      detail: t.status === 'ACTIVE' && t.nextRunAt ? `Next run ${fmtRel(parseTime(t.nextRunAt), clock.now())}.` : 'It does not fire until it is resumed.',
    });
    location.hash = `#/tasks/${t.id}`;
  },
};

function applyTask(t) {
  state.names.set(t.id, t.name);
  if (state.tasksPage) {
    const i = state.tasksPage.data.findIndex((x) => x.id === t.id);
    if (i >= 0) state.tasksPage.data[i] = t;
  }
  if (state.task && state.task.id === t.id) state.task.data = t;
}

function actionButtons(task, cls = 'small') {
  const tb = state.busy.has(`${task.id}:toggle`);
  const rb = state.busy.has(`${task.id}:run`);
  const active = task.status === 'ACTIVE';
  const toggle = h('button', {
    type: 'button', class: `btn ${cls} ${active ? 'secondary' : 'accent'}`, dataset: { action: 'toggle' },
    'aria-busy': tb ? 'true' : undefined, 'aria-disabled': tb ? 'true' : undefined,
    'aria-label': `${active ? 'Pause' : 'Resume'} ${task.name}`,
    onclick: () => toggleTask(task),
  }, tb ? spinner() : icon(active ? 'pause' : 'play'), h('span', null, tb ? (active ? 'Pausing…' : 'Resuming…') : (active ? 'Pause' : 'Resume')));
  const run = h('button', {
    type: 'button', class: `btn ${cls} secondary`, dataset: { action: 'run' },
    'aria-busy': rb ? 'true' : undefined, 'aria-disabled': rb ? 'true' : undefined, disabled: !active,
    title: active ? 'Fire once now, outside the schedule' : 'Only an active task can run; resume it first',
    'aria-label': `Run now: ${task.name}`,
    onclick: () => runTask(task),
  }, rb ? spinner() : icon('bolt'), h('span', null, rb ? 'Starting…' : 'Run now'));
  return [toggle, run];
}

// -- overview --------------------------------------------------------------------
function overviewView() {
  ui = { conn: ui.conn, keyKind: ui.keyKind, rows: new Map() };
  ui.cards = h('section', { class: 'cards', 'aria-label': 'Counts' });
  ui.deliveries = h('div', { class: 'chart', id: 'chart-deliveries' });
  ui.deliveriesLegend = h('div', { class: 'legend' });
  ui.lateness = h('div', { class: 'chart', id: 'chart-lateness' });
  ui.latenessLegend = h('div', { class: 'legend' });
  ui.chartNote = h('p', { class: 'chart-note', hidden: true });

  const search = h('input', {
    type: 'search', id: 'task-search', placeholder: 'Search by name', autocomplete: 'off', spellcheck: 'false',
    value: state.tasksQuery.search, 'aria-controls': 'tasks-table',
  });
  search.value = state.tasksQuery.search;
  const onSearch = debounce(() => setOverviewQuery({ search: search.value.trim(), page: 1 }), 300);
  search.addEventListener('input', onSearch);
  search.addEventListener('keydown', (e) => { if (e.key === 'Escape' && search.value) { search.value = ''; onSearch(); } });

  ui.tasksCount = h('span', { class: 'count' });
  ui.statusFilter = segmented('task-status', 'Status', [['', 'All'], ['ACTIVE', 'Active'], ['INACTIVE', 'Inactive'], ['FAILED', 'Failed']],
    state.tasksQuery.status, (v) => setOverviewQuery({ status: v, page: 1 }));
  ui.tbody = h('tbody');
  ui.tasksEmpty = h('div', { class: 'empty-state', hidden: true });
  ui.tasksPager = h('div');
  ui.failures = h('div', { class: 'failures' });
  ui.actorsBody = h('div', { class: 'actors' });
  ui.actorsPanel = panel({ id: 'actors', title: 'Runtime', sub: 'actor system · admin only', body: ui.actorsBody, cls: 'actors-panel' });
  ui.actorsPanel.hidden = state.admin !== true;
  ui.clusterBody = h('div', { class: 'cluster' });
  ui.clusterPanel = panel({ id: 'cluster', title: 'Cluster', sub: 'nodes and partition leases · admin only', body: ui.clusterBody, cls: 'cluster-panel' });
  ui.clusterPanel.hidden = state.admin !== true || state.clusterAbsent;

  return h('div', { class: 'overview' },
    h('h1', { class: 'sr-only', id: 'page-title', tabindex: '-1' }, 'Overview'),
    ui.cards,
    h('div', { class: 'grid grid-charts' },
      panel({ id: 'deliveries', title: 'Deliveries per minute', sub: 'last 60 minutes, by outcome', tools: ui.deliveriesLegend, body: [ui.deliveries, ui.chartNote], cls: 'chart-panel wide' }),
      panel({ id: 'lateness', title: 'Fire lateness', sub: 'scheduled fires, first attempt: executed − due', tools: ui.latenessLegend, body: ui.lateness, cls: 'chart-panel' })),
    h('div', { class: 'grid grid-main' },
      panel({
        id: 'tasks', title: h('span', null, 'Tasks ', ui.tasksCount), cls: 'tasks-panel wide',
        tools: h('div', { class: 'toolbar' },
          h('div', { class: 'search' }, h('label', { for: 'task-search', class: 'sr-only' }, 'Search tasks by name'), icon('search', 'icon search-icon'), search),
          ui.statusFilter,
          h('button', { type: 'button', class: 'btn primary', id: 'new-task', onclick: () => { location.hash = '#/tasks/new'; } }, icon('plus'), 'New task')),
        body: [
          h('div', { class: 'table-wrap' }, h('table', { class: 'table tasks', id: 'tasks-table' },
            h('thead', null, h('tr', null,
              h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'Schedule'),
              h('th', { scope: 'col' }, 'Next run'), h('th', { scope: 'col' }, 'Last result'), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')))),
            ui.tbody)),
          ui.tasksEmpty, ui.tasksPager],
      }),
      h('div', { class: 'side' },
        panel({ id: 'failures', title: 'Recent failures', sub: 'the last 10 attempts that failed for good', body: ui.failures }),
        ui.clusterPanel,
        ui.actorsPanel)));
}

function renderOverview() {
  renderCards();
  renderCharts();
  renderTasks();
  renderFailures();
  renderCluster();
  renderActors();
}

function card({ label, short, value, sub, cls = '', status, meter }) {
  const inner = [
    h('span', { class: 'card-label' }, short
      ? [h('span', { class: 'long' }, label), h('span', { class: 'short', 'aria-hidden': 'true' }, short)] : label),
    h('span', { class: 'card-value' }, value),
    sub ? h('span', { class: 'card-sub' }, sub) : null,
    meter !== undefined ? h('span', { class: 'meter', 'aria-hidden': 'true' }, h('span', { class: 'meter-fill', dataset: { w: String(meter) } })) : null,
  ];
  if (status === undefined) return h('div', { class: `card ${cls}` }, inner);
  const pressed = status !== '' && state.tasksQuery.status === status;
  return h('button', {
    type: 'button', class: `card card-button ${cls}`, 'aria-pressed': status === '' ? undefined : String(pressed),
    title: status === '' || pressed ? 'Show all tasks' : `Show only ${label.toLowerCase()} tasks`,
    onclick: () => {
      setOverviewQuery({ status: pressed ? '' : status, page: 1 });
      const r = $(`#task-status-${pressed ? 'all' : status}`);
      if (r) r.checked = true;
      renderCards();
    },
  }, inner);
}

function renderCards() {
  if (!ui.cards) return;
  const st = state.stats;
  if (!st) { patch(ui.cards, 'loading', () => Array.from({ length: 6 }, () => h('div', { class: 'card skeleton' }))); return; }
  const d = st.last24h;
  const sig = JSON.stringify(st) + state.tasksQuery.status;
  patch(ui.cards, sig, () => [
    card({ label: 'Total tasks', value: fmtInt(st.totalTasks), sub: 'not counting deleted', status: '' }),
    card({ label: 'Active', value: fmtInt(st.activeTasks), sub: 'scheduled to fire', cls: 'c-active', status: 'ACTIVE' }),
    card({ label: 'Inactive', value: fmtInt(st.inactiveTasks), sub: 'paused', cls: 'c-inactive', status: 'INACTIVE' }),
    card({ label: 'Failed', value: fmtInt(st.failedTasks), sub: st.failedTasks ? 'need attention' : 'none', cls: `c-failed ${st.failedTasks ? 'alert' : ''}`, status: 'FAILED' }),
    card({ label: 'Executions · 24 h', short: 'Runs · 24 h', value: fmtInt(d.executions), sub: `${fmtInt(d.success)} ok · ${fmtInt(d.retrying)} retrying · ${fmtInt(d.failed)} failed${d.skipped ? ` · ${fmtInt(d.skipped)} skipped` : ''}` }),
    card({
      label: 'Success rate · 24 h', short: 'Success · 24 h', value: d.executions ? fmtPct(d.successRate) : '—', sub: d.executions ? 'of every attempt' : 'no executions yet',
      cls: d.executions && d.successRate < 0.9 ? 'c-warn' : 'c-rate', meter: d.executions ? d.successRate : 0,
    }),
  ]);
  for (const m of $all('.meter-fill', ui.cards)) m.style.width = `${Math.round(Number(m.dataset.w) * 1000) / 10}%`;
}

function renderCharts() {
  const now = clock.now();
  if (route.name === 'task') { renderTaskChart(now); return; }
  if (!ui.deliveries) return;
  if (!stream.ready) {
    patch(ui.deliveries, 'loading', () => h('div', { class: 'chart-loading' }, spinner(), 'Loading the last hour…'));
    patch(ui.lateness, 'loading', () => h('div', { class: 'chart-loading' }, spinner(), 'Loading…'));
    return;
  }
  const buckets = stream.series(now);
  ui.deliveries.dataset.sig = '';
  ui.lateness.dataset.sig = '';
  const totals = deliveriesChart(ui.deliveries, buckets, { height: chartHeight() });
  const latest = latenessChart(ui.lateness, buckets, { height: chartHeight() });
  patch(ui.deliveriesLegend, JSON.stringify(totals), () => Object.keys(OUTCOME_LABELS).map((k) =>
    h('span', { class: 'legend-item' }, h('span', { class: `swatch ${k.toLowerCase()}`, 'aria-hidden': 'true' }), OUTCOME_LABELS[k], ' ', h('b', null, fmtInt(totals[k])))));
  const lsig = latest ? `${latest.p50}|${latest.p99}` : 'none';
  patch(ui.latenessLegend, lsig, () => [
    h('span', { class: 'legend-item' }, h('span', { class: 'swatch p50', 'aria-hidden': 'true' }), 'p50 ', h('b', null, latest ? fmtMs(latest.p50) : '—')),
    h('span', { class: 'legend-item' }, h('span', { class: 'swatch p99', 'aria-hidden': 'true' }), 'p99 ', h('b', null, latest ? fmtMs(latest.p99) : '—')),
  ]);
  const notes = [];
  if (stream.backfilling) notes.push('Loading the rest of the hour…');
  else if (buckets.some((b) => !b.loaded)) notes.push('The shaded minutes were not loaded: the hour has more deliveries than the first look reads.');
  if (stream.truncated) notes.push('Some deliveries were not counted: more arrived between two polls than one poll reads.');
  ui.chartNote.hidden = !notes.length;
  ui.chartNote.textContent = notes.join(' ');
}

function chartHeight() { return window.matchMedia('(max-width: 640px)').matches ? 150 : 190; }

let resizeTimer;
window.addEventListener('resize', () => { clearTimeout(resizeTimer); resizeTimer = setTimeout(renderCharts, 120); });

function lastResult(task) {
  const pending = state.pendingRuns.get(task.id);
  if (pending) return { pending: true };
  const fromStream = stream.lastByTask.get(task.id);
  const cached = state.lastLog.get(task.id);
  let log = null;
  if (fromStream) log = fromStream;
  else if (cached && cached.log) {
    const l = cached.log;
    log = { t: Date.parse(l.executionTime), status: l.status, retry: l.retryCount, http: l.httpStatus, msg: l.message, trigger: l.trigger, ms: l.durationMs };
  }
  if (log) return { log };
  if (cached || (stream.ready && !task.lastRunAt)) return { never: true };
  return { loading: true };
}

function renderTasks() {
  if (!ui.tbody) return;
  const page = state.tasksPage;
  const q = state.tasksQuery;
  if (!page) {
    patch(ui.tbody, 'loading', () => Array.from({ length: 4 }, () => h('tr', { class: 'skeleton-row' }, h('td', { colspan: '6' }, h('span', { class: 'skeleton-line' })))));
    ui.rows = new Map();
    return;
  }
  ui.tbody.dataset.sig = '';
  ui.tasksCount.textContent = fmtInt(page.meta.total);
  ui.tasksEmpty.hidden = page.data.length > 0;
  if (!page.data.length) {
    replace(ui.tasksEmpty, q.search || q.status
      ? [h('strong', null, 'No tasks match.'), ' ', h('button', { type: 'button', class: 'linkish', onclick: () => { $('#task-search').value = ''; $('#task-status-all').checked = true; setOverviewQuery({ search: '', status: '', page: 1 }); } }, 'Clear the filters')]
      : [h('strong', null, 'No tasks yet.'), ' Create one with ', h('a', { href: '#/tasks/new' }, 'New task'), ', or with ', h('code', null, 'POST /api/tasks'), ' (see the API docs).']);
  }
  const seen = new Set();
  const rows = page.data.map((t) => { seen.add(t.id); return taskRow(t); });
  for (const [id, tr] of ui.rows) if (!seen.has(id)) { tr.remove(); ui.rows.delete(id); }
  for (const el of [...ui.tbody.children]) if (!el.dataset.taskId) el.remove();
  // Re-append only when the order changed: moving a row would drop focus.
  const current = [...ui.tbody.children];
  if (current.length !== rows.length || rows.some((r, i) => current[i] !== r)) {
    rows.forEach((r, i) => { if (ui.tbody.children[i] !== r) ui.tbody.insertBefore(r, ui.tbody.children[i] || null); });
  }
  patch(ui.tasksPager, JSON.stringify(page.meta), () => pager(page.meta, (p) => { setOverviewQuery({ page: p }); $('#tasks').scrollIntoView({ block: 'start' }); }, 'tasks'));
}

function taskRow(t) {
  let tr = ui.rows.get(t.id);
  if (!tr) {
    tr = h('tr', { dataset: { taskId: t.id } });
    tr._c = {
      name: h('td', { class: 'c-name', dataset: { label: 'Name' } }),
      status: h('td', { class: 'c-status', dataset: { label: 'Status' } }),
      schedule: h('td', { class: 'c-schedule', dataset: { label: 'Schedule' } }),
      next: h('td', { class: 'c-next', dataset: { label: 'Next run' } }),
      last: h('td', { class: 'c-last', dataset: { label: 'Last result' } }),
      actions: h('td', { class: 'c-actions' }),
    };
    tr.append(...Object.values(tr._c));
    ui.rows.set(t.id, tr);
  }
  const c = tr._c;
  tr._task = t;
  tr.dataset.status = t.status;
  patch(c.name, t.id + t.name, () => h('a', { href: `#/tasks/${t.id}`, class: 'task-link' }, t.name));
  patch(c.status, t.status, () => badge(t.status));
  patch(c.schedule, t.schedule + t.timezone, () => [h('code', { class: 'cron' }, t.schedule), h('span', { class: 'tz' }, t.timezone)]);
  patch(c.next, `${t.status}|${t.nextRunAt}`, () => (t.nextRunAt
    ? [nextTime(t.nextRunAt), h('span', { class: 'abs' }, fmtAbs(parseTime(t.nextRunAt)))]
    : h('span', { class: 'muted' }, t.status === 'ACTIVE' ? '—' : 'not scheduled')));
  const lr = lastResult(t);
  const lsig = lr.pending ? 'pending' : lr.never ? 'never' : lr.loading ? 'loading' : `${lr.log.t}|${lr.log.status}|${lr.log.retry}`;
  patch(c.last, lsig, () => lastResultCell(lr));
  const bsig = `${t.status}|${state.busy.has(`${t.id}:toggle`)}|${state.busy.has(`${t.id}:run`)}|${t.name}`;
  const focused = c.actions.contains(document.activeElement) ? document.activeElement.dataset.action : null;
  patch(c.actions, bsig, () => h('div', { class: 'actions' }, actionButtons(t)));
  if (focused && !c.actions.contains(document.activeElement)) {
    const b = c.actions.querySelector(`[data-action="${focused}"]:not(:disabled)`) || c.actions.querySelector('button:not(:disabled)');
    if (b) b.focus({ preventScroll: true });
  }
  return tr;
}

/** A relative time that says "now" once it has passed (a due fire, not a past one). */
function nextTime(iso) {
  const el = relTime(iso, clock.now());
  el.dataset.future = '';
  if (Date.parse(iso) <= clock.now()) el.textContent = 'now';
  return el;
}

function lastResultCell(lr) {
  if (lr.pending) return h('span', { class: 'running' }, spinner(), 'Running…');
  if (lr.loading) return h('span', { class: 'muted' }, '…');
  if (lr.never) return h('span', { class: 'muted' }, 'Never run');
  const l = lr.log;
  const iso = new Date(l.t).toISOString();
  const detail = [l.http ? String(l.http) : null, l.retry ? `attempt ${l.retry + 1}` : null, l.trigger === 'manual' ? 'manual' : null].filter(Boolean);
  return h('span', { class: 'last', title: l.msg || '' },
    badge(l.status, 'dot'),
    h('span', { class: 'abs' }, relTime(iso, clock.now()), detail.length ? ` · ${detail.join(' · ')}` : ''));
}

function renderTaskActions() {
  if (route.name === 'overview') renderTasks();
  else renderTask();
}

function taskName(id) {
  const n = state.names.get(id);
  if (n === null) return h('span', { class: 'muted' }, 'deleted task');
  return n || h('span', { class: 'mono muted' }, id.slice(0, 8));
}

function renderFailures() {
  if (!ui.failures) return;
  const f = state.failures;
  if (!f) { patch(ui.failures, 'loading', () => h('div', { class: 'skeleton-line' })); return; }
  const sig = f.map((l) => l.id + (state.names.get(l.taskId) ?? '?')).join();
  patch(ui.failures, sig, () => (f.length === 0
    ? h('div', { class: 'empty-state ok' }, h('strong', null, 'No failures.'), ' Every run delivered or is still retrying.')
    : h('ul', { class: 'failure-list' }, f.map((l) => h('li', null,
      h('div', { class: 'failure-top' },
        h('a', { href: `#/tasks/${l.taskId}`, class: 'task-link' }, taskName(l.taskId)),
        relTime(l.executionTime, clock.now())),
      h('div', { class: 'failure-msg' },
        h('span', { class: 'http' }, l.httpStatus ? String(l.httpStatus) : 'no response'),
        ' ', l.message || 'failed', h('span', { class: 'muted' }, ` · attempt ${l.retryCount + 1}${l.trigger !== 'schedule' ? ` · ${l.trigger}` : ''}`)))))));
}

function renderActors() {
  if (!ui.actorsPanel) return;
  ui.actorsPanel.hidden = state.admin !== true;
  if (state.admin !== true) return;
  const a = state.actors;
  if (!a) { patch(ui.actorsBody, 'loading', () => h('div', { class: 'skeleton-line' })); return; }
  const names = [...(a.slowestTasks || []), ...(a.mostRetryingTasks || [])].map((t) => t.taskId);
  patch(ui.actorsBody, JSON.stringify(a) + names.map((id) => state.names.get(id)).join(), () => actorsBody(a));
}

function renderCluster() {
  if (!ui.clusterPanel) return;
  ui.clusterPanel.hidden = state.admin !== true || state.clusterAbsent;
  if (ui.clusterPanel.hidden) return;
  const sig = JSON.stringify([state.cluster, state.clusterError]);
  patch(ui.clusterBody, sig, () => clusterBody(state.cluster, {
    now: clock.now(), error: state.clusterError, updatedAt: state.clusterAt,
  }));
}

function actorsBody(a) {
  const parts = [];
  const kinds = a.actors && typeof a.actors === 'object' ? Object.entries(a.actors) : [];
  if (kinds.length) {
    parts.push(h('h3', { class: 'mini-title' }, 'Actors by kind and state'),
      h('ul', { class: 'kinds' }, kinds.map(([kind, states]) => {
        const entries = Object.entries(states || {});
        const total = entries.reduce((x, [, n]) => x + (Number(n) || 0), 0);
        return h('li', null,
          h('span', { class: 'kind' }, humanize(kind), h('b', null, fmtInt(total))),
          h('span', { class: 'states' }, entries.map(([st, n]) => h('span', { class: `chip ${n ? '' : 'zero'} st-${st.toLowerCase().replace(/[^a-z]/g, '')}` }, `${humanize(st).toLowerCase()} `, h('b', null, fmtInt(n))))));
      })));
  }
  if (a.restarts) {
    parts.push(h('div', { class: 'kv-row' },
      h('div', { class: 'kv' }, h('span', null, 'Restarts'), h('b', null, fmtInt(a.restarts.total ?? 0))),
      h('div', { class: `kv ${a.restarts.giveUps ? 'alert' : ''}` }, h('span', null, 'Given up'), h('b', null, fmtInt(a.restarts.giveUps ?? 0)))));
  }
  if (Array.isArray(a.mailboxes) && a.mailboxes.length) {
    const max = Math.max(1, ...a.mailboxes.map((m) => m.backlog || 0));
    parts.push(h('h3', { class: 'mini-title' }, 'Mailbox backlogs'),
      h('ul', { class: 'bars' }, a.mailboxes.slice(0, 6).map((m) => {
        const fill = h('span', { class: 'bar-fill' });
        fill.style.width = `${Math.max(m.backlog ? 2 : 0, (100 * (m.backlog || 0)) / max)}%`;
        return h('li', null, h('span', { class: 'bar-label' }, m.actor || m.kind || '?'), h('span', { class: 'bar-track', 'aria-hidden': 'true' }, fill), h('b', null, fmtInt(m.backlog || 0)));
      })));
  }
  const taskList = (title, list, value) => {
    if (!Array.isArray(list) || !list.length) return;
    lookupNames(list.filter((t) => !t.name && t.taskId).map((t) => t.taskId));
    parts.push(h('h3', { class: 'mini-title' }, title),
      h('ol', { class: 'rank' }, list.slice(0, 5).map((t) => h('li', null,
        t.taskId ? h('a', { href: `#/tasks/${t.taskId}`, class: 'task-link' }, t.name || taskName(t.taskId)) : h('span', null, t.name || '?'),
        h('b', null, value(t))))));
  };
  taskList('Slowest tasks', a.slowestTasks, (t) => fmtMs(t.durationMs));
  taskList('Most retrying tasks', a.mostRetryingTasks, (t) => `${fmtInt(t.retries)} retries`);
  // Fields this page does not know: flat objects as groups, scalars as a list.
  const known = new Set(['actors', 'mailboxes', 'restarts', 'slowestTasks', 'mostRetryingTasks']);
  const scalar = (v) => v === null || typeof v !== 'object';
  const show = (v) => (typeof v === 'number' ? fmtInt(v) : String(v));
  for (const [k, v] of Object.entries(a)) {
    if (known.has(k) || scalar(v) || Array.isArray(v) || !Object.values(v).every(scalar)) continue;
    parts.push(h('h3', { class: 'mini-title' }, humanize(k)),
      h('div', { class: 'states' }, Object.entries(v).map(([kk, vv]) =>
        h('span', { class: `chip ${vv ? '' : 'zero'}` }, `${humanize(kk).toLowerCase()} `, h('b', null, show(vv))))));
  }
  const flat = Object.entries(a).filter(([k, v]) => !known.has(k) && scalar(v));
  if (flat.length) {
    parts.push(h('h3', { class: 'mini-title' }, 'Other'),
      h('dl', { class: 'extra' }, flat.map(([k, v]) => [h('dt', null, humanize(k)), h('dd', null, show(v))])));
  }
  return parts.length ? parts : h('p', { class: 'muted' }, 'The snapshot is empty.');
}

/** "pendingRows" → "pending rows", "in_flight" → "in flight" */
function humanize(key) {
  const s = String(key).replace(/_/g, ' ').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase()
    .replace(/\b(db|http|api|id)\b/g, (w) => w.toUpperCase());
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// -- task page -------------------------------------------------------------------
function taskView() {
  ui = { conn: ui.conn, keyKind: ui.keyKind };
  const tk = state.task;
  ui.taskHead = h('div', { class: 'task-head' });
  ui.details = h('div', { class: 'details' });
  ui.taskChart = h('div', { class: 'chart', id: 'chart-task' });
  ui.taskLegend = h('div', { class: 'legend' });
  ui.upcoming = h('div', { class: 'upcoming' });
  ui.logsBody = h('tbody');
  ui.logsEmpty = h('div', { class: 'empty-state', hidden: true });
  ui.logsPager = h('div');
  const filter = segmented('log-status', 'Outcome', [['', 'All'], ['SUCCESS', 'Success'], ['RETRYING', 'Retrying'], ['FAILED', 'Failed'], ['SKIPPED', 'Skipped']],
    tk.logsQuery.status, (v) => { tk.logsQuery = { status: v, page: 1 }; tk.logs = null; renderTask(); loadTaskLogs().then(renderTask, () => {}); });
  return h('div', { class: 'task-page' },
    h('a', { href: '#/', class: 'back' }, icon('back'), 'All tasks'),
    ui.taskHead,
    h('div', { class: 'grid grid-task' },
      panel({ id: 'task-details', title: 'Details', body: ui.details, cls: 'details-panel' }),
      h('div', { class: 'side' },
        panel({ id: 'task-activity', title: 'Last 60 minutes', sub: 'this task’s deliveries per minute', tools: ui.taskLegend, body: ui.taskChart, cls: 'chart-panel' }),
        panel({ id: 'task-upcoming', title: 'Next fire times', sub: 'from the schedule, shown in your time zone', body: ui.upcoming }))),
    panel({
      id: 'attempts', title: 'Attempt history', sub: 'every delivery attempt, newest first', tools: filter, cls: 'attempts-panel',
      body: [
        h('div', { class: 'table-wrap' }, h('table', { class: 'table attempts', id: 'attempts-table' },
          h('thead', null, h('tr', null,
            ['Executed', 'Outcome', 'Attempt#', 'Trigger', 'HTTP#', 'Duration#', 'Late by#', 'Message'].map((c) => (c.endsWith('#')
              ? h('th', { scope: 'col', class: 'num' }, c.slice(0, -1)) : h('th', { scope: 'col' }, c))))),
          ui.logsBody)),
        ui.logsEmpty, ui.logsPager],
    }));
}

function renderTask() {
  if (route.name !== 'task' || !ui.taskHead) return;
  const tk = state.task;
  const t = tk.data;
  if (tk.missing) {
    document.title = 'Task not found · taskhook';
    patch(ui.taskHead, 'missing', () => [h('h1', { id: 'page-title', tabindex: '-1' }, 'Task not found'),
      h('p', { class: 'muted' }, 'It was deleted, or it belongs to another tenant.')]);
    for (const p of $all('.task-page .grid, #attempts')) p.hidden = true;
    return;
  }
  if (!t) {
    patch(ui.taskHead, 'loading', () => [h('h1', { id: 'page-title', tabindex: '-1', class: 'skeleton-title' }, h('span', { class: 'sr-only' }, 'Loading task'))]);
  } else {
    document.title = `${t.name} · taskhook`;
    const bsig = JSON.stringify([t.name, t.status, [...state.busy].filter((b) => b.startsWith(t.id))]);
    if (ui.taskHead.dataset.sig !== bsig) {
      const hadFocus = ui.taskHead.contains(document.activeElement) ? document.activeElement.dataset.action || 'title' : null;
      patch(ui.taskHead, bsig, () => [
        h('div', { class: 'task-title' }, h('h1', { id: 'page-title', tabindex: '-1' }, t.name), badge(t.status)),
        h('div', { class: 'actions' }, actionButtons(t, ''), manageButtons(t)),
      ]);
      if (hadFocus) (ui.taskHead.querySelector(`[data-action="${hadFocus}"]`) || $('#page-title')).focus({ preventScroll: true });
    }
    const dsig = JSON.stringify(t);
    patch(ui.details, dsig, () => detailsList(t));
  }
  renderTaskChart(clock.now());
  renderUpcoming();
  renderAttempts();
}

function detailsList(t) {
  const row = (label, ...value) => [h('dt', null, label), h('dd', null, ...value)];
  return [
    h('dl', { class: 'dl' },
      row('Status', badge(t.status)),
      row('Schedule', h('code', { class: 'cron' }, t.schedule), h('span', { class: 'tz' }, t.timezone)),
      row('Next run', t.nextRunAt ? [nextTime(t.nextRunAt), h('span', { class: 'abs' }, fmtAbs(parseTime(t.nextRunAt)))] : h('span', { class: 'muted' }, 'not scheduled')),
      row('Last run', t.lastRunAt ? [relTime(t.lastRunAt, clock.now()), h('span', { class: 'abs' }, fmtAbs(parseTime(t.lastRunAt)))] : h('span', { class: 'muted' }, 'never')),
      row('Retries', `up to ${t.maxRetry}`),
      row('Webhook', h('code', { class: 'url' }, t.webhookUrl)),
      row('Task id', h('code', { class: 'mono' }, t.id)),
      row('Created', h('span', { title: t.createdAt }, fmtAbs(parseTime(t.createdAt)))),
      row('Updated', h('span', { title: t.updatedAt }, fmtAbs(parseTime(t.updatedAt))))),
    h('details', { class: 'payload', open: true }, h('summary', null, 'Payload'),
      // Focusable: a keyboard user can scroll a long payload.
      h('pre', { tabindex: '0' }, JSON.stringify(t.payload, null, 2))),
  ];
}

function renderTaskChart(now) {
  if (!ui.taskChart || !state.task) return;
  if (!stream.ready) { patch(ui.taskChart, 'loading', () => h('div', { class: 'chart-loading' }, spinner(), 'Loading…')); return; }
  ui.taskChart.dataset.sig = '';
  const totals = deliveriesChart(ui.taskChart, stream.series(now, state.task.id), { height: 150 });
  patch(ui.taskLegend, JSON.stringify(totals), () => Object.keys(OUTCOME_LABELS).filter((k) => totals[k]).map((k) =>
    h('span', { class: 'legend-item' }, h('span', { class: `swatch ${k.toLowerCase()}`, 'aria-hidden': 'true' }), OUTCOME_LABELS[k], ' ', h('b', null, fmtInt(totals[k])))));
}

function renderUpcoming() {
  const p = state.task.preview;
  const t = state.task.data;
  if (!t) return;
  const now = clock.now();
  const next = p ? p.next.filter((x) => Date.parse(x) > now - 1000) : [];
  patch(ui.upcoming, `${t.status}|${next.join()}`, () => {
    if (!p) return h('div', { class: 'skeleton-line' });
    return [
      t.status !== 'ACTIVE' ? h('p', { class: 'note' }, `The task is ${t.status.toLowerCase()}: it does not fire until it is resumed.`) : null,
      h('ol', { class: 'upcoming-list' }, next.map((x) => h('li', null, h('span', null, fmtAbs(Date.parse(x))), nextTime(x)))),
    ];
  });
}

function renderAttempts() {
  const tk = state.task;
  const res = tk.logs;
  if (!res) {
    patch(ui.logsBody, 'loading', () => Array.from({ length: 3 }, () => h('tr', { class: 'skeleton-row' }, h('td', { colspan: '8' }, h('span', { class: 'skeleton-line' })))));
    ui.logsEmpty.hidden = true;
    return;
  }
  patch(ui.logsBody, res.data.map((l) => l.id).join(), () => res.data.map((l) => {
    const late = l.trigger === 'schedule' && l.status !== 'SKIPPED' ? Date.parse(l.executionTime) - Date.parse(l.scheduledFor) : null;
    return h('tr', { dataset: { logId: l.id, status: l.status } },
      h('td', { class: 'c-when', dataset: { label: 'Executed' } }, h('span', { title: l.executionTime }, fmtAbs(parseTime(l.executionTime))), relTime(l.executionTime, clock.now())),
      h('td', { dataset: { label: 'Outcome' } }, badge(l.status)),
      h('td', { class: 'num', dataset: { label: 'Attempt' } }, String(l.retryCount + 1)),
      h('td', { dataset: { label: 'Trigger' } }, h('span', { class: `trigger t-${l.trigger}` }, l.trigger)),
      h('td', { class: 'num', dataset: { label: 'HTTP' } }, l.httpStatus ? String(l.httpStatus) : h('span', { class: 'muted' }, '—')),
      h('td', { class: 'num', dataset: { label: 'Duration' } }, l.durationMs === null ? h('span', { class: 'muted' }, '—') : fmtMs(l.durationMs)),
      h('td', { class: 'num', dataset: { label: 'Late by' } }, late === null ? h('span', { class: 'muted' }, '—') : fmtMs(Math.max(0, late))),
      h('td', { class: 'c-msg', dataset: { label: 'Message' } }, l.message || h('span', { class: 'muted' }, '—')));
  }));
  ui.logsEmpty.hidden = res.data.length > 0;
  if (!res.data.length) replace(ui.logsEmpty, tk.logsQuery.status ? 'No attempts with this outcome.' : 'No attempts yet: the task has not fired.');
  const goTo = (p) => {
    // A live task adds rows at the top while you page; past page 1 the
    // history is pinned to what page 1 shows now, so page 2 continues it.
    // (Read at the click: the pager is not redrawn for every refresh.)
    const q = tk.logsQuery;
    const shown = tk.logs;
    if (p === 1) delete q.to;
    else if (!q.to) q.to = pinAfter(shown && shown.meta && shown.meta.page === 1 ? shown.data : []);
    q.page = p;
    loadTaskLogs().then(() => { renderTask(); $('#attempts').scrollIntoView({ block: 'start' }); }, (e) => toastError('Could not load the attempts', e));
  };
  const q = tk.logsQuery;
  patch(ui.logsPager, `${JSON.stringify(res.meta)}|${q.status}|${q.to || ''}`, () => [
    q.to ? h('p', { class: 'pin-note muted', id: 'attempts-pin' }, `Attempts before ${fmtAbs(Date.parse(q.to))}; newer ones start on page 1. `,
      h('button', { type: 'button', class: 'btn ghost small', onclick: () => goTo(1) }, 'Newest')) : null,
    pager(res.meta, goTo, 'attempts')]);
}

// The exclusive `to` that keeps every row of a newest-first page: 1 ms past its
// newest executionTime (the API answers milliseconds, the database keeps µs).
function pinAfter(rows) {
  const newest = rows.reduce((m, l) => Math.max(m, Date.parse(l.executionTime)), -Infinity);
  return new Date(Number.isFinite(newest) ? newest + 1 : Date.now()).toISOString();
}

function renderAll() {
  if ($('#shell').hidden) return;
  renderConn();
  if (route.name === 'overview') renderOverview();
  else if (route.name === 'task') renderTask();
}

// -- start -----------------------------------------------------------------------
$('#login-form').addEventListener('submit', onLogin);
if (auth.load()) startApp();
else showLogin('');
