// logs.ts draws each member's log as a row of cells aligned by index: colour and number by
// term, the committed and applied marks, the compacted prefix, the WAL's unsynced tail, and
// under each follower the leader's next and match index for it. Cells are created once and
// then only restyled.
import { displayRole, membersOf, type EntryView, type MemberView, type ProgressView, type View } from "../model/view";
import { el, setAttr, setText, toggleClass } from "./dom";
import { roleLabel, termColor } from "./palette";

/** columns is how many indexes are visible at once (the newest ones). */
const columns = 30;

interface Cell {
  node: HTMLDivElement;
  state: string;
  color: string;
  text: string;
  title: string;
}

interface Row {
  member: string;
  /** signature sums up what the row last showed; an unchanged row is not touched. */
  signature: string;
  root: HTMLDivElement;
  name: HTMLDivElement;
  role: HTMLSpanElement;
  cells: Cell[];
  progress: HTMLDivElement;
  progressSlots: HTMLSpanElement[];
  summary: HTMLDivElement;
}

/** Logs owns the log panel. */
export class Logs {
  readonly root: HTMLElement;
  private readonly ruler: HTMLSpanElement[] = [];
  private readonly body: HTMLDivElement;
  private readonly rows = new Map<string, Row>();
  private order = "";
  /** scroller is the part that scrolls sideways when the cells are wider than the screen. */
  private readonly scroller: HTMLDivElement;
  private readonly rulerName: HTMLDivElement;
  /**
   * following says the panel keeps the newest entry in sight as entries arrive. Scrolling
   * back by hand stops it (the learner is reading older entries); scrolling back to the newest
   * entry starts it again.
   */
  private following = true;
  /** ownScroll is the scrollLeft the panel last set itself; a scroll to anywhere else is the learner's. */
  private ownScroll = -1;
  /** newest is the column of the newest entry (-1: no entries); newestKey what it was followed for. */
  private newest = -1;
  private newestKey = "";

  constructor(private readonly onSelect: (member: string) => void) {
    this.rulerName = el("div", { class: "log-name" }, "index");
    const rulerRow = el("div", { class: "log-row ruler", "aria-hidden": "true" }, this.rulerName);
    const rulerCells = el("div", { class: "log-cells" });
    for (let i = 0; i < columns; i++) {
      const span = el("span", { class: "ruler-cell" });
      this.ruler.push(span);
      rulerCells.append(span);
    }
    rulerRow.append(rulerCells);
    this.body = el("div", { class: "log-body" });
    const legend = el(
      "ul",
      { class: "legend", "aria-label": "Legend" },
      el("li", {}, el("span", { class: "swatch committed" }), "committed"),
      el("li", {}, el("span", { class: "swatch uncommitted" }), "not yet committed"),
      el("li", {}, el("span", { class: "swatch unsynced" }), "in the WAL, not yet synced"),
      el("li", {}, el("span", { class: "swatch compacted" }), "compacted into a snapshot"),
      el("li", {}, el("span", { class: "mark-sample commit" }), "commit"),
      el("li", {}, el("span", { class: "mark-sample applied" }), "applied"),
      el("li", {}, el("b", {}, "m / n"), " leader's match / next for that follower"),
    );
    this.root = el(
      "section",
      { class: "panel logs", "aria-labelledby": "logs-title", "data-testid": "logs-panel" },
      el("h2", { id: "logs-title" }, "Logs"),
      el("p", { class: "hint" }, "Each cell is one entry: its colour and number are its term; the ruler gives its index."),
      (this.scroller = el("div", { class: "log-scroll" }, rulerRow, this.body)),
      legend,
    );
    this.scroller.addEventListener("scroll", () => this.scrolled(), { passive: true });
    // A new width (a phone turned, a window resized) moves the newest entry: follow it.
    new ResizeObserver(() => {
      if (this.following) this.follow();
    }).observe(this.scroller);
  }

  /** scrolled notices the learner scrolling the cells by hand. */
  private scrolled(): void {
    if (Math.abs(this.scroller.scrollLeft - this.ownScroll) < 1) return;
    this.following = this.newestInSight();
  }

