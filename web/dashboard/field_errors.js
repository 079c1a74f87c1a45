// The API's 400 details shown next to the field they name. Every control of
// the form carries its API path in data-path ("name", "payload.content",
// "payload.embeds[0].fields[3].value"); a detail goes to that control, or, when
// no control has its exact path, to the nearest one above it.

import { $all } from './util.js';

const cssPath = (p) => p.replace(/["\\]/g, '\\$&');

/** The control for a path, or for the nearest path above it. */
export function controlFor(root, path) {
  let p = String(path || '');
  while (p) {
    const el = root.querySelector(`[data-path="${cssPath(p)}"]`);
    if (el) return el;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    if (cut <= 0) break;
    p = p.slice(0, cut);
  }
  return null;
}

function errorElement(control) {
  return control.id ? document.getElementById(`${control.id}-error`) : null;
}

function describedBy(control, id, on) {
  const ids = new Set((control.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean));
  if (on) ids.add(id); else ids.delete(id);
  if (ids.size) control.setAttribute('aria-describedby', [...ids].join(' '));
  else control.removeAttribute('aria-describedby');
}

/** Shows (or, with '', clears) one message at a control. */
export function setFieldError(control, message) {
  const box = errorElement(control);
  if (!box) return;
  const text = box.querySelector('.field-error-text') || box;
  text.textContent = message || '';
  box.hidden = !message;
  if (message) control.setAttribute('aria-invalid', 'true');
  else control.removeAttribute('aria-invalid');
  describedBy(control, box.id, !!message);
  control.closest('.fld')?.classList.toggle('invalid', !!message);
}

/** Clears every message a save left (the schedule help keeps its own). */
export function clearFieldErrors(root, { keep = [] } = {}) {
  for (const c of $all('[data-path][aria-invalid="true"]', root)) {
    if (!keep.includes(c.dataset.path)) setFieldError(c, '');
  }
}

/**
 * Puts each detail at its control; several for one control are joined.
 * Returns [{ path, message, control }] (control null when none fits).
 */
export function showFieldErrors(root, details) {
  const byControl = new Map();
  const shown = [];
  for (const d of details || []) {
    const control = controlFor(root, d.field);
    shown.push({ path: d.field, message: d.message, control });
    if (!control) continue;
    const exact = control.dataset.path === d.field;
    const line = exact ? d.message : `${d.field}: ${d.message}`;
    byControl.set(control, [...(byControl.get(control) || []), line]);
  }
  for (const [control, lines] of byControl) setFieldError(control, lines.join(' · '));
  return shown;
}
