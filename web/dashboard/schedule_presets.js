// The schedule presets of the task form (every minute, hour, day at…, week
// on…, month on day…): the expression each writes, and which preset (if any)
// wrote a given expression, so typing and choosing stay in step.

export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
export const PRESETS = [
  ['custom', 'Custom'],
  ['minute', 'Every minute'],
  ['hour', 'Every hour'],
  ['day', 'Every day at…'],
  ['week', 'Every week on…'],
  ['month', 'Every month on day…'],
];

/** The expression a preset writes. */
export function presetExpression(kind, { time = '09:00', weekday = 1, day = 1 } = {}) {
  const [hh, mm] = (time || '09:00').split(':').map((x) => parseInt(x, 10) || 0);
  switch (kind) {
    case 'minute': return '* * * * *';
    case 'hour': return '0 * * * *';
    case 'day': return `${mm} ${hh} * * *`;
    case 'week': return `${mm} ${hh} * * ${weekday}`;
    case 'month': return `${mm} ${hh} ${day} * *`;
    default: return null;
  }
}

/** Which preset wrote an expression (and its settings), or custom. */
export function presetOf(expression) {
  const e = expression.trim().split(/\s+/).join(' ');
  if (e === '* * * * *') return { kind: 'minute' };
  if (e === '0 * * * *') return { kind: 'hour' };
  const m = /^(\d{1,2}) (\d{1,2}) (\*|\d{1,2}) \* (\*|[0-6])$/.exec(e);
  if (!m || +m[1] > 59 || +m[2] > 23) return { kind: 'custom' };
  const time = `${m[2].padStart(2, '0')}:${m[1].padStart(2, '0')}`;
  if (m[3] === '*' && m[4] === '*') return { kind: 'day', time };
  if (m[3] === '*') return { kind: 'week', time, weekday: +m[4] };
  if (m[4] === '*' && +m[3] >= 1 && +m[3] <= 31) return { kind: 'month', time, day: +m[3] };
  return { kind: 'custom' };
}
