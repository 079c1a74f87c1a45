// Template placeholders (API.md, Task, Templates) filled in for the preview the
// way the server fills them at a send: {{scheduledFor}}, {{scheduledFor.unix}},
// {{task.name}}, {{task.id}}, {{attempt}}, {{trigger}}; {{{{ writes "{{".
// Unknown names are left as written (the API says what is wrong with them).

const PLACEHOLDER = /\{\{\{\{|\{\{(scheduledFor|scheduledFor\.unix|task\.name|task\.id|attempt|trigger)\}\}/g;

export function hasPlaceholders(value) {
  return /\{\{/.test(JSON.stringify(value ?? ''));
}

/** The values of one send: the next fire (ms), the task's name and id. */
export function placeholderValues({ fireMs, name, id }) {
  const fire = new Date(Number.isFinite(fireMs) ? fireMs : Date.now());
  fire.setUTCMilliseconds(0);
  return {
    scheduledFor: fire.toISOString(),
    'scheduledFor.unix': String(Math.floor(fire.getTime() / 1000)),
    'task.name': name || 'New task',
    'task.id': id || '00000000-0000-0000-0000-000000000000',
    attempt: '0',
    trigger: 'schedule',
  };
}

export function fillText(text, values) {
  return String(text).replace(PLACEHOLDER, (all, name) => (name ? values[name] : '{{'));
}

/** Every string of a JSON value, filled. */
export function fillPayload(value, values) {
  if (typeof value === 'string') return fillText(value, values);
  if (Array.isArray(value)) return value.map((v) => fillPayload(v, values));
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = fillPayload(v, values);
    return out;
  }
  return value;
}
