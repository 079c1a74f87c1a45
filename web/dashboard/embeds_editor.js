// The embeds of the message in the form: add, remove and reorder embeds and
// their fields, and edit every part (title, description, URL, colour, author,
// image, thumbnail, footer, timestamp; fields with name, value and inline).
// Edits change the draft in place and call onChange; structural changes
// redraw the list and put the focus back where the user was.

import { h, replace } from './util.js';
import { LIMITS, embedsTextLength } from './discord_limits.js';
import { newEmbed, newField, colorToHex, hexToColor } from './payload_draft.js';
import { textField, updateCounter, errorBox } from './form_fields.js';

function moveItem(list, from, to) {
  const [x] = list.splice(from, 1);
  list.splice(to, 0, x);
}

function toolButton(label, text, onclick, { disabled = false, danger = false, id } = {}) {
  return h('button', { type: 'button', id, class: `btn ghost small ${danger ? 'danger' : ''}`, 'aria-label': label, title: label, disabled, onclick }, text);
}

/** { getDraft(), onChange() } → { element, render(focusId?) } */
export function embedsEditor({ getDraft, onChange }) {
  const list = h('div', { class: 'embeds-list' });
  const total = h('span', { class: 'counter', id: 'embeds-total-count' });
  const addEmbed = h('button', { type: 'button', class: 'btn secondary small', id: 'add-embed' }, '+ Add embed');
  const holder = h('div', { class: 'fld embeds-fld', role: 'group', tabindex: '-1', id: 'f-embeds', dataset: { path: 'payload.embeds' }, 'aria-labelledby': 'embeds-title', 'aria-describedby': 'embeds-total-count' });
  const element = h('section', { class: 'embeds-edit', 'aria-labelledby': 'embeds-title' },
    h('div', { class: 'fld-top' }, h('h3', { id: 'embeds-title', class: 'form-subtitle' }, 'Embeds'),
      h('span', { class: 'counter-label' }, 'All embed text: ', total)),
    holder, list, addEmbed);
  holder.append(errorBox('f-embeds'));

  const changed = () => { recountTotal(); onChange(); };
  const recountTotal = () => updateCounter(total, embedsTextLength(getDraft().embeds), LIMITS.embedsTotal);

  addEmbed.addEventListener('click', () => {
    const d = getDraft();
    d.embeds.push(newEmbed());
    render(`e${d.embeds.length - 1}-title`);
    onChange();
  });

  function embedBlock(e, i, count) {
    const p = `payload.embeds[${i}]`;
    const id = (x) => `e${i}-${x}`;
    const text = (key, label, o = {}) => textField({
      id: id(key.replace('.', '-')), label, path: `${p}.${key}`, value: key.includes('.') ? e[key.split('.')[0]][key.split('.')[1]] : e[key],
      onInput: (v) => { if (key.includes('.')) { const [a, b] = key.split('.'); e[a][b] = v; } else e[key] = v; changed(); },
      ...o,
    }).wrap;

    // Colour: a hex text field (empty: no colour) and a picker, kept in step.
    const picker = h('input', { type: 'color', id: id('color-picker'), class: 'color-picker', 'aria-label': `Pick the colour of embed ${i + 1}`, value: colorToHex(e.color) || '#5865f2' });
    const colorText = textField({
      id: id('color'), label: 'Colour', path: `${p}.color`, value: colorToHex(e.color), placeholder: '#5865f2',
      hint: 'Hex, e.g. #5865f2; empty for none.', extra: picker,
      onInput: (v) => {
        const c = hexToColor(v);
        if (c === undefined) delete e.color; else if (!Number.isNaN(c)) e.color = c;
        if (Number.isInteger(c)) picker.value = colorToHex(c);
        changed();
      },
    });
    picker.addEventListener('input', () => {
      e.color = hexToColor(picker.value);
      colorText.control.value = picker.value;
      changed();
    });

    const now = h('button', { type: 'button', class: 'btn ghost small', 'aria-label': `Set the timestamp of embed ${i + 1} to now` }, 'Now');
    const stamp = textField({
      id: id('timestamp'), label: 'Timestamp', path: `${p}.timestamp`, value: e.timestamp, placeholder: '2026-11-23T10:00:00.000Z',
      hint: 'ISO 8601; shown in the footer.', extra: now, onInput: (v) => { e.timestamp = v; changed(); },
    });
    now.addEventListener('click', () => { stamp.control.value = new Date().toISOString(); e.timestamp = stamp.control.value; changed(); });

    const fields = h('div', { class: 'fields-list' }, e.fields.map((f, j) => fieldBlock(e, i, f, j)));
    const addField = h('button', {
      type: 'button', class: 'btn secondary small', id: id('add-field'), disabled: e.fields.length >= LIMITS.fields,
      'aria-label': `Add field to embed ${i + 1}`,
      onclick: () => { e.fields.push(newField()); render(`e${i}-f${e.fields.length - 1}-name`); onChange(); },
    }, '+ Add field');

    return h('fieldset', { class: 'embed-edit', id: id('box'), dataset: { path: p } },
      h('legend', null, `Embed ${i + 1}`),
      errorBox(id('box')),
      h('div', { class: 'item-tools' },
        toolButton(`Move embed ${i + 1} up`, '↑ Up', () => { moveItem(getDraft().embeds, i, i - 1); render(`e${i - 1}-up`, `e${i - 1}-down`); onChange(); }, { disabled: i === 0, id: id('up') }),
        toolButton(`Move embed ${i + 1} down`, '↓ Down', () => { moveItem(getDraft().embeds, i, i + 1); render(`e${i + 1}-down`, `e${i + 1}-up`); onChange(); }, { disabled: i === count - 1, id: id('down') }),
        toolButton(`Remove embed ${i + 1}`, '✕ Remove', () => { getDraft().embeds.splice(i, 1); render(count > 1 ? `e${Math.max(0, i - 1)}-title` : 'add-embed'); onChange(); }, { danger: true, id: id('remove') })),
      h('div', { class: 'embed-grid' },
        text('title', 'Title', { limit: LIMITS.title }),
        text('url', 'Title link (URL)', { type: 'url', placeholder: 'https://…' }),
        text('description', 'Description', { multiline: true, rows: 4, limit: LIMITS.description, cls: 'span-2' }),
        colorText.wrap,
        stamp.wrap,
        text('author.name', 'Author name', { limit: LIMITS.authorName }),
        text('author.url', 'Author link (URL)', { type: 'url', placeholder: 'https://…' }),
        text('author.icon_url', 'Author icon URL', { type: 'url', placeholder: 'https://…' }),
        text('image.url', 'Image URL', { type: 'url', placeholder: 'https://…' }),
        text('thumbnail.url', 'Thumbnail URL', { type: 'url', placeholder: 'https://…' }),
        text('footer.text', 'Footer text', { limit: LIMITS.footer }),
        text('footer.icon_url', 'Footer icon URL', { type: 'url', placeholder: 'https://…' })),
      h('div', { class: 'fields-edit' },
        h('h4', { class: 'form-subtitle small' }, `Fields of embed ${i + 1}`),
        fields, addField));
  }

  function fieldBlock(e, i, f, j) {
    const p = `payload.embeds[${i}].fields[${j}]`;
    const id = (x) => `e${i}-f${j}-${x}`;
    const n = e.fields.length;
    const inlineBox = h('input', { type: 'checkbox', id: id('inline'), dataset: { path: `${p}.inline` } });
    inlineBox.checked = !!f.inline;
    inlineBox.addEventListener('change', () => { f.inline = inlineBox.checked; changed(); });
    return h('fieldset', { class: 'field-edit', id: id('box') },
      h('legend', null, `Field ${j + 1}`),
      h('div', { class: 'item-tools' },
        toolButton(`Move field ${j + 1} of embed ${i + 1} up`, '↑', () => { moveItem(e.fields, j, j - 1); render(`e${i}-f${j - 1}-up`, `e${i}-f${j - 1}-down`); onChange(); }, { disabled: j === 0, id: id('up') }),
        toolButton(`Move field ${j + 1} of embed ${i + 1} down`, '↓', () => { moveItem(e.fields, j, j + 1); render(`e${i}-f${j + 1}-down`, `e${i}-f${j + 1}-up`); onChange(); }, { disabled: j === n - 1, id: id('down') }),
        toolButton(`Remove field ${j + 1} of embed ${i + 1}`, '✕', () => { e.fields.splice(j, 1); render(n > 1 ? `e${i}-f${Math.max(0, j - 1)}-name` : `e${i}-add-field`); onChange(); }, { danger: true, id: id('remove') })),
      textField({ id: id('name'), label: 'Name', path: `${p}.name`, value: f.name, limit: LIMITS.fieldName, onInput: (v) => { f.name = v; changed(); } }).wrap,
      textField({ id: id('value'), label: 'Value', path: `${p}.value`, value: f.value, multiline: true, rows: 2, limit: LIMITS.fieldValue, onInput: (v) => { f.value = v; changed(); } }).wrap,
      h('label', { class: 'check', for: id('inline') }, inlineBox, ' Inline (side by side with its neighbours)'),
      errorBox(id('inline')));
  }

  /** Redraws from the draft; focuses the first of focusIds that can take it. */
  function render(...focusIds) {
    const embeds = getDraft().embeds;
    replace(list, embeds.map((e, i) => embedBlock(e, i, embeds.length)));
    addEmbed.disabled = embeds.length >= LIMITS.embeds;
    recountTotal();
    for (const fid of focusIds) {
      const el = fid && document.getElementById(fid);
      if (el && !el.disabled) { el.focus(); break; }
    }
  }

  return { element, render };
}
