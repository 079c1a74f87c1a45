// Just enough of the DOM for the dashboard's pure modules to build elements in
// node (h() in util.js), and markup() to read what they built.

class ShimNode {}
class ShimText extends ShimNode {
  constructor(text) { super(); this.text = text; }
}
class ShimElement extends ShimNode {
  constructor(tag) {
    super();
    this.tag = tag;
    this.attrs = {};
    this.children = [];
    this.dataset = {};
    this.style = { setProperty: (k, v) => { this.style[k] = v; } };
    this.classList = { add() {}, toggle() {} };
  }
  setAttribute(k, v) { this.attrs[k] = v; }
  getAttribute(k) { return this.attrs[k] ?? null; }
  removeAttribute(k) { delete this.attrs[k]; }
  addEventListener() {}
  append(...cs) { this.children.push(...cs); }
  set textContent(t) { this.children = [new ShimText(t)]; }
}

globalThis.Node = ShimNode;
globalThis.document = {
  createElement: (tag) => new ShimElement(tag),
  createElementNS: (_ns, tag) => new ShimElement(tag),
  createTextNode: (t) => new ShimText(t),
};

/** <tag class="…" href="…">children</tag>, attributes class and href only. */
export function markup(node) {
  if (Array.isArray(node)) return node.map(markup).join('');
  if (typeof node === 'string') return node;
  if (node instanceof ShimText) return node.text;
  const attrs = ['class', 'href'].filter((k) => node.attrs[k] !== undefined).map((k) => ` ${k}="${node.attrs[k]}"`).join('');
  return `<${node.tag}${attrs}>${node.children.map(markup).join('')}</${node.tag}>`;
}