  /** newestInSight says whether the newest entry's column is in the part of the panel in sight. */
  private newestInSight(): boolean {
    const cell = this.ruler[this.newest];
    if (!cell) return true;
    const c = cell.getBoundingClientRect();
    return c.left >= this.rulerName.getBoundingClientRect().right - 1 && c.right <= this.scroller.getBoundingClientRect().right + 1;
  }

  /**
   * follow scrolls the cells so that the newest entry sits near the right edge of the panel,
   * with the column after it (where the leader's "n", its next index for a follower, shows).
   */
  private follow(): void {
    const cell = this.ruler[this.newest + 1] ?? this.ruler[this.newest];
    const s = this.scroller;
    if (!cell || s.scrollWidth <= s.clientWidth) return;
    // The right edge of the newest column, and a little room for its commit mark.
    const right = cell.getBoundingClientRect().right - s.getBoundingClientRect().left - s.clientLeft + s.scrollLeft + 6;
    const target = Math.max(0, Math.min(s.scrollWidth - s.clientWidth, Math.round(right - s.clientWidth)));
    if (Math.abs(target - s.scrollLeft) < 1) return;
    s.scrollLeft = target;
    this.ownScroll = s.scrollLeft;
  }

  /** update redraws the rows from a new view. */
  update(view: View): void {
    const members = [...membersOf(view)].sort((a, b) => a.id - b.id);
    let maxLast = 0;
    for (const m of members) maxLast = Math.max(maxLast, m.lastIndex);
    const first = Math.max(1, maxLast - columns + 1);
    this.ruler.forEach((span, i) => setText(span, String(first + i)));

    const leader = members.find((m) => m.id === view.leader && m.state === "up");
    const progress = new Map((leader?.progress ?? []).map((p) => [p.id, p]));

    const key = members.map((m) => m.name).join(",");
    for (const m of members) {
      let row = this.rows.get(m.name);
      if (!row) {
        row = this.createRow(m.name);
        this.rows.set(m.name, row);
      }
      this.updateRow(row, m, first, progress.get(m.id), leader);
    }
    for (const [name, row] of this.rows) {
      if (!members.some((m) => m.name === name)) {
        row.root.remove();
        this.rows.delete(name);
      }
    }
    if (key !== this.order) {
      this.order = key;
      for (const m of members) this.body.append(this.rows.get(m.name)!.root);
    }
    // New entries (or a rewind) move the newest one: keep it in sight unless the learner
    // scrolled away from it. The layout is read only then, not on every frame.
    this.newest = maxLast > 0 ? maxLast - first : -1;
    const newestKey = `${first}|${maxLast}`;
    if (newestKey !== this.newestKey) {
      this.newestKey = newestKey;
      if (this.following) this.follow();
    }
  }

  private createRow(member: string): Row {
    const role = el("span", { class: "log-role" });
    const name = el(
      "div",
      { class: "log-name" },
      el("button", { type: "button", class: "link-button", "aria-label": `Select ${member}` }, member),
      role,
    );
    name.querySelector("button")!.addEventListener("click", () => this.onSelect(member));
    const cellsRoot = el("div", { class: "log-cells" });
    const cells: Cell[] = [];
    for (let i = 0; i < columns; i++) {
      const node = el("div", { class: "log-cell empty", "data-testid": "log-cell" });
      cellsRoot.append(node);
      cells.push({ node, state: "", color: "", text: "", title: "" });
    }
    const progress = el("div", { class: "log-cells progress-row" });
    const progressSlots: HTMLSpanElement[] = [];
    for (let i = 0; i < columns; i++) {
      const span = el("span", { class: "progress-slot" });
      progress.append(span);
      progressSlots.push(span);
    }
    const summary = el("div", { class: "log-summary" });
    const root = el(
      "div",
      { class: "log-member", "data-testid": `log-row-${member}` },
      el("div", { class: "log-row" }, name, cellsRoot),
      el("div", { class: "log-row" }, el("div", { class: "log-name small" }), progress),
      summary,
    );
    return { member, root, name, role, cells, progress, progressSlots, summary, signature: "" };
  }

