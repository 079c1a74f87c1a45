// Discord's markdown subset as the preview renders it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { markup } from './dom_shim.mjs';

const { renderMarkdown, inline, discordTimestamp } = await import('../../web/dashboard/discord_markdown.js');
const md = (text) => markup(renderMarkdown(text, { now: 0 }));
const one = (text) => markup(inline(text, { now: 0 }));

test('emphasis, underline, strike, spoiler and code', () => {
  assert.equal(one('**b** *i* _i_ __u__ ~~s~~ `c`'),
    '<strong>b</strong> <em>i</em> <em>i</em> <u>u</u> <s>s</s> <code class="dc-code">c</code>');
  assert.equal(one('||hidden||'), '<span class="dc-spoiler">hidden</span>');
  assert.equal(one('***both***'), '<strong><em>both</em></strong>');
});

test('nested emphasis keeps its place in the text', () => {
  assert.equal(one('a **b *c* d** e'), 'a <strong>b <em>c</em> d</strong> e');
});

test('code is literal: no markdown inside', () => {
  assert.equal(one('`**not bold**`'), '<code class="dc-code">**not bold**</code>');
  assert.equal(md('```js\nlet a = **1**;\n```'), '<pre class="dc-pre"><code>let a = **1**;</code></pre>');
});

test('a backslash escapes a marker', () => {
  assert.equal(one('\\*not italic\\*'), '*not italic*');
});

test('mentions are highlighted', () => {
  assert.equal(one('<@123456789012345678>'), '<span class="dc-mention">@user 5678</span>');
  assert.equal(one('<@!123456789012345678>'), '<span class="dc-mention">@user 5678</span>');
  assert.equal(one('<@&123456789012345678>'), '<span class="dc-mention">@role 5678</span>');
  assert.equal(one('<#123456789012345678>'), '<span class="dc-mention">#channel 5678</span>');
  assert.equal(one('hi @everyone and @here'), 'hi <span class="dc-mention">@everyone</span> and <span class="dc-mention">@here</span>');
});

test('links: masked, bare and in angle brackets; only http(s)', () => {
  assert.equal(one('[docs](https://example.com/a)'), '<a href="https://example.com/a">docs</a>');
  assert.equal(one('see https://example.com/a.'), 'see <a href="https://example.com/a">https://example.com/a</a>.');
  assert.equal(one('<https://example.com>'), '<a href="https://example.com">https://example.com</a>');
  assert.equal(one('[x](javascript:alert(1))'), '[x](javascript:alert(1))');
});

test('custom emoji show by name', () => {
  assert.equal(one('<:party:123456789012345678>'), '<span class="dc-emoji">:party:</span>');
});

test('blocks: quotes, headings, subtext, lists and lines', () => {
  assert.equal(md('> quoted\nplain'), '<blockquote class="dc-quote"><div class="dc-line">quoted</div></blockquote><div class="dc-line">plain</div>');
  assert.equal(md('>>> all\nof it'), '<blockquote class="dc-quote"><div class="dc-line">all<br></br>of it</div></blockquote>');
  assert.equal(md('# Big\n## Mid\n### Small'), '<h3 class="dc-h dc-h1">Big</h3><h4 class="dc-h dc-h2">Mid</h4><h5 class="dc-h dc-h3">Small</h5>');
  assert.equal(md('-# small print'), '<div class="dc-subtext">small print</div>');
  assert.equal(md('- one\n- two'), '<ul class="dc-list"><li>one</li><li>two</li></ul>');
  assert.equal(md('a\nb'), '<div class="dc-line">a<br></br>b</div>');
});

test('timestamps: relative, and an out-of-range one stays as written', () => {
  assert.equal(discordTimestamp(3600, 'R', 0), 'in 1 hour');
  assert.equal(discordTimestamp(-120, 'R', 0), '2 minutes ago');
  assert.equal(one('<t:99999999999999:F>'), '<t:99999999999999:F>');
});
