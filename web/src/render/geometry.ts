// geometry.ts holds the rectangle and circle tests the ring and the message marks share to keep
// labels, marks and members from covering one another.

/** Box is a rectangle in the drawing's coordinates. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Circle is a member's disc (with its timer arc), which labels and marks keep out of. */
export interface Circle {
  x: number;
  y: number;
  r: number;
}

/** overlap is the area two boxes share, each grown by a margin on every side. */
export function overlap(a: Box, b: Box, margin = 0): number {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) + 2 * margin;
  const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) + 2 * margin;
  return w > 0 && h > 0 ? w * h : 0;
}

/** depth is how far a box reaches into a circle (0 when it stays outside). */
export function depth(box: Box, c: Circle): number {
  const nx = Math.max(box.x0, Math.min(c.x, box.x1));
  const ny = Math.max(box.y0, Math.min(c.y, box.y1));
  const d = Math.hypot(c.x - nx, c.y - ny);
  return d < c.r ? c.r - d : 0;
}

/** intrusion is how deep a box reaches into circles (0 when it keeps out of all of them). */
export function intrusion(box: Box, circles: Circle[]): number {
  let sum = 0;
  for (const c of circles) sum += depth(box, c);
  return sum;
}