  private updateRow(
    row: Row,
    m: MemberView,
    first: number,
    progress: ProgressView | undefined,
    leader: MemberView | undefined,
  ): void {
    const isLeader = leader?.id === m.id;
    const role = displayRole(m, leader);
    let terms = "";
    for (const e of m.log ?? []) if (e.index >= first) terms += `${e.term}${e.synced ? "" : "u"},`;
    const signature = [first, m.commit, m.applied, m.lastIndex, m.syncedIndex, m.compactedIndex, m.state, role,
      isLeader, progress?.match, progress?.next, progress?.state, terms].join("|");
    if (signature === row.signature) return;
    row.signature = signature;
    setText(row.role, roleLabel(role, m.state).toLowerCase());
    setAttr(row.root, "data-commit", m.commit);
    setAttr(row.root, "data-applied", m.applied);
    setAttr(row.root, "data-last", m.lastIndex);
    setAttr(row.root, "data-first", m.firstIndex);
    setAttr(row.root, "class", `log-member state-${m.state} role-${role}`);

    const entries = new Map<number, EntryView>();
    for (const e of m.log ?? []) entries.set(e.index, e);
    const snapshotIndex = m.compactedIndex;
    const synced = m.syncedIndex;

    row.cells.forEach((cell, i) => {
      const index = first + i;
      const entry = entries.get(index);
      let state: string;
      let text = "";
      let color = "";
      let title = "";
      if (index > m.lastIndex) {
        state = "empty";
      } else if (index <= snapshotIndex) {
        state = "compacted";
        text = "";
        title = `index ${index}: compacted into the snapshot (which covers up to index ${snapshotIndex})`;
      } else if (entry) {
        const parts = ["entry"];
        parts.push(index <= m.commit ? "committed" : "uncommitted");
        if (index <= m.applied) parts.push("applied");
        const unsynced = !entry.synced || index > synced;
        if (unsynced) parts.push("unsynced");
        if (entry.type !== "normal") parts.push(`kind-${entry.type}`);
        if (index === m.commit) parts.push("commit-mark");
        if (index === m.applied) parts.push("applied-mark");
        state = parts.join(" ");
        text = String(entry.term);
        color = termColor(entry.term);
        title =
          `index ${index}, term ${entry.term}` +
          `${entry.type !== "normal" ? ` (${entry.type})` : ""}` +
          `${entry.desc ? `: ${entry.desc}` : ""}` +
          ` — ${index <= m.commit ? "committed" : "not committed"}${index <= m.applied ? ", applied" : ""}${unsynced ? ", not yet synced to the WAL" : ""}`;
      } else {
        state = "entry unknown";
        title = `index ${index}`;
      }
      if (cell.state !== state) {
        cell.state = state;
        cell.node.className = `log-cell ${state}`;
      }
      if (cell.color !== color) {
        cell.color = color;
        cell.node.style.background = color;
      }
      if (cell.text !== text) {
        cell.text = text;
        cell.node.textContent = text;
        setAttr(cell.node, "data-term", text);
      }
      if (cell.title !== title) {
        cell.title = title;
        cell.node.title = title;
        cell.node.dataset.index = String(index);
      }
    });

    // The leader's view of this follower: where it believes the follower's log matches its
    // own (match) and which entry it will send next (next).
    const hasProgress = progress !== undefined && !isLeader;
    toggleClass(row.root, "has-progress", hasProgress);
    row.progressSlots.forEach((slot, i) => {
      const index = first + i;
      let text = "";
      if (hasProgress) {
        if (index === progress.match && index === progress.next) text = "mn";
        else if (index === progress.match) text = "m";
        else if (index === progress.next) text = "n";
      }
      setText(slot, text);
      toggleClass(slot, "on", text !== "");
    });

    const summary =
      `commit ${m.commit} · applied ${m.applied} · last ${m.lastIndex} · WAL synced to ${m.syncedIndex}` +
      `${snapshotIndex > 0 ? ` · snapshot at ${snapshotIndex}` : ""}` +
      `${hasProgress ? ` · leader: match ${progress.match}, next ${progress.next}${progress.state ? ` (${progress.state})` : ""}` : ""}`;
    setText(row.summary, summary);
  }
}
