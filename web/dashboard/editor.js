// The task form: "New task" (#/tasks/new), "Edit" (#/tasks/<id>/edit) and
// "Duplicate" (#/tasks/new?from=<id>). Labelled fields for the task and its
// message, schedule help, a JSON view of the payload kept in step with the
// form, a live Discord preview, the API's 400 details at the fields they name,
// and Create/Save, "Send test now" (save, run, show the attempt) and Delete.

import { get, post, postJson, patchJson, ApiError } from './api.js';
import { h, $, replace, debounce } from './util.js';
import { LIMITS } from './discord_limits.js';
import { draftFromPayload, payloadFromDraft } from './payload_draft.js';
import { textField, errorBox } from './form_fields.js';
import { embedsEditor } from './embeds_editor.js';
import { scheduleHelp } from './schedule_help.js';
import { browserZone, zoneDatalist } from './zones.js';
import { discordPreview } from './preview.js';
import { hasPlaceholders, placeholderValues, fillPayload } from './templates.js';
import { showFieldErrors, clearFieldErrors, setFieldError } from './field_errors.js';
import { watchRun } from './attempt_watch.js';
import { confirmDialog } from './confirm_dialog.js';

const OUTCOME = {
  SUCCESS: 'Delivered', RETRYING: 'Failed, retrying', FAILED: 'Failed', SKIPPED: 'Skipped',
};
const PLACEHOLDER_HINT = 'Discord markdown works. Placeholders filled at each send: {{scheduledFor}}, '
  + '{{scheduledFor.unix}} (as in <t:{{scheduledFor.unix}}:F>), {{task.name}}, {{task.id}}, {{attempt}}, {{trigger}}.';

/**
 * mode: 'new' | 'edit' | 'duplicate'; id: the task (edit) or its source (duplicate).
 * app: { toast, toastError, onSaved(task, { created, stay }), onDelete(task), leave(hash) }
 * Returns { element, stop() }.
 */
