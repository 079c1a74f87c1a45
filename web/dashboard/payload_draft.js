// The message as the form edits it (a "draft": every known text present, empty
// when unset) and the payload the API stores (empty parts left out). Members the
// form does not know (allowed_mentions, flags, …) pass through untouched.

const EMBED_TEXT = ['title', 'description', 'url', 'timestamp'];
const EMBED_PARTS = { author: ['name', 'url', 'icon_url'], footer: ['text', 'icon_url'], image: ['url'], thumbnail: ['url'] };

export function newEmbed() {
  return draftEmbed({});
}

export function newField() {
  return { name: '', value: '', inline: false };
}

function draftEmbed(e) {
  const d = { ...e };
  for (const k of EMBED_TEXT) d[k] = typeof e[k] === 'string' ? e[k] : '';
  for (const [part, keys] of Object.entries(EMBED_PARTS)) {
    const src = e[part] && typeof e[part] === 'object' ? e[part] : {};
    d[part] = { ...src };
    for (const k of keys) d[part][k] = typeof src[k] === 'string' ? src[k] : '';
  }
  d.fields = Array.isArray(e.fields) ? e.fields.map((f) => ({ ...f, name: f.name ?? '', value: f.value ?? '', inline: f.inline === true })) : [];
  return d;
}

/** A payload (from the API or the JSON view) as a draft the form can edit. */
export function draftFromPayload(payload) {
  const p = payload && typeof payload === 'object' && !Array.isArray(payload) ? payload : {};
  const d = { ...p };
  for (const k of ['content', 'username', 'avatar_url']) d[k] = typeof p[k] === 'string' ? p[k] : '';
  d.embeds = Array.isArray(p.embeds) ? p.embeds.map((e) => draftEmbed(e && typeof e === 'object' ? e : {})) : [];
  return d;
}

function cleanPart(obj) {
  const out = {};
  for (const [k, v] of Object.entries(obj)) if (v !== '' && v !== undefined && v !== null) out[k] = v;
  return Object.keys(out).length ? out : undefined;
}

function cleanEmbed(d) {
  const e = {};
  for (const [k, v] of Object.entries(d)) {
    if (k === 'fields' || k in EMBED_PARTS) continue;
    if (v === '' || v === undefined || v === null) continue;
    e[k] = v;
  }
  for (const part of Object.keys(EMBED_PARTS)) {
    const c = d[part] ? cleanPart(d[part]) : undefined;
    if (c) e[part] = c;
  }
  if (d.fields && d.fields.length) {
    e.fields = d.fields.map((f) => {
      const out = { ...f, name: f.name, value: f.value };
      if (f.inline) out.inline = true; else delete out.inline;
      return out;
    });
  }
  return e;
}

/** The payload to send: the draft without empty texts, parts or lists. */
export function payloadFromDraft(draft) {
  const p = {};
  for (const [k, v] of Object.entries(draft)) {
    if (k === 'embeds') continue;
    if (v === '' || v === undefined || v === null) continue;
    p[k] = v;
  }
  if (draft.embeds && draft.embeds.length) p.embeds = draft.embeds.map(cleanEmbed);
  // Discord's order reads best in the JSON view: the message first.
  const order = ['content', 'username', 'avatar_url', 'embeds'];
  const sorted = {};
  for (const k of order) if (k in p) sorted[k] = p[k];
  for (const [k, v] of Object.entries(p)) if (!(k in sorted)) sorted[k] = v;
  return sorted;
}

/** "#5865f2" for 0x5865F2; '' for none. */
export function colorToHex(n) {
  return Number.isInteger(n) && n >= 0 && n <= 0xffffff ? `#${n.toString(16).padStart(6, '0')}` : '';
}

/** 0x5865F2 for "#5865F2" or "5865f2"; undefined for '' ; NaN for anything else. */
export function hexToColor(text) {
  const t = String(text || '').trim();
  if (!t) return undefined;
  const m = /^#?([0-9a-f]{6})$/i.exec(t);
  return m ? parseInt(m[1], 16) : NaN;
}
