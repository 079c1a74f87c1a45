// The message as Discord shows it: the sender (username and avatar), the
// content in Discord's markdown, and each embed with its colour bar, author,
// title, description, fields in their inline grid, image, thumbnail, footer
// and timestamp. Only an approximation of Discord's look; the layout rules
// (three inline fields a row, two beside a thumbnail) are Discord's.

import { h } from './util.js';
import { renderMarkdown, inline } from './discord_markdown.js';
import { colorToHex } from './payload_draft.js';

const safeUrl = (u) => typeof u === 'string' && /^https?:\/\/\S+$/i.test(u);

function image(url, attrs) {
  if (!safeUrl(url)) return null;
  const img = h('img', { src: url, referrerpolicy: 'no-referrer', loading: 'lazy', ...attrs });
  // A picture that does not load (a typo, no network) leaves a marked gap, not a broken icon.
  img.addEventListener('error', () => {
    img.classList.add('dc-broken');
    img.alt = '';
    img.title = 'This picture did not load here (a typo, or no network); Discord may still show it.';
    img.removeAttribute('src');
  });
  return img;
}

function maybeLink(url, children, cls) {
  return safeUrl(url) ? h('a', { href: url, class: cls, target: '_blank', rel: 'noopener noreferrer nofollow' }, children) : h('span', { class: cls }, children);
}

/** "Today at 10:00", "Tomorrow at 10:00" or a date with time, in the viewer's zone. */
export function messageTime(ms, now = Date.now()) {
  const d = new Date(ms);
  const time = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' }).format(d);
  const day = (x) => new Date(x).toDateString();
  if (day(ms) === day(now)) return `Today at ${time}`;
  if (day(ms) === day(now + 86400e3)) return `Tomorrow at ${time}`;
  if (day(ms) === day(now - 86400e3)) return `Yesterday at ${time}`;
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'short' }).format(d);
}

/** Grid columns (of 12) for each field: Discord's inline rows. */
export function fieldSpans(fields, hasThumbnail) {
  const perRow = hasThumbnail ? 2 : 3;
  const spans = [];
  let run = [];
  const flush = () => {
    for (let i = 0; i < run.length; i += perRow) {
      const row = run.slice(i, i + perRow);
      for (const _ of row) spans.push(12 / row.length);
    }
    run = [];
  };
  for (const f of fields) {
    if (f.inline) { run.push(f); continue; }
    flush();
    spans.push(12);
  }
  flush();
  return spans;
}

function embedView(e, ctx) {
  const color = colorToHex(e.color);
  const art = h('article', { class: 'dc-embed', dataset: { embed: '' } });
  if (color) art.style.setProperty('--bar', color);
  const thumb = e.thumbnail && image(e.thumbnail.url, { class: 'dc-thumb', alt: 'Thumbnail' });
  const body = h('div', { class: 'dc-embed-body' });
  if (e.author && e.author.name) {
    body.append(h('div', { class: 'dc-author' },
      e.author.icon_url ? image(e.author.icon_url, { class: 'dc-author-icon', alt: '' }) : null,
      maybeLink(e.author.url, e.author.name, 'dc-author-name')));
  }
  if (e.title) body.append(h('div', { class: 'dc-title' }, maybeLink(e.url, inline(e.title, ctx), 'dc-title-text')));
  if (e.description) body.append(h('div', { class: 'dc-desc' }, renderMarkdown(e.description, ctx)));
  const fields = Array.isArray(e.fields) ? e.fields : [];
  if (fields.length) {
    const spans = fieldSpans(fields, !!thumb);
    const grid = h('div', { class: 'dc-fields' });
    fields.forEach((f, i) => {
      const cell = h('div', { class: 'dc-field', dataset: { span: String(spans[i]) } },
        h('div', { class: 'dc-field-name' }, inline(String(f.name ?? ''), ctx)),
        h('div', { class: 'dc-field-value' }, renderMarkdown(String(f.value ?? ''), ctx)));
      cell.style.gridColumn = `span ${spans[i]}`;
      grid.append(cell);
    });
    body.append(grid);
  }
  const img = e.image && image(e.image.url, { class: 'dc-image', alt: 'Embed image' });
  if (img) body.append(img);
  const footerText = e.footer && e.footer.text;
  let stamp = null;
  if (e.timestamp) {
    const ms = Date.parse(e.timestamp);
    stamp = Number.isFinite(ms) ? messageTime(ms, ctx.now) : e.timestamp;
  }
  if (footerText || stamp) {
    body.append(h('div', { class: 'dc-footer' },
      footerText && e.footer.icon_url ? image(e.footer.icon_url, { class: 'dc-footer-icon', alt: '' }) : null,
      h('span', null, [footerText, stamp].filter(Boolean).join(' • '))));
  }
  art.append(h('div', { class: 'dc-embed-grid' }, body, thumb));
  return art;
}

/**
 * The preview of a payload (placeholders already filled).
 * ctx: { now, fireMs } — when the message would be sent.
 */
export function discordPreview(payload, ctx) {
  const p = payload || {};
  const name = typeof p.username === 'string' && p.username.trim() ? p.username : null;
  const avatar = image(p.avatar_url, { class: 'dc-avatar', alt: '' });
  const content = typeof p.content === 'string' && p.content ? renderMarkdown(p.content, ctx) : null;
  const embeds = Array.isArray(p.embeds) ? p.embeds.filter((e) => e && typeof e === 'object') : [];
  const empty = !content && !embeds.length;
  return h('div', { class: 'dc-message' },
    avatar || h('span', { class: 'dc-avatar dc-avatar-default', 'aria-hidden': 'true' }, (name || 'W').slice(0, 1).toUpperCase()),
    h('div', { class: 'dc-main' },
      h('div', { class: 'dc-head' },
        h('span', { class: `dc-name ${name ? '' : 'dc-default-name'}`, title: name ? undefined : 'Without a username Discord shows the webhook’s own name' }, name || 'Webhook (its own name)'),
        h('span', { class: 'dc-app' }, 'APP'),
        h('span', { class: 'dc-when' }, messageTime(ctx.fireMs ?? ctx.now, ctx.now))),
      content ? h('div', { class: 'dc-content' }, content) : null,
      embeds.map((e) => embedView(e, ctx)),
      empty ? h('p', { class: 'dc-empty' }, 'Nothing to send yet: write some content or add an embed.') : null));
}
