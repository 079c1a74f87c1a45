// Small DOM and formatting helpers. Everything user-controlled (task names,
// messages, URLs) reaches the page through textContent or attributes, never
// through innerHTML.

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(el, attrs, children) {
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.setAttribute('class', v);
      else if (k === 'text') el.textContent = v;
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** h('a', {href: '#', class: 'x'}, 'text', child…) */
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** The same for SVG elements. */
export function s(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

export function $(sel, root = document) { return root.querySelector(sel); }
export function $all(sel, root = document) { return [...root.querySelectorAll(sel)]; }

export function replace(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

export function debounce(fn, ms) {
  let t;
  return (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
}

const intFmt = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
export function fmtInt(n) { return n === null || n === undefined ? '—' : intFmt.format(n); }

export function fmtPct(fraction) {
  if (fraction === null || fraction === undefined || Number.isNaN(fraction)) return '—';
  const p = fraction * 100;
  if (p === 100 || p === 0) return `${p}%`;
  return `${p >= 99.95 ? p.toFixed(2) : p.toFixed(1)}%`;
}

export function fmtMs(ms) {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
  return `${(ms / 60000).toFixed(1)} min`;
}

/** "in 12 s", "3 min ago", "just now" */
export function fmtRel(ms, now) {
  const d = ms - now;
  const a = Math.abs(d);
  if (a < 1000) return d >= 0 ? 'now' : 'just now';
  let v;
  if (a < 60e3) v = `${Math.round(a / 1e3)} s`;
  else if (a < 90 * 60e3) v = `${Math.round(a / 60e3)} min`;
  else if (a < 36 * 3600e3) v = `${Math.round(a / 3600e3)} h`;
  else v = `${Math.round(a / 86400e3)} d`;
  return d > 0 ? `in ${v}` : `${v} ago`;
}

const sameYear = new Intl.DateTimeFormat(undefined, {
  month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', second: '2-digit',
});
const otherYear = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit',
});
const hm = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });

/** Local absolute time, compact. */
export function fmtAbs(ms) {
  const d = new Date(ms);
  return d.getFullYear() === new Date().getFullYear() ? sameYear.format(d) : otherYear.format(d);
}
export function fmtClock(ms) { return hm.format(new Date(ms)); }

export function parseTime(iso) { return iso ? Date.parse(iso) : null; }

/**
 * A <time> element whose text is kept relative by the page's 1 s ticker
 * (elements with data-rel), with the absolute local time as tooltip.
 */
export function relTime(iso, now) {
  const ms = parseTime(iso);
  if (ms === null || Number.isNaN(ms)) return h('span', { class: 'muted' }, '—');
  return h('time', {
    datetime: iso, title: `${fmtAbs(ms)} (${iso})`, dataset: { rel: String(ms) },
  }, fmtRel(ms, now));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(v) { return UUID.test(v); }
