// IANA time-zone names for the Time zone field: the browser's own list, the
// browser's zone as the default, and a searchable input (a datalist filters
// as you type, by keyboard as well as by pointer).

import { h } from './util.js';

/** The viewer's zone, e.g. "Europe/Berlin"; UTC when the browser does not say. */
export function browserZone() {
  try { return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'; } catch { return 'UTC'; }
}

let names = null;
/** Every zone name the browser knows, sorted, with UTC. */
export function zoneNames() {
  if (names) return names;
  let list = [];
  try { list = Intl.supportedValuesOf('timeZone'); } catch { list = []; }
  names = [...new Set(['UTC', ...list, browserZone()])].sort((a, b) => (a === 'UTC' ? -1 : b === 'UTC' ? 1 : a.localeCompare(b)));
  return names;
}

export function isKnownZone(zone) {
  return zoneNames().includes(zone);
}

/** "UTC+01:00" for a zone at an instant. */
export function zoneOffset(zone, at = Date.now()) {
  try {
    const part = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })
      .formatToParts(new Date(at)).find((p) => p.type === 'timeZoneName');
    const v = part ? part.value.replace('GMT', 'UTC') : 'UTC';
    return v === 'UTC' ? 'UTC+00:00' : v;
  } catch { return ''; }
}

let datalist = null;
/** The one shared <datalist id="time-zones">, made on first use. */
export function zoneDatalist() {
  if (datalist && datalist.isConnected) return datalist;
  const now = Date.now();
  datalist = h('datalist', { id: 'time-zones' }, zoneNames().map((z) => h('option', { value: z }, zoneOffset(z, now))));
  document.body.append(datalist);
  return datalist;
}
