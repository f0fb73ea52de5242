// feed.ts is the explanation feed: every event of the trace in plain language with its virtual
// time, filterable by text and kind. New events are appended; the list is rebuilt only when the
// filter changes or the timeline is rewound.
import { eventMember, type EventView } from "../model/view";
import { clear, el, setText } from "./dom";

/** shownMax bounds the DOM list; older matching events scroll out. */
const shownMax = 400;

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
    this.list = el("ol", { class: "feed-list", "data-testid": "feed", "aria-live": "off" });
    this.count = el("span", { class: "muted" });
    this.root = el(
      "section",
      { class: "panel feed", "aria-labelledby": "feed-title" },
      el("div", { class: "panel-head" }, el("h2", { id: "feed-title" }, "What happened"), this.count),
      el("div", { class: "feed-tools" }, this.filter, this.kind),
      this.list,
    );
    this.filter.addEventListener("input", () => this.rebuildNext());
    this.kind.addEventListener("change", () => this.rebuildNext());
  }

  private pendingRebuild = true;
  private events: EventView[] = [];

  private rebuildNext(): void {
    this.pendingRebuild = true;
    this.update(this.events);
  }

  /** update shows the session's events (oldest first). */
  update(events: EventView[]): void {
    this.events = events;
    const last = events.length > 0 ? events[events.length - 1]!.seq : -1;
    // After a rewind the session holds fewer events than were shown: start the list again.
    const rewound = last < this.lastSeq;
    if (this.pendingRebuild || rewound) {
      this.pendingRebuild = false;
      clear(this.list);
      this.shown = 0;
      this.lastSeq = -1;
    }
    const stick = this.list.scrollTop + this.list.clientHeight >= this.list.scrollHeight - 30;
    const text = this.filter.value.trim().toLowerCase();
    const kind = this.kind.value;
    const fresh = events.filter((e) => e.seq > this.lastSeq);
    const fragment = document.createDocumentFragment();
    let added = 0;
    for (const e of fresh.slice(-shownMax)) {
      if (!this.kinds.has(e.kind)) this.addKind(e.kind);
      if (kind !== "" && e.kind !== kind) continue;
      if (text !== "" && !`${e.text} ${e.kind} ${eventMember(e)} ${e.client ?? ""}`.toLowerCase().includes(text)) continue;
      fragment.append(this.item(e));
      added++;
    }
    if (added > 0) {
      this.list.append(fragment);
      this.shown += added;
      while (this.shown > shownMax && this.list.firstChild) {
        this.list.removeChild(this.list.firstChild);
        this.shown--;
      }
      if (stick) this.list.scrollTop = this.list.scrollHeight;
    }
    if (last > this.lastSeq) this.lastSeq = last;
    setText(this.count, `${events.length} events`);
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
        tabindex: 0,
        role: "button",
        "data-testid": "feed-item",
        "data-kind": e.kind,
        "data-member": eventMember(e),
      },
      el("time", {}, `${(e.atUs / 1000).toFixed(1)} ms`),
      el("span", { class: "feed-text" }, e.text),
    );
    li.setAttribute("aria-label", `${(e.atUs / 1000).toFixed(1)} milliseconds: ${e.text}`);
    const go = (): void => this.callbacks.highlight(e);
    li.addEventListener("click", go);
    li.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        go();
      }
    });
    return li;
  }
}
