// dom.ts builds DOM and SVG nodes. Text always goes in through textContent, never through
// innerHTML, because keys, values and script lines are learner data and must stay text.

const svgNS = "http://www.w3.org/2000/svg";

/** Attrs maps attribute names to values; undefined and false leave the attribute out. */
export type Attrs = Record<string, string | number | boolean | undefined>;

function setAttrs(node: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
}

/** el creates an HTML element with attributes and children (strings become text nodes). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Array<Node | string | null | undefined>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

/** svg creates an SVG element with attributes. */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}): SVGElementTagNameMap[K] {
  const node = document.createElementNS(svgNS, tag);
  setAttrs(node, attrs);
  return node;
}

/** setText changes a node's text only when it differs, so unchanged frames touch nothing. */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

/** setAttr changes one attribute only when it differs. */
export function setAttr(node: Element, name: string, value: string | number): void {
  const text = String(value);
  if (node.getAttribute(name) !== text) node.setAttribute(name, text);
}

/** toggleClass adds or removes a class only when needed. */
export function toggleClass(node: Element, name: string, on: boolean): void {
  if (node.classList.contains(name) !== on) node.classList.toggle(name, on);
}

/** clear removes every child of a node. */
export function clear(node: Node): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}

/** formatUs writes a duration in µs for reading, in the script's units (us, ms, s). */
export function formatUs(us: number): string {
  if (us >= 1_000_000) return `${+(us / 1_000_000).toFixed(2)}s`;
  if (us >= 1000) return `${+(us / 1000).toFixed(1)}ms`;
  return `${Math.round(us)}us`;
}

/** memberIndex turns "s3" into 3 (0 for anything else). */
export function memberIndex(id: string): number {
  const n = Number.parseInt(id.slice(1), 10);
  return Number.isFinite(n) ? n : 0;
}

/** formatClock writes a moment of virtual time for the feed: ms below a second, else seconds. */
export function formatClock(us: number): string {
  return us < 1_000_000 ? `${(us / 1000).toFixed(1)} ms` : `${(us / 1_000_000).toFixed(3)} s`;
}

/** transientTimers remembers the pending clear of each transient message node. */
const transientTimers = new WeakMap<Node, number>();

/**
 * showTransient puts a short message in a node and clears it after a while, for refusals that
 * stop being true on their own (no leader yet, a member already restarted).
 */
export function showTransient(node: Node, text: string, ms = 6000): void {
  setText(node, text);
  const old = transientTimers.get(node);
  if (old !== undefined) window.clearTimeout(old);
  if (text !== "") transientTimers.set(node, window.setTimeout(() => setText(node, ""), ms));
}
