// Discord's markdown subset, rendered into DOM nodes (never through innerHTML):
// **bold**, *italic* / _italic_, __underline__, ~~strike~~, ||spoiler||,
// `code`, ```code blocks```, > quotes, >>> quotes, # ## ### headings, -# subtext,
// - lists, [masked](https://links), bare links, mentions (<@id>, <@&id>, <#id>,
// @everyone, @here), <t:unix:style> timestamps (shown in the viewer's zone) and
// custom emoji (<:name:id>, shown by name).

import { h } from './util.js';

const TIME_STYLES = {
  t: { hour: 'numeric', minute: '2-digit' },
  T: { hour: 'numeric', minute: '2-digit', second: '2-digit' },
  d: { year: 'numeric', month: '2-digit', day: '2-digit' },
  D: { year: 'numeric', month: 'long', day: 'numeric' },
  f: { year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit' },
  F: { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit' },
};

function relative(ms, now) {
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  const d = (ms - now) / 1000;
  const a = Math.abs(d);
  if (a < 60) return rtf.format(Math.round(d), 'second');
  if (a < 3600) return rtf.format(Math.round(d / 60), 'minute');
  if (a < 86400) return rtf.format(Math.round(d / 3600), 'hour');
  if (a < 86400 * 30) return rtf.format(Math.round(d / 86400), 'day');
  if (a < 86400 * 365) return rtf.format(Math.round(d / (86400 * 30)), 'month');
  return rtf.format(Math.round(d / (86400 * 365)), 'year');
}

export function discordTimestamp(unix, style = 'f', now = Date.now()) {
  const ms = Number(unix) * 1000;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return null;
  if (style === 'R') return relative(ms, now);
  return new Intl.DateTimeFormat(undefined, TIME_STYLES[style] || TIME_STYLES.f).format(new Date(ms));
}

const safeUrl = (u) => /^https?:\/\//i.test(u);
const link = (href, children) => h('a', { href, target: '_blank', rel: 'noopener noreferrer nofollow' }, children);
const mention = (text, title) => h('span', { class: 'dc-mention', title }, text);

// Inline rules, tried in order at each position; the first that matches wins.
const RULES = [
  [/\\([^\w\s])/y, (m) => m[1]],
  [/(`+)([\s\S]*?[^`])\1(?!`)/y, (m) => h('code', { class: 'dc-code' }, m[2])],
  [/<@!?(\d{1,21})>/y, (m) => mention(`@user ${m[1].slice(-4)}`, `A mention of the user with id ${m[1]}`)],
  [/<@&(\d{1,21})>/y, (m) => mention(`@role ${m[1].slice(-4)}`, `A mention of the role with id ${m[1]}`)],
  [/<#(\d{1,21})>/y, (m) => mention(`#channel ${m[1].slice(-4)}`, `A link to the channel with id ${m[1]}`)],
  [/@(everyone|here)\b/y, (m) => mention(`@${m[1]}`, m[1] === 'everyone' ? 'Notifies everyone in the channel' : 'Notifies everyone online')],
  [/<t:(-?\d{1,13})(?::([tTdDfFR]))?>/y, (m, ctx) => {
    const text = discordTimestamp(m[1], m[2] || 'f', ctx.now);
    return text === null ? m[0] : h('span', { class: 'dc-time', title: 'Shown in each reader’s own time zone' }, text);
  }],
  [/<a?:(\w{2,32}):(\d{1,21})>/y, (m) => h('span', { class: 'dc-emoji', title: 'A custom emoji' }, `:${m[1]}:`)],
  [/\[([^\]\n]+)\]\(<?(https?:\/\/[^\s)>]+)>?\)/y, (m, ctx) => link(m[2], inline(m[1], ctx))],
  [/<(https?:\/\/[^\s>]+)>/y, (m) => link(m[1], m[1])],
  [/https?:\/\/[^\s<]+[^\s<.,:;"')\]!?]/y, (m) => (safeUrl(m[0]) ? link(m[0], m[0]) : m[0])],
  [/\*\*\*(?=\S)([\s\S]*?\S)\*\*\*(?!\*)/y, (m, ctx) => h('strong', null, h('em', null, inline(m[1], ctx)))],
  [/\*\*(?=\S)([\s\S]*?\S)\*\*(?!\*)/y, (m, ctx) => h('strong', null, inline(m[1], ctx))],
  [/__(?=\S)([\s\S]*?\S)__(?!_)/y, (m, ctx) => h('u', null, inline(m[1], ctx))],
  [/\*(?=\S)([\s\S]*?\S)\*(?!\*)/y, (m, ctx) => h('em', null, inline(m[1], ctx))],
  [/_(?=\S)([\s\S]*?\S)_(?![_\w])/y, (m, ctx) => h('em', null, inline(m[1], ctx))],
  [/~~(?=\S)([\s\S]*?\S)~~/y, (m, ctx) => h('s', null, inline(m[1], ctx))],
  [/\|\|([\s\S]+?)\|\|/y, (m, ctx) => h('span', { class: 'dc-spoiler', title: 'A spoiler: hidden until clicked in Discord' }, inline(m[1], ctx))],
];
const PLAIN = /[^\\`<@[h*_~|]+/y;

/** Inline markdown of one block of text: an array of nodes and strings. */
export function inline(text, ctx = { now: Date.now() }) {
  const out = [];
  let plain = '';
  let i = 0;
  while (i < text.length) {
    let matched = false;
    for (const [re, make] of RULES) {
      re.lastIndex = i;
      const m = re.exec(text);
      if (!m) continue;
      if (plain) { out.push(plain); plain = ''; }
      i += m[0].length; // before make: a nested inline() moves the shared lastIndex
      out.push(make(m, ctx));
      matched = true;
      break;
    }
    if (matched) continue;
    PLAIN.lastIndex = i;
    const p = PLAIN.exec(text);
    if (p) { plain += p[0]; i = PLAIN.lastIndex; } else { plain += text[i]; i++; }
  }
  if (plain) out.push(plain);
  return out;
}

function withBreaks(lines, ctx) {
  const out = [];
  lines.forEach((l, i) => { if (i) out.push(h('br')); out.push(...inline(l, ctx)); });
  return out;
}

/** Lines (no code blocks) into blocks: quotes, headings, subtext, lists, text. */
function blocks(text, ctx) {
  const lines = text.split('\n');
  const out = [];
  let para = [];
  const flush = () => { if (para.length) out.push(h('div', { class: 'dc-line' }, withBreaks(para, ctx))); para = []; };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('>>> ')) {
      flush();
      out.push(h('blockquote', { class: 'dc-quote' }, blocks([line.slice(4), ...lines.slice(i + 1)].join('\n'), ctx)));
      return out;
    }
    if (/^> /.test(line) || line === '>') {
      flush();
      const q = [];
      while (i < lines.length && (/^> /.test(lines[i]) || lines[i] === '>')) q.push(lines[i++].slice(2));
      i--;
      out.push(h('blockquote', { class: 'dc-quote' }, blocks(q.join('\n'), ctx)));
      continue;
    }
    const head = /^(#{1,3}) (.+)$/.exec(line);
    if (head) { flush(); out.push(h(`h${head[1].length + 2}`, { class: `dc-h dc-h${head[1].length}` }, inline(head[2], ctx))); continue; }
    const sub = /^-# (.+)$/.exec(line);
    if (sub) { flush(); out.push(h('div', { class: 'dc-subtext' }, inline(sub[1], ctx))); continue; }
    if (/^\s*[-*] \S/.test(line)) {
      flush();
      const items = [];
      while (i < lines.length && /^\s*[-*] \S/.test(lines[i])) items.push(lines[i++].replace(/^\s*[-*] /, ''));
      i--;
      out.push(h('ul', { class: 'dc-list' }, items.map((t) => h('li', null, inline(t, ctx)))));
      continue;
    }
    para.push(line);
  }
  flush();
  return out;
}

/** Discord markdown as a list of block nodes. */
export function renderMarkdown(text, ctx = { now: Date.now() }) {
  const out = [];
  const fence = /```(?:([\w+#-]{1,20})\n)?([\s\S]*?)```/g;
  let at = 0;
  let m;
  while ((m = fence.exec(text))) {
    const before = text.slice(at, m.index).replace(/\n$/, '');
    if (before) out.push(...blocks(before, ctx));
    out.push(h('pre', { class: 'dc-pre' }, h('code', { dataset: m[1] ? { lang: m[1] } : undefined }, m[2].replace(/^\n/, '').replace(/\n$/, ''))));
    at = fence.lastIndex;
    if (text[at] === '\n') at++;
  }
  const rest = text.slice(at);
  if (rest) out.push(...blocks(rest, ctx));
  return out;
}
