// messages.ts animates the messages in flight along the links. A message's position is the
// fraction of its trip done at the view's virtual time, read from the engine's sent and
// delivery times; a dropped message travels halfway, is struck out and fades away.
import { memberName, messagesOf, type MessageView, type View } from "../model/view";
import { setAttr, setText, svg, toggleClass } from "./dom";
import { depth, intrusion, overlap, type Box, type Circle } from "./geometry";
import { messageClass, messageLabel } from "./palette";
import type { Ring } from "./ring";

/** blankMessage stands in for the message of a node that has not been bound yet. */
const blankMessage: MessageView = {
  id: -1, from: 0, to: 0, type: "", sentUs: 0, deliverUs: 0, dropped: false,
  term: 0, index: 0, logTerm: 0, commit: 0, entries: 0, reject: false, hint: 0,
};

interface MessageNode {
  g: SVGGElement;
  pill: SVGRectElement;
  label: SVGTextElement;
  cross: SVGPathElement;
  msg: MessageView;
  width: number;
  /** lane is how many label heights the mark sits away from its link, to stay readable. */
  lane: number;
  /** ariaLabel is the spoken description last set. */
  ariaLabel: string;
}

/** pillHeight is the height of a message mark; lanes are spaced a little wider. */
const pillHeight = 28;
const laneSpacing = 31;
/** maxLane bounds how far a mark moves off its link to avoid another one. */
const maxLane = 3;

/** bounds is the drawing's frame (the ring's viewBox): a mark beyond it may be off the screen. */
const bounds: Box = { x0: -528, y0: -518, x1: 528, y1: 518 };

/**
 * circleCost weighs how deep a box reaches into the members, or out of the drawing: far worse
 * than covering a mark.
 */
function circleCost(box: Box, circles: Circle[]): number {
  let sum = intrusion(box, circles);
  sum += Math.max(0, bounds.x0 - box.x0) + Math.max(0, box.x1 - bounds.x1) + Math.max(0, bounds.y0 - box.y0) + Math.max(0, box.y1 - bounds.y1);
  return sum * 1e5;
}

/** covered is the area of the placed marks and labels that a box covers. */
function covered(box: Box, placed: Box[]): number {
  let sum = 0;
  for (const p of placed) sum += overlap(box, p);
  return sum;
}

/**
 * cheapest picks a mark's lane: it keeps start unless a lane from lo to hi costs less, scoring a
 * lane by the marks and labels it covers and far more heavily by how deep it reaches into a
 * member's circle. It stops at the first lane that costs nothing.
 */
function cheapest(start: number, lo: number, hi: number, boxAt: (lane: number) => Box, placed: Box[], circles: Circle[]): { lane: number; box: Box } {
  const cost = (box: Box): number => covered(box, placed) + circleCost(box, circles);
  let lane = start;
  let box = boxAt(start);
  let best = cost(box);
  for (let k = lo; k <= hi && best > 0; k++) {
    if (k === start) continue;
    const candidate = boxAt(k);
    const c = cost(candidate);
    if (c < best) {
      best = c;
      lane = k;
      box = candidate;
    }
  }
  return { lane, box };
}

/** dotHalf is half a dot's size in drawing units (ring.css draws the dot to fit it). */
const dotHalf = 9;

/** dotBox is the box of a dot at the centre of a mark's box. */
function dotBox(b: Box): Box {
  const x = (b.x0 + b.x1) / 2;
  const y = (b.y0 + b.y1) / 2;
  return { x0: x - dotHalf, y0: y - dotHalf, x1: x + dotHalf, y1: y + dotHalf };
}

/** inside moves a box the least way that brings it inside the drawing's frame. */
function inside(box: Box): Box {
  const dx = Math.max(0, bounds.x0 - box.x0) - Math.max(0, box.x1 - bounds.x1);
  const dy = Math.max(0, bounds.y0 - box.y0) - Math.max(0, box.y1 - bounds.y1);
  return dx === 0 && dy === 0 ? box : { x0: box.x0 + dx, y0: box.y0 + dy, x1: box.x1 + dx, y1: box.y1 + dy };
}

