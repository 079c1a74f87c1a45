// One labelled form control: its visible label, an optional hint, a character
// counter at a Discord limit, and the box where the API's message for it goes
// (field_errors.js). The control carries its API path in data-path.

import { h } from './util.js';
import { codePoints } from './discord_limits.js';

/** Writes "12 / 256", or "300 / 256 · 44 over" (words, not only colour). */
export function updateCounter(counter, length, limit) {
  const over = length - limit;
  counter.textContent = over > 0 ? `${length} / ${limit} · ${over} over the limit` : `${length} / ${limit}`;
  counter.classList.toggle('over', over > 0);
  counter.dataset.length = String(length);
}

export function errorBox(id) {
  return h('p', { class: 'field-error', id: `${id}-error`, hidden: true },
    h('span', { class: 'field-error-mark', 'aria-hidden': 'true' }, '!'),
    h('span', { class: 'sr-only' }, 'Error: '),
    h('span', { class: 'field-error-text' }));
}

/**
 * { id, label, path, value, type, multiline, rows, limit, hint, placeholder,
 *   required, attrs, onInput(value, control), cls, extra }
 * extra: elements shown beside the control (a picker, a "Now" button).
 * → { wrap, control, counter }
 */
export function textField(o) {
  const describedBy = [];
  const hint = o.hint ? h('p', { class: 'hint', id: `${o.id}-hint` }, o.hint) : null;
  if (hint) describedBy.push(hint.id);
  const counter = o.limit ? h('span', { class: 'counter', id: `${o.id}-count` }) : null;
  if (counter) describedBy.push(counter.id);
  const attrs = {
    id: o.id, dataset: o.path ? { path: o.path } : undefined, placeholder: o.placeholder,
    required: o.required, spellcheck: o.spellcheck, autocomplete: o.autocomplete || 'off',
    'aria-describedby': describedBy.length ? describedBy.join(' ') : undefined,
    ...(o.attrs || {}),
  };
  const control = o.multiline
    ? h('textarea', { ...attrs, rows: String(o.rows || 3) })
    : h('input', { ...attrs, type: o.type || 'text' });
  control.value = o.value ?? '';
  const count = () => { if (counter) updateCounter(counter, codePoints(control.value), o.limit); };
  count();
  control.addEventListener('input', () => { count(); if (o.onInput) o.onInput(control.value, control); });
  const wrap = h('div', { class: `fld ${o.cls || ''}` },
    h('div', { class: 'fld-top' }, h('label', { for: o.id }, o.label), counter),
    o.extra ? h('div', { class: 'control-row' }, control, o.extra) : control, hint, errorBox(o.id));
  return { wrap, control, counter, recount: count };
}
