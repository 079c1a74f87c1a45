// Two inline-SVG charts over 60 per-minute buckets: stacked deliveries by
// outcome, and fire lateness p50/p99. Redrawn on every poll and on resize;
// the hovered (or keyboard-selected) minute survives a redraw.

import { s, h, replace, fmtInt, fmtClock, fmtMs } from './util.js';

export const OUTCOME_LABELS = { SUCCESS: 'Success', RETRYING: 'Retrying', FAILED: 'Failed', SKIPPED: 'Skipped' };
const STACK = ['SUCCESS', 'SKIPPED', 'RETRYING', 'FAILED']; // bottom to top

/** A round step that splits max into about four parts (whole numbers when integer). */
function niceStep(max, integer) {
  const raw = Math.max(max, integer ? 4 : 1e-9) / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) {
    const step = m * p;
    if (integer && !Number.isInteger(step)) continue;
    if (step >= raw) return step;
  }
  return 10 * p;
}

function shortMs(v) {
  if (v < 1000) return `${+v.toFixed(1)} ms`;
  return `${+(v / 1000).toFixed(2)} s`;
}

/**
 * Lays out the frame (grid, y labels, time axis) and the hover/keyboard
 * behaviour; draw() adds the marks. Returns nothing: the chart lives in el.
 */
function chart(el, buckets, { height, yMax, yStep, yFormat, label, draw, tooltip, empty }) {
  const width = Math.max(240, Math.floor(el.clientWidth || 600));
  const m = { l: 44, r: 10, t: 10, b: 24 };
  const pw = width - m.l - m.r;
  const ph = height - m.t - m.b;
  const n = buckets.length;
  const bw = pw / n;
  const x = (i) => m.l + i * bw;
  const y = (v) => m.t + ph - (v / yMax) * ph;

  const svg = s('svg', {
    width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label,
    tabindex: '0', class: 'chart-svg', focusable: 'true',
  });

  // Minutes that were not loaded (more rows than the first look reads).
  const firstLoaded = buckets.findIndex((b) => b.loaded);
  if (firstLoaded > 0) {
    svg.append(s('rect', { class: 'unloaded', x: m.l, y: m.t, width: firstLoaded * bw, height: ph }));
  }

  const ticks = Math.round(yMax / yStep);
  for (let k = 0; k <= ticks; k++) {
    const v = yStep * k;
    const yy = Math.round(y(v)) + 0.5;
    svg.append(s('line', { class: k === 0 ? 'axis' : 'gridline', x1: m.l, x2: width - m.r, y1: yy, y2: yy }));
    svg.append(s('text', { class: 'tick', x: m.l - 6, y: yy + 3.5, 'text-anchor': 'end' }, yFormat(v)));
  }
  // Time labels every 15 minutes, on whole quarters of the hour, clear of "now".
  const nowLeft = width - m.r - 24;
  buckets.forEach((b, i) => {
    const d = new Date(b.t);
    if (d.getMinutes() % 15 === 0) {
      const xx = Math.round(x(i) + bw / 2) + 0.5;
      if (xx + 30 > nowLeft || xx - 30 < m.l - 10) return;
      svg.append(s('line', { class: 'xtick', x1: xx, x2: xx, y1: m.t + ph, y2: m.t + ph + 4 }));
      svg.append(s('text', { class: 'tick', x: xx, y: height - 6, 'text-anchor': 'middle' }, fmtClock(b.t)));
    }
  });
  svg.append(s('text', { class: 'tick', x: width - m.r, y: height - 6, 'text-anchor': 'end' }, 'now'));

  const hl = s('rect', { class: 'hover', x: 0, y: m.t, width: bw, height: ph, visibility: 'hidden' });
  svg.append(hl);
  draw(svg, { x, y, bw, ph, m, width, height });
  if (empty) {
    svg.append(s('text', { class: 'empty', x: m.l + pw / 2, y: m.t + ph / 2, 'text-anchor': 'middle' }, empty));
  }

  const tip = h('div', { class: 'chart-tip', role: 'status', hidden: true });
  const show = (i) => {
    if (i === null || i < 0 || i >= n) {
      el.dataset.hover = '';
      hl.setAttribute('visibility', 'hidden');
      tip.hidden = true;
      return;
    }
    el.dataset.hover = String(i);
    hl.setAttribute('x', x(i));
    hl.setAttribute('visibility', 'visible');
    replace(tip, tooltip(buckets[i]));
    tip.hidden = false;
    const left = x(i) + bw / 2;
    tip.classList.toggle('flip', left > width * 0.6);
    tip.style.left = `${left}px`;
  };
  const at = (ev) => {
    const r = svg.getBoundingClientRect();
    return Math.floor((ev.clientX - r.left - m.l) / bw);
  };
  svg.addEventListener('pointermove', (ev) => show(at(ev)));
  svg.addEventListener('pointerleave', () => { if (document.activeElement !== svg) show(null); });
  svg.addEventListener('focus', () => show(el.dataset.hover ? Number(el.dataset.hover) : n - 1));
  svg.addEventListener('blur', () => show(null));
  svg.addEventListener('keydown', (ev) => {
    const cur = el.dataset.hover ? Number(el.dataset.hover) : n - 1;
    const next = { ArrowLeft: cur - 1, ArrowRight: cur + 1, Home: 0, End: n - 1 }[ev.key];
    if (next === undefined) return;
    ev.preventDefault();
    show(Math.max(0, Math.min(n - 1, next)));
  });

  const hadFocus = el.contains(document.activeElement);
  const hover = el.dataset.hover;
  replace(el, svg, tip);
  if (hover) show(Number(hover));
  if (hadFocus) svg.focus({ preventScroll: true });
}