/**
 * pushOut moves a box out of every circle it reaches into, away from the circle's centre.
 * Members are drawn above the marks, so a mark left inside a circle would be hidden in part.
 */
function pushOut(box: Box, circles: Circle[], away: { x: number; y: number }, radial = true): Box {
  for (let round = 0; round < 8; round++) {
    let moved = false;
    for (const c of circles) {
      const d = depth(box, c);
      if (d <= 0) continue;
      let ux = away.x;
      let uy = away.y;
      const len = Math.hypot((box.x0 + box.x1) / 2 - c.x, (box.y0 + box.y1) / 2 - c.y);
      if (radial && len >= 1e-3) {
        ux = ((box.x0 + box.x1) / 2 - c.x) / len;
        uy = ((box.y0 + box.y1) / 2 - c.y) / len;
      }
      const step = d + 1;
      box = { x0: box.x0 + ux * step, y0: box.y0 + uy * step, x1: box.x1 + ux * step, y1: box.y1 + uy * step };
      moved = true;
    }
    if (!moved) break;
  }
  return box;
}

/** Messages owns the message marks in the ring's message layer. */
export class Messages {
  private readonly nodes = new Map<number, MessageNode>();
  private spare: MessageNode[] = [];
  private timeUs = 0;
  private highlighted = -1;
  private focusable = false;

  constructor(
    private readonly layer: SVGGElement,
    private readonly ring: Ring,
    private readonly onClick: (msg: MessageView, clientX: number, clientY: number) => void,
    /** minScale enlarges the marks at least this much (embed mode, for a projector). */
    private readonly minScale = 1,
  ) {}

  /** scale is how much larger than normal the marks are drawn now. */
  private scale = 0;

  /**
   * fitScale sizes the marks for the drawing's size on screen: at least minScale, and large
   * enough that a label keeps about 11 screen pixels on a small screen (up to 2.2 times).
   */
  private fitScale(): void {
    const wanted = Math.min(2.2, Math.max(this.minScale, 11 / (16 * this.ring.pixelsPerUnit)));
    if (Math.abs(wanted - this.scale) < 0.05 * wanted) return;
    this.scale = wanted;
    this.layer.style.setProperty("--msg-font", `${(16 * wanted).toFixed(1)}px`);
    for (const node of [...this.nodes.values(), ...this.spare]) {
      this.shape(node);
      if (node.msg.id >= 0) this.size(node, node.label.textContent ?? "");
    }
  }

  /** shape sets a mark's height and rounding for the current scale. */
  private shape(node: MessageNode): void {
    const h = pillHeight * this.scale;
    setAttr(node.pill, "rx", h / 2);
    setAttr(node.pill, "ry", h / 2);
    setAttr(node.pill, "height", h);
    setAttr(node.pill, "y", -h / 2);
    setAttr(node.label, "y", (6 * this.scale).toFixed(1));
  }

  /** size makes a mark's pill as wide as its label. */
  private size(node: MessageNode, text: string): void {
    const width = Math.max(34, text.length * 9.6 + 20) * this.scale;
    if (width !== node.width) {
      node.width = width;
      setAttr(node.pill, "width", width.toFixed(0));
      setAttr(node.pill, "x", (-width / 2).toFixed(0));
    }
  }

  /** update takes the messages of a new view; nodes are reused across frames and messages. */
  update(view: View): void {
    this.fitScale();
    this.timeUs = view.nowUs;
    const live = new Set<number>();
    for (const msg of messagesOf(view)) {
      live.add(msg.id);
      let node = this.nodes.get(msg.id);
      if (!node) {
        node = this.spare.pop() ?? this.create();
        this.nodes.set(msg.id, node);
        node.g.style.display = "";
      }
      // A message's type, ends and fate never change, so a node is bound once per message.
      if (node.msg.id !== msg.id || node.msg.dropped !== msg.dropped) this.bind(node, msg);
      else node.msg = msg;
    }
    for (const [id, node] of this.nodes) {
      if (!live.has(id)) {
        node.g.style.display = "none";
        this.nodes.delete(id);
        this.spare.push(node);
      }
    }
    this.frame();
  }

