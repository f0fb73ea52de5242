// inspector.ts shows the fields of a message the learner clicked: who sent it to whom, its
// term and log position, what it carries, and, for a lost message, why it was dropped.
import { memberName, type MessageView } from "../model/view";
import { el, formatClock, formatUs } from "./dom";
import { messageLabel } from "./palette";

/** Inspector owns the message details popover. */
export class Inspector {
  readonly root: HTMLDivElement;
  private readonly body: HTMLDListElement;
  private readonly title: HTMLHeadingElement;
  private returnFocus: Element | null = null;

  constructor() {
    this.title = el("h3", { id: "inspector-title" });
    this.body = el("dl", { class: "fields" });
    const close = el("button", { type: "button", class: "ghost", "aria-label": "Close the message details" }, "✕");
    close.addEventListener("click", () => this.close());
    this.root = el(
      "div",
      { class: "inspector popover", role: "dialog", "aria-labelledby": "inspector-title", hidden: true, "data-testid": "message-details", tabindex: -1 },
      el("div", { class: "panel-head" }, this.title, close),
      this.body,
    );
    this.root.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape") this.close();
    });
  }

  /** show opens the popover for a message near a page position. */
  show(msg: MessageView, x: number, y: number): void {
    this.returnFocus = document.activeElement;
    this.title.textContent = `${messageLabel(msg.type, msg.reject, msg.entries)} · ${memberName(msg.from)} → ${memberName(msg.to)}`;
    const rows: Array<[string, string]> = [
      ["type", msg.type],
      ["term", String(msg.term)],
      ["index", String(msg.index)],
      ["log term", String(msg.logTerm)],
      ["commit", String(msg.commit)],
      ["entries", String(msg.entries)],
      ["reject", msg.reject ? "yes" : "no"],
      ["hint", String(msg.hint)],
      ["sent at", formatClock(msg.sentUs)],
      ["arrives at", formatClock(msg.deliverUs)],
      ["in flight for", formatUs(msg.deliverUs - msg.sentUs)],
    ];
    if (msg.snapshotIndex) rows.push(["snapshot index", String(msg.snapshotIndex)]);
    if (msg.duplicate) rows.push(["duplicate", "yes (the network copied it)"]);
    if (msg.dropped) rows.push(["lost", msg.dropReason ? `yes: ${msg.dropReason}` : "yes"]);
    this.body.replaceChildren(...rows.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
    this.root.hidden = false;
    const box = this.root.getBoundingClientRect();
    this.root.style.left = `${Math.max(8, Math.min(x + 12, window.innerWidth - box.width - 8)) + window.scrollX}px`;
    this.root.style.top = `${Math.max(8, Math.min(y + 12, window.innerHeight - box.height - 8)) + window.scrollY}px`;
    this.root.focus();
  }

  /** close hides the popover. */
  close(): void {
    if (this.root.hidden) return;
    this.root.hidden = true;
    if (this.returnFocus instanceof HTMLElement || this.returnFocus instanceof SVGElement) this.returnFocus.focus();
  }
}