export function taskEditor({ mode, id, app }) {
  let taskId = mode === 'edit' ? id : null;
  let task = null;                 // the task as the API last answered it
  let draft = draftFromPayload({ content: '' });
  let nextFires = [];
  let savedSig = null;
  let busy = false;
  let stopWatch = () => {};
  let jsonBroken = false;
  let leaving = false;             // the user chose to leave: no more questions

  const title = h('h1', { id: 'page-title', tabindex: '-1' }, mode === 'edit' ? 'Edit task' : 'New task');
  const back = h('a', { href: mode === 'edit' ? `#/tasks/${id}` : '#/', class: 'back' }, mode === 'edit' ? '‹ Back to the task' : '‹ All tasks');
  const summary = h('div', { class: 'error-summary', id: 'form-errors', role: 'alert', tabindex: '-1', hidden: true });

  // -- the task's own fields ----------------------------------------------------
  const name = textField({ id: 'f-name', label: 'Name', path: 'name', limit: 200, required: true, placeholder: 'Daily report', onInput: () => changed() });
  const schedule = textField({
    id: 'f-schedule', label: 'Schedule', path: 'schedule', placeholder: '0 10 * * *', required: true, spellcheck: 'false',
    hint: 'Cron: minute hour day-of-month month day-of-week, or six fields with seconds first.', cls: 'mono-input',
  });
  zoneDatalist();
  const zone = textField({
    id: 'f-timezone', label: 'Time zone', path: 'timezone', value: browserZone(), spellcheck: 'false',
    attrs: { list: 'time-zones' }, hint: `Type to search the IANA names (e.g. “Berlin”). Yours is ${browserZone()}.`,
  });
  const webhook = textField({
    id: 'f-webhook', label: 'Webhook URL', path: 'webhookUrl', type: 'url', required: mode !== 'edit', spellcheck: 'false',
    placeholder: 'https://discord.com/api/webhooks/…/…',
    hint: mode === 'edit' ? 'Leave empty to keep the current webhook: the API never shows its token.'
      : mode === 'duplicate' ? 'The token is not copied (the API never shows it): paste the webhook URL again.'
        : 'Discord: channel settings → Integrations → Webhooks → Copy Webhook URL.',
  });
  const retries = textField({ id: 'f-maxretry', label: 'Max retries', path: 'maxRetry', type: 'number', value: '3', hint: 'From 0 to 10; each retry waits longer.', attrs: { min: '0', max: '10', inputmode: 'numeric' } });
  const statusNote = h('p', { class: 'hint', id: 'f-status-note', hidden: true });
  const statusRadio = (value, label) => {
    const r = h('input', { type: 'radio', name: 'task-status', id: `f-status-${value.toLowerCase()}`, value });
    return h('label', { class: 'check', for: r.id }, r, ` ${label}`);
  };
  const status = h('fieldset', { class: 'fld status-fld', id: 'f-status', dataset: { path: 'status' } },
    h('legend', null, 'Status'),
    h('div', { class: 'radio-row' }, statusRadio('ACTIVE', 'Active: fires on schedule'), statusRadio('INACTIVE', 'Paused: does not fire')),
    statusNote, errorBox('f-status'));
  status.querySelector('#f-status-active').checked = true;

  const help = scheduleHelp({
    scheduleInput: schedule.control,
    zoneInput: zone.control,
    onErrors: ({ schedule: s, timezone: z }) => {
      setFieldError(schedule.control, s);
      setFieldError(zone.control, z);
    },
    onNext: (times) => { nextFires = times; renderPreview(); },
  });
  schedule.control.addEventListener('input', () => changed());
  zone.control.addEventListener('input', () => changed());

  // -- the message ----------------------------------------------------------------
  const content = textField({ id: 'f-content', label: 'Content', path: 'payload.content', multiline: true, rows: 4, limit: LIMITS.content, hint: PLACEHOLDER_HINT, onInput: (v) => { draft.content = v; changed(); } });
  const username = textField({ id: 'f-username', label: 'Username', path: 'payload.username', limit: LIMITS.username, hint: 'Shown instead of the webhook’s own name.', onInput: (v) => { draft.username = v; changed(); } });
  const avatar = textField({ id: 'f-avatar', label: 'Avatar URL', path: 'payload.avatar_url', type: 'url', placeholder: 'https://…', onInput: (v) => { draft.avatar_url = v; changed(); } });
  const embeds = embedsEditor({ getDraft: () => draft, onChange: () => changed() });

  const json = textField({
    id: 'f-json', label: 'Payload JSON', path: 'payload', multiline: true, rows: 14, spellcheck: 'false', cls: 'mono-input',
    hint: 'The body sent to Discord. Edit here or in the form: each follows the other.',
    onInput: (v) => {
      let parsed;
      try { parsed = JSON.parse(v); } catch (e) {
        jsonBroken = true;
        setFieldError(json.control, `Not valid JSON: ${e.message}`);
        return;
      }
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        jsonBroken = true;
        setFieldError(json.control, 'The payload must be a JSON object: { … }.');
        return;
      }
      jsonBroken = false;
      setFieldError(json.control, '');
      draft = draftFromPayload(parsed);
      fillMessageFields();
      changed({ fromJson: true });
    },
  });
  const jsonView = h('details', { class: 'json-view', id: 'json-view' }, h('summary', null, 'Payload as JSON'), json.wrap);

  // -- actions ------------------------------------------------------------------------
  const saveBtn = h('button', { type: 'submit', class: 'btn primary', id: 'save-task' }, mode === 'edit' ? 'Save' : 'Create task');
  const testBtn = h('button', { type: 'button', class: 'btn secondary', id: 'send-test', onclick: () => save({ thenTest: true }) }, 'Send test now');
  const cancelBtn = h('button', { type: 'button', class: 'btn ghost', id: 'cancel-edit', onclick: () => cancel() }, 'Cancel');
  const deleteBtn = h('button', { type: 'button', class: 'btn ghost danger', id: 'delete-task', hidden: mode !== 'edit', onclick: () => task && app.onDelete(task) }, 'Delete');
  // On a phone the preview sits below the form: one tap takes you there.
  const toPreview = h('button', { type: 'button', class: 'btn ghost only-narrow', id: 'to-preview', onclick: () => { preview.scrollIntoView({ block: 'start' }); $('#preview-title').focus(); } }, 'See the preview ↓');
  const outcome = h('div', { class: 'test-outcome', id: 'test-outcome', role: 'status', 'aria-live': 'polite' });

  const form = h('form', { class: 'task-form', id: 'task-form', novalidate: true, 'aria-labelledby': 'page-title' },
    summary,
    h('section', { class: 'panel form-panel', 'aria-labelledby': 'sec-task' },
      h('h2', { class: 'panel-title', id: 'sec-task' }, 'Task'),
      name.wrap,
      h('div', { class: 'schedule-block' }, schedule.wrap, help.words, help.presets),
      zone.wrap,
      help.upcoming,
      webhook.wrap,
      h('div', { class: 'row-2' }, retries.wrap, status)),
    h('section', { class: 'panel form-panel', 'aria-labelledby': 'sec-message' },
      h('h2', { class: 'panel-title', id: 'sec-message' }, 'Message'),
      content.wrap,
      h('div', { class: 'row-2' }, username.wrap, avatar.wrap),
      embeds.element,
      jsonView),
    h('div', { class: 'form-actions' }, saveBtn, testBtn, cancelBtn, toPreview, deleteBtn),
    outcome);
  form.addEventListener('submit', (ev) => { ev.preventDefault(); save(); });
  // Enter submits from a one-line field (the browser does that); Ctrl+Enter from a text area.
  form.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey) && ev.target.tagName === 'TEXTAREA') { ev.preventDefault(); form.requestSubmit(); }
  });

  const previewNote = h('p', { class: 'panel-sub', id: 'preview-note' });
  const previewBody = h('div', { class: 'dc-wrap', id: 'discord-preview' });
  const preview = h('aside', { class: 'panel preview-pane', 'aria-labelledby': 'preview-title' },
    h('h2', { class: 'panel-title', id: 'preview-title', tabindex: '-1' }, 'Preview'), previewNote, previewBody);

  const element = h('div', { class: 'editor-page', id: 'editor' },
    back, h('div', { class: 'task-head' }, title),
    h('div', { class: 'editor-grid' }, form, preview));
  element.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Escape' || ev.defaultPrevented || document.querySelector('dialog[open]')) return;
    ev.preventDefault();
    cancel();
  });

  // -- behaviour ------------------------------------------------------------------------
  function body() {
    const b = {
      name: name.control.value.trim(),
      schedule: schedule.control.value.trim(),
      timezone: zone.control.value.trim() || 'UTC',
      payload: payloadFromDraft(draft),
    };
    const url = webhook.control.value.trim();
    if (url || mode !== 'edit') b.webhookUrl = url;
    const r = retries.control.value.trim();
    if (r !== '') b.maxRetry = Number(r);
    const st = form.querySelector('input[name="task-status"]:checked');
    if (st) b.status = st.value;
    return b;
  }
  const sig = () => JSON.stringify(body());
  const dirty = () => savedSig !== null && sig() !== savedSig;

  function fillMessageFields() {
    content.control.value = draft.content; content.recount();
    username.control.value = draft.username; username.recount();
    avatar.control.value = draft.avatar_url;
    embeds.render();
  }

  function syncJson() {
    if (document.activeElement === json.control) return;
    json.control.value = JSON.stringify(payloadFromDraft(draft), null, 2);
    jsonBroken = false;
    setFieldError(json.control, '');
  }

  const renderPreview = () => {
    const now = Date.now();
    const fireMs = nextFires[0];
    let payload = payloadFromDraft(draft);
    const filled = hasPlaceholders(payload);
    if (filled) payload = fillPayload(payload, placeholderValues({ fireMs, name: name.control.value.trim(), id: taskId }));
    previewNote.textContent = fireMs
      ? `As Discord would show the next fire, ${new Date(fireMs).toLocaleString()}${filled ? ', with the placeholders filled in for it' : ''}.`
      : `As Discord would show it${filled ? ', with the placeholders filled in for now' : ''}.`;
    replace(previewBody, discordPreview(payload, { now, fireMs: fireMs ?? now }));
  };
  const previewSoon = debounce(renderPreview, 120);

  function changed({ fromJson = false } = {}) {
    if (!fromJson) syncJson();
    previewSoon();
  }

  function fill(t, { duplicate = false } = {}) {
    name.control.value = duplicate ? `${t.name} (copy)` : t.name; name.recount();
    schedule.control.value = t.schedule;
    zone.control.value = t.timezone;
    retries.control.value = String(t.maxRetry);
    webhook.control.value = '';
    if (!duplicate) webhook.control.placeholder = t.webhookUrl;
    for (const r of form.querySelectorAll('input[name="task-status"]')) r.checked = r.value === t.status;
    statusNote.hidden = t.status !== 'FAILED';
    statusNote.textContent = t.status === 'FAILED' ? 'This task is Failed (its retries ran out). Choose Active to resume it.' : '';
    draft = draftFromPayload(t.payload);
    fillMessageFields();
    syncJson();
    help.refresh();
  }

  function setTitle() {
    title.textContent = taskId ? `Edit “${name.control.value.trim() || (task && task.name) || 'task'}”` : (mode === 'duplicate' ? 'Duplicate task' : 'New task');
    document.title = `${taskId ? 'Edit' : 'New task'}${task && taskId ? ` · ${task.name}` : ''} · taskhook`;
  }

  function showSummary(e) {
    const shown = showFieldErrors(form, e.details || []);
    replace(summary,
      h('p', null, h('strong', null, 'The task was not saved. '),
        (e.details || []).length > 1 ? `The API named ${e.details.length} problems:` : e.message),
      shown.length > 1 || (shown.length === 1 && !shown[0].control) ? h('ul', null, shown.map((d) => h('li', null,
        d.control ? h('a', { href: `#${d.control.id}`, onclick: (ev) => { ev.preventDefault(); openAndFocus(d.control); } }, d.path)
          : h('code', null, d.path), `: ${d.message}`))) : null);
    summary.hidden = false;
    const first = shown.find((d) => d.control);
    if (first) openAndFocus(first.control); else summary.focus();
  }

  function openAndFocus(control) {
    const det = control.closest('details');
    if (det) det.open = true;
    control.focus();
  }

  function clearErrors() {
    summary.hidden = true;
    replace(summary);
    clearFieldErrors(form);
  }

  async function save({ thenTest = false } = {}) {
    if (busy) return;
    if (jsonBroken) {
      jsonView.open = true;
      json.control.focus();
      return;
    }
    busy = true;
    saveBtn.disabled = true;
    testBtn.disabled = true;
    const b = body();
    clearErrors();
    try {
      const created = !taskId;
      const t = taskId ? await patchJson(`/api/tasks/${taskId}`, b) : await postJson('/api/tasks', b);
      task = t;
      taskId = t.id;
      webhook.control.value = '';
      webhook.control.placeholder = t.webhookUrl;
      savedSig = sig();
      if (!thenTest) { app.onSaved(t, { created }); return; }
      if (created) {
        // Stay on the form, now the form of the saved task.
        mode = 'edit';
        history.replaceState(null, '', `#/tasks/${t.id}/edit`);
        saveBtn.textContent = 'Save';
        deleteBtn.hidden = false;
        back.href = `#/tasks/${t.id}`;
        back.textContent = '‹ Back to the task';
        setTitle();
      }
      app.onSaved(t, { created, stay: true });
      await sendTest(t);
    } catch (e) {
      if (e instanceof ApiError && e.status === 400) showSummary(e);
      else if (e instanceof ApiError && e.status === 404) showSummary({ message: 'The task no longer exists (deleted, or another tenant’s).' });
      else app.toastError('Could not save the task', e);
    } finally {
      busy = false;
      saveBtn.disabled = false;
      testBtn.disabled = false;
    }
  }

  function showOutcome(kind, headline, detail) {
    replace(outcome, h('div', { class: `outcome ${kind}`, dataset: { outcome: kind } },
      kind === 'pending' ? h('span', { class: 'spinner', 'aria-hidden': 'true' }) : h('span', { class: `badge ${kind}` }, headline),
      h('span', { class: 'outcome-text' }, kind === 'pending' ? headline : detail)));
  }

  async function sendTest(t) {
    stopWatch();
    showOutcome('pending', 'Sending a test…');
    let r;
    try {
      r = await post(`/api/tasks/${t.id}/run`);
    } catch (e) {
      showOutcome('failed', 'Not sent', `The run was refused: ${e.message}`);
      return;
    }
    stopWatch = watchRun(t.id, r.scheduledFor, ({ log, final, timedOut }) => {
      if (timedOut) { showOutcome('retrying', 'Still waiting', 'No final answer after two minutes; see the attempt history.'); return; }
      if (!log) return;
      const bits = [log.httpStatus ? `HTTP ${log.httpStatus}` : 'no response', log.durationMs !== null ? `${log.durationMs} ms` : null, `attempt ${log.retryCount + 1}`, log.message || null].filter(Boolean);
      const kind = log.status.toLowerCase();
      showOutcome(kind, OUTCOME[log.status] || log.status, `${bits.join(' · ')}${final ? '' : ' — waiting for the next attempt…'}`);
    });
  }

  function askDiscard() {
    return confirmDialog({ title: 'Discard your changes?', body: 'What you changed in this form is not saved.', confirmLabel: 'Discard changes', cancelLabel: 'Keep editing', danger: true });
  }

  async function cancel() {
    const target = taskId ? `#/tasks/${taskId}` : '#/';
    if (dirty() && !(await askDiscard())) return;
    leaving = true;
    app.leave(target);
  }

  // -- start ----------------------------------------------------------------------------
  async function load() {
    await null; // the page puts the form in the document first; then it can take the focus
    if (mode === 'new') {
      setTitle();
      syncJson();
      embeds.render();
      help.refresh();
      savedSig = sig();
      renderPreview();
      name.control.focus();
      return;
    }
    form.hidden = true;
    preview.hidden = true;
    try {
      const t = await get(`/api/tasks/${id}`);
      delete t.logs;
      if (mode === 'edit') task = t;
      fill(t, { duplicate: mode === 'duplicate' });
      form.hidden = false;
      preview.hidden = false;
      setTitle();
      savedSig = mode === 'edit' ? sig() : '';
      renderPreview();
      name.control.focus();
    } catch (e) {
      title.textContent = e.status === 404 ? 'Task not found' : 'Could not load the task';
      element.append(h('p', { class: 'muted' }, e.status === 404 ? 'It was deleted, or it belongs to another tenant.' : e.message));
      title.focus();
    }
  }
  name.control.addEventListener('input', () => { if (taskId) setTitle(); });
  load();

  return {
    element,
    stop() { stopWatch(); help.stop(); },
    /** Asks before the page leaves a form with unsaved changes; true: leave. */
    async mayLeave() {
      if (leaving || !dirty()) return true;
      leaving = await askDiscard();
      return leaving;
    },
    /** The task is gone (deleted): leave without asking. */
    forget() { leaving = true; },
  };
}
