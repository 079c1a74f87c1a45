// Discord's length limits on a webhook message (API.md, Task), and how the
// API counts against them: in Unicode code points, not UTF-16 units.

export const LIMITS = {
  content: 2000,
  username: 80,
  title: 256,
  description: 4096,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  authorName: 256,
  embedsTotal: 6000,
  embeds: 10,
  fields: 25,
};

/** The length Discord and the API count: code points. */
export function codePoints(text) {
  if (!text) return 0;
  let n = 0;
  for (const _ of String(text)) n++;
  return n;
}

/** The text of all embeds that counts towards the 6000 total. */
export function embedsTextLength(embeds) {
  let n = 0;
  for (const e of embeds || []) {
    n += codePoints(e.title) + codePoints(e.description);
    n += codePoints(e.footer && e.footer.text) + codePoints(e.author && e.author.name);
    for (const f of e.fields || []) n += codePoints(f.name) + codePoints(f.value);
  }
  return n;
}
