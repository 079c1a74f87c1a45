// Help with the Schedule field: presets that write the expression, the
// expression in plain words (cronstrue, vendored from npm), and the next five
// fire times from GET /api/cron/preview in the task's zone and the viewer's,
// asked for as the user types (debounced). The API's message for a bad
// expression or zone is handed to onErrors, which shows it at the field.

import { get, ApiError } from './api.js';
import { h, replace, debounce } from './util.js';
import { browserZone } from './zones.js';
import { PRESETS, WEEKDAYS, presetExpression, presetOf } from './schedule_presets.js';


// cronstrue is a classic script (UMD): load it once, when a form first needs it.
let cronstrueLoad = null;
function loadCronstrue() {
  if (window.cronstrue) return Promise.resolve(window.cronstrue);
  if (!cronstrueLoad) {
    cronstrueLoad = new Promise((resolve) => {
      const el = h('script', { src: 'dashboard/cronstrue.min.js', async: true });
      el.addEventListener('load', () => resolve(window.cronstrue || null));
      el.addEventListener('error', () => { cronstrueLoad = null; resolve(null); });
      document.head.append(el);
    });
  }
  return cronstrueLoad;
}

/** The expression in plain words, or null when cronstrue cannot read it. */
export function describe(cronstrue, expression) {
  if (!cronstrue || !expression.trim()) return null;
  try {
    return cronstrue.toString(expression.trim(), { use24HourTimeFormat: true, throwExceptionOnParseError: true, verbose: true });
  } catch { return null; }
}

function formatIn(zone, ms, withSeconds) {
  try {
    return new Intl.DateTimeFormat(undefined, {
      timeZone: zone, weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
      second: withSeconds ? '2-digit' : undefined, hourCycle: 'h23',
    }).format(new Date(ms));
  } catch { return new Date(ms).toISOString(); }
}

/**
 * scheduleInput, zoneInput: the form's inputs. onErrors({ schedule, timezone }):
 * the API's messages ('' when fine). onNext(ms[]): the next fire times.
 */
export function scheduleHelp({ scheduleInput, zoneInput, onErrors, onNext }) {
  const words = h('p', { class: 'schedule-words', id: 'f-schedule-words', 'aria-live': 'polite' });
  const kind = h('select', { id: 'f-preset' }, PRESETS.map(([v, t]) => h('option', { value: v }, t)));
  const time = h('input', { id: 'f-preset-time', type: 'time', value: '09:00' });
  const weekday = h('select', { id: 'f-preset-weekday' }, WEEKDAYS.map((d, i) => h('option', { value: String(i) }, d)));
  weekday.value = '1';
  const day = h('input', { id: 'f-preset-day', type: 'number', min: '1', max: '31', value: '1', inputmode: 'numeric' });
  const part = (id, label, control) => h('div', { class: 'preset-part', dataset: { part: id } }, h('label', { for: control.id }, label), control);
  const timePart = part('time', 'At', time);
  const weekdayPart = part('weekday', 'On', weekday);
  const dayPart = part('day', 'Day of the month', day);
  const presets = h('div', { class: 'presets', role: 'group', 'aria-label': 'Schedule presets' },
    part('kind', 'Preset', kind), timePart, weekdayPart, dayPart);
  const upcoming = h('div', { class: 'next-fires', id: 'next-fires', 'aria-live': 'polite' });

  const showParts = () => {
    timePart.hidden = !['day', 'week', 'month'].includes(kind.value);
    weekdayPart.hidden = kind.value !== 'week';
    dayPart.hidden = kind.value !== 'month';
  };
  const applyPreset = () => {
    showParts();
    const expr = presetExpression(kind.value, { time: time.value, weekday: weekday.value, day: Math.min(31, Math.max(1, parseInt(day.value, 10) || 1)) });
    if (expr === null) return;
    scheduleInput.value = expr;
    scheduleInput.dispatchEvent(new Event('input', { bubbles: true }));
  };
  for (const c of [kind, time, weekday, day]) c.addEventListener('change', applyPreset);

  const syncPreset = () => {
    const p = presetOf(scheduleInput.value);
    kind.value = p.kind;
    if (p.time) time.value = p.time;
    if (p.weekday !== undefined) weekday.value = String(p.weekday);
    if (p.day !== undefined) day.value = String(p.day);
    showParts();
  };

  let cronstrue = null;
  const renderWords = () => {
    const text = describe(cronstrue, scheduleInput.value);
    words.textContent = text ? `${text} (${zoneInput.value.trim() || 'UTC'})` : '';
    words.hidden = !text;
  };
  loadCronstrue().then((c) => { cronstrue = c; renderWords(); });

  let seq = 0;
  let controller = null;
  const fetchNext = async () => {
    const expression = scheduleInput.value.trim();
    const timezone = zoneInput.value.trim() || 'UTC';
    const mine = ++seq;
    if (controller) controller.abort();
    if (!expression) {
      replace(upcoming, h('p', { class: 'muted' }, 'Enter a schedule to see when it fires.'));
      onErrors({ schedule: '', timezone: '' });
      onNext([]);
      return;
    }
    controller = new AbortController();
    try {
      const r = await get('/api/cron/preview', { expression, timezone, count: 5 }, { signal: controller.signal });
      if (mine !== seq) return;
      onErrors({ schedule: '', timezone: '' });
      const times = r.next.map((x) => Date.parse(x));
      onNext(times);
      renderUpcoming(times, timezone, expression.split(/\s+/).length === 6);
    } catch (e) {
      if (mine !== seq || (e && e.name === 'AbortError')) return;
      onNext([]);
      if (e instanceof ApiError && e.status === 400) {
        const d = e.details || [];
        const of = (f) => (d.find((x) => x.field === f) || {}).message;
        const zone = of('timezone');
        const expr = of('expression');
        onErrors({ schedule: expr ? `${expr}` : (zone ? '' : e.message), timezone: zone || '' });
        replace(upcoming, h('p', { class: 'muted' }, 'No fire times until the schedule and the zone are valid.'));
      } else {
        replace(upcoming, h('p', { class: 'muted' }, `Could not ask for the fire times: ${e.message}`));
      }
    }
  };
  const renderUpcoming = (times, zone, withSeconds) => {
    const mine = browserZone();
    const same = mine === zone;
    replace(upcoming,
      h('table', { class: 'fires', id: 'fires-table' },
        h('caption', null, 'Next 5 fire times'),
        h('thead', null, h('tr', null,
          h('th', { scope: 'col' }, same ? `${zone} (your zone too)` : `In ${zone}`),
          same ? null : h('th', { scope: 'col' }, `Your time (${mine})`))),
        h('tbody', null, times.map((ms) => h('tr', { dataset: { at: new Date(ms).toISOString() } },
          h('td', null, formatIn(zone, ms, withSeconds)),
          same ? null : h('td', null, formatIn(mine, ms, withSeconds)))))));
  };
  const askSoon = debounce(fetchNext, 350);

  scheduleInput.addEventListener('input', () => { syncPreset(); renderWords(); askSoon(); });
  zoneInput.addEventListener('input', () => { renderWords(); askSoon(); });
  zoneInput.addEventListener('change', () => { renderWords(); askSoon(); });

  return {
    presets, words, upcoming,
    /** After the form set the fields itself (loading a task). */
    refresh() { syncPreset(); renderWords(); fetchNext(); },
    stop() { seq++; if (controller) controller.abort(); },
  };
}
