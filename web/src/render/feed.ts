// feed.ts is the explanation feed: every event of the trace in plain language with its virtual
// time, filterable by text and kind. New events are appended; the list is rebuilt only when the
// filter changes or the timeline is rewound.
import { eventMember, type EventView } from "../model/view";
import { clear, el, formatClock, setText } from "./dom";

/** shownMax bounds the DOM list; older matching events scroll out. */
const shownMax = 300;

/**
 * noisyKinds are the bookkeeping events (every message sent and delivered, every WAL write,
 * sync and apply). They are hidden unless the learner asks for everything or picks the kind.
 */
export const noisyKinds = new Set(["send", "deliver", "member.persisted", "member.synced", "member.applied"]);

/** FeedCallbacks lets a click on an event highlight what it is about. */
export interface FeedCallbacks {
  highlight(event: EventView): void;
}

/** Feed owns the explanation feed panel. */
export class Feed {
  readonly root: HTMLElement;
  readonly filter: HTMLInputElement;
  private readonly kind: HTMLSelectElement;
  private readonly list: HTMLOListElement;
  private readonly count: HTMLSpanElement;
  private readonly everything: HTMLInputElement;
  /** empty explains an empty list, so a quiet stretch never looks like a broken feed. */
  private readonly empty: HTMLParagraphElement;
  private readonly kinds = new Set<string>();
  private lastSeq = -1;
  private shown = 0;

  constructor(private readonly callbacks: FeedCallbacks) {
    this.filter = el("input", {
      type: "search",
      id: "feed-filter",
      placeholder: "filter, e.g. s3 or vote",
      "data-testid": "feed-filter",
      "aria-label": "Filter the events by text",
    });
    this.kind = el("select", { "data-testid": "feed-kind", "aria-label": "Show only events of one kind" }, el("option", { value: "" }, "all kinds"));
    // The list is one tab stop; arrow keys move between its items (there can be hundreds).
    this.list = el("ol", {
      class: "feed-list",
      "data-testid": "feed",
      "aria-live": "off",
      tabindex: 0,
      "aria-label": "Events, newest at the bottom: use the arrow keys to move, Enter to highlight what an event is about",
    });
    this.count = el("span", { class: "muted", "data-testid": "feed-count" });
    this.everything = el("input", { type: "checkbox", id: "feed-everything", "data-testid": "feed-everything" });
    this.empty = el("p", { class: "feed-empty muted", "data-testid": "feed-empty" });
    this.empty.hidden = true;
    this.root = el(
      "section",
      { class: "panel feed", "aria-labelledby": "feed-title" },
      el("div", { class: "panel-head" }, el("h2", { id: "feed-title" }, "What happened"), this.count),
      el(
        "div",
        { class: "feed-tools" },
        this.filter,
        this.kind,
        el("label", { class: "inline-field check", for: "feed-everything", title: "Also show every message sent and delivered and every WAL write, sync and apply" }, this.everything, el("span", {}, "all")),
      ),
      this.empty,
      this.list,
    );
    // One listener for the whole list: items are many and short-lived.
    const activate = (target: EventTarget | null): void => {
      const li = target instanceof Element ? target.closest<HTMLLIElement>("li.feed-item") : null;
      const e = li ? this.bySeq.get(Number(li.dataset.seq)) : undefined;
      if (e) this.callbacks.highlight(e);
    };
    this.list.addEventListener("click", (ev) => activate(ev.target));
    this.list.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        activate(ev.target);
        return;
      }
      if (ev.key !== "ArrowUp" && ev.key !== "ArrowDown") return;
      ev.preventDefault();
      // The newest item is first in the DOM and drawn at the bottom (column-reverse), so
      // "up" is the next sibling.
      const current = ev.target instanceof HTMLLIElement ? ev.target : null;
      const next = current
        ? ev.key === "ArrowUp" ? current.nextElementSibling : current.previousElementSibling
        : this.list.firstElementChild;
      if (next instanceof HTMLElement) next.focus();
    });
    this.filter.addEventListener("input", () => this.rebuildNext());
    this.kind.addEventListener("change", () => this.rebuildNext());
    this.everything.addEventListener("change", () => this.rebuildNext());
  }

  private pendingRebuild = true;
  private events: EventView[] = [];
  private total = 0;
  /** bySeq finds the event of a shown item; it holds only the items in the list. */
  private readonly bySeq = new Map<number, EventView>();

  private rebuildNext(): void {
    this.pendingRebuild = true;
    this.update(this.events, this.total);
  }

  /**
   * update shows the session's events (oldest first); total is how many the world has recorded,
   * which is more than the page keeps once a session is long.
   */
  update(events: EventView[], total: number): void {
    this.events = events;
    this.total = total;
    const last = events.length > 0 ? events[events.length - 1]!.seq : -1;
    // After a rewind the session holds fewer events than were shown: start the list again.
    const rewound = last < this.lastSeq;
    if (this.pendingRebuild || rewound) {
      this.pendingRebuild = false;
      clear(this.list);
      this.bySeq.clear();
      this.shown = 0;
      this.lastSeq = -1;
    }
    const text = this.filter.value.trim().toLowerCase();
    const kind = this.kind.value;
    const fresh = events.filter((e) => e.seq > this.lastSeq);
    // The list is laid out in reverse (CSS column-reverse) with the newest item first in the
    // DOM, so the browser keeps the view pinned to the newest event without reading any
    // layout, and a learner who scrolled up stays where they are.
    const items: HTMLLIElement[] = [];
    for (const e of fresh) {
      if (!this.kinds.has(e.kind)) this.addKind(e.kind);
      if (kind === "" && !this.everything.checked && noisyKinds.has(e.kind)) continue;
      if (kind !== "" && e.kind !== kind) continue;
      if (text !== "" && !`${e.text} ${e.kind} ${eventMember(e)} ${e.client ?? ""}`.toLowerCase().includes(text)) continue;
      items.push(this.item(e));
    }
    const added = items.slice(-shownMax);
    if (added.length > 0) {
      added.reverse();
      this.list.prepend(...added);
      this.shown += added.length;
      while (this.shown > shownMax && this.list.lastElementChild) {
        const old = this.list.lastElementChild as HTMLElement;
        this.bySeq.delete(Number(old.dataset.seq));
        old.remove();
        this.shown--;
      }
    }
    if (last > this.lastSeq) this.lastSeq = last;
    setText(this.count, `${total.toLocaleString("en")} events`);
    this.empty.hidden = this.shown > 0 || events.length === 0;
    if (!this.empty.hidden) {
      setText(
        this.empty,
        text !== "" || kind !== ""
          ? "No event matches this filter."
          : "Only routine traffic here (messages sent and delivered, WAL writes, applies): tick “all” to see it.",
      );
    }
  }

  private addKind(kind: string): void {
    this.kinds.add(kind);
    const options = [...this.kinds].sort();
    const current = this.kind.value;
    clear(this.kind);
    this.kind.append(el("option", { value: "" }, "all kinds"));
    for (const k of options) this.kind.append(el("option", { value: k }, k));
    this.kind.value = current;
  }

  private item(e: EventView): HTMLLIElement {
    const li = el(
      "li",
      {
        class: `feed-item k-${e.kind.replace(/[^a-z0-9-]/gi, "")}`,
        tabindex: -1,
        "data-testid": "feed-item",
        "data-kind": e.kind,
        "data-member": eventMember(e),
      },
      el("time", {}, formatClock(e.atUs)),
      el("span", { class: "feed-text" }, e.text),
    );
    li.dataset.seq = String(e.seq);
    this.bySeq.set(e.seq, e);
    return li;
  }
}