/** Stacked bars: deliveries per minute by outcome. */
export function deliveriesChart(el, buckets, { height = 200 } = {}) {
  const max = Math.max(0, ...buckets.map((b) => b.total));
  const yStep = niceStep(max, true);
  const yMax = yStep * Math.ceil(Math.max(max, 4) / yStep);
  const totals = Object.fromEntries(STACK.map((k) => [k, buckets.reduce((a, b) => a + b[k], 0)]));
  const all = buckets.reduce((a, b) => a + b.total, 0);
  el.dataset.total = String(all);
  const label = `Deliveries per minute, last 60 minutes: ${fmtInt(all)} in total, ` +
    Object.keys(OUTCOME_LABELS).map((k) => `${fmtInt(totals[k])} ${OUTCOME_LABELS[k].toLowerCase()}`).join(', ') + '.';
  chart(el, buckets, {
    height, yMax, yStep, label,
    yFormat: (v) => fmtInt(v),
    empty: all === 0 ? 'No deliveries in the last hour' : null,
    draw(svg, { x, y, bw }) {
      const w = Math.max(1, bw * 0.72);
      const pad = (bw - w) / 2;
      buckets.forEach((b, i) => {
        let base = 0;
        const g = s('g', { class: i === buckets.length - 1 ? 'bar partial' : 'bar' });
        for (const k of STACK) {
          if (!b[k]) continue;
          const y0 = y(base);
          const y1 = y(base + b[k]);
          g.append(s('rect', { class: `seg ${k.toLowerCase()}`, x: x(i) + pad, y: y1, width: w, height: Math.max(1, y0 - y1) }));
          base += b[k];
        }
        if (g.childNodes.length) svg.append(g);
      });
    },
    tooltip(b) {
      return [
        h('strong', null, `${fmtClock(b.t)} · ${fmtInt(b.total)} deliveries`),
        ...Object.keys(OUTCOME_LABELS).filter((k) => b[k]).map((k) =>
          h('div', { class: 'tip-row' }, h('span', { class: `swatch ${k.toLowerCase()}` }), `${OUTCOME_LABELS[k]} `, h('b', null, fmtInt(b[k])))),
        b.loaded ? null : h('div', { class: 'muted' }, 'not loaded'),
      ];
    },
  });
  return totals;
}

/** Lines: p50 and p99 of fire lateness per minute. */
export function latenessChart(el, buckets, { height = 200 } = {}) {
  const max = Math.max(4, ...buckets.map((b) => b.p99 ?? 0));
  const yStep = niceStep(max, true);
  const yMax = yStep * Math.ceil(max / yStep);
  const samples = buckets.reduce((a, b) => a + b.samples, 0);
  el.dataset.samples = String(samples);
  const latest = [...buckets].reverse().find((b) => b.samples);
  const label = samples
    ? `Fire lateness per minute, last 60 minutes; latest minute p50 ${fmtMs(latest.p50)}, p99 ${fmtMs(latest.p99)}.`
    : 'Fire lateness per minute, last 60 minutes: no scheduled fires.';
  chart(el, buckets, {
    height, yMax, yStep, label,
    yFormat: shortMs,
    empty: samples === 0 ? 'No scheduled fires in the last hour' : null,
    draw(svg, { x, y, bw }) {
      for (const [key, cls] of [['p99', 'p99'], ['p50', 'p50']]) {
        let d = '';
        let run = [];
        const flush = () => {
          if (run.length === 1) {
            svg.append(s('circle', { class: `dot ${cls}`, cx: run[0][0], cy: run[0][1], r: 2.5 }));
          }
          run = [];
        };
        buckets.forEach((b, i) => {
          const v = b[key];
          if (v === null || v === undefined) { flush(); return; }
          const px = x(i) + bw / 2;
          const py = y(Math.min(v, yMax));
          d += `${run.length ? 'L' : 'M'}${px.toFixed(1)},${py.toFixed(1)}`;
          run.push([px, py]);
        });
        flush();
        if (d) svg.append(s('path', { class: `line ${cls}`, d }));
      }
    },
    tooltip(b) {
      if (!b.samples) return [h('strong', null, fmtClock(b.t)), h('div', { class: 'muted' }, 'no scheduled fires')];
      return [
        h('strong', null, `${fmtClock(b.t)} · ${fmtInt(b.samples)} fires`),
        h('div', { class: 'tip-row' }, h('span', { class: 'swatch p50' }), 'p50 ', h('b', null, fmtMs(b.p50))),
        h('div', { class: 'tip-row' }, h('span', { class: 'swatch p99' }), 'p99 ', h('b', null, fmtMs(b.p99))),
      ];
    },
  });
  return latest || null;
}
