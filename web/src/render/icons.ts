// icons.ts draws the few toolbar icons as inline SVG, so they look the same on every system
// (symbol characters such as ⏸ are missing from many fonts).
import { svg } from "./dom";

const paths: Record<string, string> = {
  play: "M4 2.5v11l9.5-5.5z",
  pause: "M3.5 2.5h3.2v11H3.5zM9.3 2.5h3.2v11H9.3z",
  step: "M2.5 2.5v11l8-5.5zM11 2.5h2.5v11H11z",
};

/** icon returns a 16×16 icon that inherits the text colour; it is hidden from screen readers. */
export function icon(name: keyof typeof paths): SVGSVGElement {
  const root = svg("svg", { viewBox: "0 0 16 16", width: 16, height: 16, class: "icon", "aria-hidden": "true", focusable: "false" });
  root.append(svg("path", { d: paths[name] ?? "", fill: "currentColor" }));
  return root;
}