  /**
   * setFocusable makes the marks tab stops (after the members) while the clock stands still,
   * so a keyboard user can reach each message and open its details; moving marks are not.
   */
  setFocusable(on: boolean): void {
    if (on === this.focusable) return;
    this.focusable = on;
    for (const node of [...this.nodes.values(), ...this.spare]) setAttr(node.g, "tabindex", on ? 0 : -1);
  }

  /** highlight marks one message (from a click in the feed) until another is chosen. */
  highlight(id: number): void {
    this.highlighted = id;
    for (const [mid, node] of this.nodes) toggleClass(node.g, "highlight", mid === id);
  }

  /**
   * frame places every message for the current positions of the members. Marks that would
   * cover one another (several messages on one link, or on links that meet at a member) are
   * moved off their link, one lane at a time, on their own side, so every label stays
   * readable; a mark keeps its lane while it is free, so labels do not jump about.
   */
  frame(): void {
    this.fitScale();
    const r = this.ring.memberClearance + 2;
    const circles = this.ring.memberCircles();
    // Link labels come first: marks make way for them as for one another.
    const placed: Box[] = [...this.ring.labelBoxes];
    for (const node of this.nodes.values()) {
      const msg = node.msg;
      const a = this.ring.position(memberName(msg.from));
      const b = this.ring.position(memberName(msg.to));
      if (!a || !b) {
        node.g.style.display = "none";
        continue;
      }
      node.g.style.display = "";
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const len = Math.hypot(dx, dy) || 1;
      const ux = dx / len;
      const uy = dy / len;
      // Opposite directions travel on either side of the link so they never hide each other.
      const side = msg.from < msg.to ? 1 : -1;
      const px = -uy * side;
      const py = ux * side;
      const span = Math.max(1, msg.deliverUs - msg.sentUs);
      let t = Math.min(1, Math.max(0, (this.timeUs - msg.sentUs) / span));
      let opacity = 1;
      if (msg.dropped && t > 0.5) {
        opacity = Math.max(0.15, 1 - (t - 0.5) * 1.7);
        t = 0.5;
      }
      const half = node.width / 2 + 2;
      const k = this.scale;
      // A mark travels between the members' edges, kept clear of the circles by its own size
      // along the link, so no member hides a label at the start or end of its trip.
      const start = Math.min(len / 2, r + Math.abs(ux) * half + (Math.abs(uy) * pillHeight * k) / 2);
      const travel = Math.max(0, len - 2 * start);
      const cx = a.x + ux * (start + travel * t);
      const cy = a.y + uy * (start + travel * t);
      const at = (lane: number): Box => {
        const off = (15 + lane * laneSpacing) * k;
        const x = cx + px * off;
        const y = cy + py * off;
        return { x0: x - half, y0: y - (pillHeight * k) / 2 - 1, x1: x + half, y1: y + (pillHeight * k) / 2 + 1 };
      };
      let { lane, box } = cheapest(node.lane, 0, maxLane, at, placed, circles);
      // Where even the outer lanes are taken (a crowd of messages at one member, or a slow link
      // filling up), the mark shrinks to a dot of its colour: it still shows a message moving,
      // and the labels around it stay readable. Its details are a click or a Tab away. A mark
      // that only touches a circle keeps its label: it is moved out of the circle below.
      const collapsed = covered(box, placed) > 0;
      if (collapsed) {
        // A dot is small: it may also take the lanes on the far side of its link.
        ({ lane, box } = cheapest(lane, -maxLane, maxLane, (k) => dotBox(at(k)), placed, circles));
      }
      // No lane keeps it clear of every member (a short link between neighbours on a phone):
      // it slides out of the circle, away from the member's centre.
      let dot = collapsed;
      if (circleCost(box, circles) > 0) {
        // Out of the circle the shortest way, or sideways off its link, or back or on along it:
        // whichever lands on the fewest other marks and labels.
        const out = (b: Box): Box => {
          let best = pushOut(b, circles, { x: px, y: py });
          let least = circleCost(best, circles) > 0 ? Infinity : covered(best, placed);
          for (const [dx, dy] of [[px, py], [-px, -py], [-ux, -uy], [ux, uy]] as const) {
            if (least === 0) break;
            // pushOut stops at the circles; a way that leaves the drawing scores Infinity below.
            const moved = pushOut(b, circles, { x: dx, y: dy }, false);
            const c = circleCost(moved, circles) > 0 ? Infinity : covered(moved, placed);
            if (c < least) {
              least = c;
              best = moved;
            }
          }
          // Whatever happens, the mark stays in the drawing, where it can be seen.
          return inside(best);
        };
        box = out(box);
        // Moved out onto another mark or label: it makes do with a dot there.
        if (!dot && covered(box, placed) > 0) {
          dot = true;
          box = out(dotBox(box));
        }
      }
      if (node.g.classList.contains("dot") !== dot) {
        toggleClass(node.g, "dot", dot);
        // Dots are drawn beneath the labelled marks, so a dot never hides a label.
        if (dot) this.layer.prepend(node.g);
        else this.layer.append(node.g);
      }
      node.lane = lane;
      placed.push(box);
      const x = (box.x0 + box.x1) / 2;
      const y = (box.y0 + box.y1) / 2;
      setAttr(node.g, "transform", `translate(${x.toFixed(1)} ${y.toFixed(1)})`);
      setAttr(node.g, "data-lane", lane);
      const lost = msg.dropped === true && t >= 0.5;
      toggleClass(node.g, "lost", lost);
      setAttr(node.g, "opacity", opacity.toFixed(2));
    }
  }

