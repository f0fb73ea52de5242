// messages.ts animates the messages in flight along the links. A message's position is the
// fraction of its trip done at the view's virtual time, read from the engine's sent and
// delivery times; a dropped message travels halfway, is struck out and fades away.
import { memberName, messagesOf, type MessageView, type View } from "../model/view";
import { setAttr, setText, svg, toggleClass } from "./dom";
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
}

/** Messages owns the message marks in the ring's message layer. */
export class Messages {
  private readonly nodes = new Map<number, MessageNode>();
  private spare: MessageNode[] = [];
  private timeUs = 0;
  private highlighted = -1;

  constructor(
    private readonly layer: SVGGElement,
    private readonly ring: Ring,
    private readonly onClick: (msg: MessageView, clientX: number, clientY: number) => void,
  ) {}

  /** update takes the messages of a new view; nodes are reused across frames and messages. */
  update(view: View): void {
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

  /** highlight marks one message (from a click in the feed) until another is chosen. */
  highlight(id: number): void {
    this.highlighted = id;
    for (const [mid, node] of this.nodes) toggleClass(node.g, "highlight", mid === id);
  }

  /** frame places every message for the current positions of the members. */
  frame(): void {
    const r = this.ring.memberRadius + 6;
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
      const ox = -uy * 15 * side;
      const oy = ux * 15 * side;
      const span = Math.max(1, msg.deliverUs - msg.sentUs);
      let t = Math.min(1, Math.max(0, (this.timeUs - msg.sentUs) / span));
      let opacity = 1;
      if (msg.dropped && t > 0.5) {
        opacity = Math.max(0.15, 1 - (t - 0.5) * 1.7);
        t = 0.5;
      }
      const x = a.x + ux * r + (len - 2 * r) * ux * t + ox;
      const y = a.y + uy * r + (len - 2 * r) * uy * t + oy;
      setAttr(node.g, "transform", `translate(${x.toFixed(1)} ${y.toFixed(1)})`);
      const lost = msg.dropped === true && t >= 0.5;
      toggleClass(node.g, "lost", lost);
      setAttr(node.g, "opacity", opacity.toFixed(2));
    }
  }

  private create(): MessageNode {
    const g = svg("g", { class: "msg", "data-testid": "message" });
    const pill = svg("rect", { class: "pill", rx: 14, ry: 14, height: 28, y: -14 });
    const label = svg("text", { class: "msg-label", "text-anchor": "middle", y: 6 });
    const cross = svg("path", { class: "msg-cross", d: "M-11 -11L11 11M11 -11L-11 11" });
    g.append(pill, label, cross);
    const node: MessageNode = { g, pill, label, cross, msg: blankMessage, width: 0 };
    g.addEventListener("click", (ev) => {
      ev.stopPropagation();
      this.onClick(node.msg, ev.clientX, ev.clientY);
    });
    this.layer.append(g);
    return node;
  }

  private bind(node: MessageNode, msg: MessageView): void {
    const text = messageLabel(msg.type, msg.reject, msg.entries);
    node.msg = msg;
    setText(node.label, text);
    const width = Math.max(34, text.length * 9.6 + 20);
    if (width !== node.width) {
      node.width = width;
      setAttr(node.pill, "width", width.toFixed(0));
      setAttr(node.pill, "x", (-width / 2).toFixed(0));
    }
    setAttr(node.g, "class", `msg ${messageClass(msg.type)}${msg.id === this.highlighted ? " highlight" : ""}`);
    setAttr(node.g, "data-type", msg.type);
    setAttr(node.g, "data-from", memberName(msg.from));
    setAttr(node.g, "data-to", memberName(msg.to));
    setAttr(node.g, "data-dropped", msg.dropped ? "true" : "false");
  }
}