  private create(): MessageNode {
    const g = svg("g", { class: "msg", "data-testid": "message", role: "button", tabindex: this.focusable ? 0 : -1 });
    const pill = svg("rect", { class: "pill" });
    const label = svg("text", { class: "msg-label", "text-anchor": "middle" });
    const cross = svg("path", { class: "msg-cross", d: "M-11 -11L11 11M11 -11L-11 11" });
    g.append(pill, label, cross);
    const node: MessageNode = { g, pill, label, cross, msg: blankMessage, width: 0, lane: 0, ariaLabel: "" };
    this.shape(node);
    g.addEventListener("click", (ev) => {
      ev.stopPropagation();
      this.onClick(node.msg, ev.clientX, ev.clientY);
    });
    g.addEventListener("keydown", (ev) => {
      if (ev.key !== "Enter" && ev.key !== " ") return;
      ev.preventDefault();
      ev.stopPropagation();
      const box = g.getBoundingClientRect();
      this.onClick(node.msg, box.right, box.top);
    });
    this.layer.append(g);
    return node;
  }

  private bind(node: MessageNode, msg: MessageView): void {
    const text = messageLabel(msg.type, msg.reject, msg.entries);
    if (node.msg.id !== msg.id) node.lane = 0;
    node.msg = msg;
    const spoken = `message ${text}, ${memberName(msg.from)} to ${memberName(msg.to)}, term ${msg.term}${msg.dropped ? ", lost" : ""}: press Enter for its fields`;
    if (spoken !== node.ariaLabel) {
      node.ariaLabel = spoken;
      node.g.setAttribute("aria-label", spoken);
    }
    setText(node.label, text);
    this.size(node, text);
    setAttr(node.g, "class", `msg ${messageClass(msg.type)}${msg.id === this.highlighted ? " highlight" : ""}`);
    setAttr(node.g, "data-type", msg.type);
    setAttr(node.g, "data-from", memberName(msg.from));
    setAttr(node.g, "data-to", memberName(msg.to));
    setAttr(node.g, "data-dropped", msg.dropped ? "true" : "false");
  }
}
