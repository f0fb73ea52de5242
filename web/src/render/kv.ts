// kv.ts shows one member's MVCC store: its revisions, keys, leases, lock queues and watches.
// Keys and values are learner data: they are written with textContent only. The tables are
// rebuilt only when the store's data actually changed, not on every frame.
import { memberName, membersOf, type KeyView, type KVView, type View } from "../model/view";
import { clear, el, formatUs, setAttr, setText } from "./dom";

/** maxKeyRows bounds the key table; the rest are counted, not drawn. */
const maxKeyRows = 200;

/** KVPanel owns the key-value panel. */
export class KVPanel {
  readonly root: HTMLElement;
  readonly select: HTMLSelectElement;
  private readonly revision: HTMLParagraphElement;
  private readonly keys: HTMLTableSectionElement;
  private readonly leases: HTMLUListElement;
  private readonly locks: HTMLUListElement;
  private readonly watches: HTMLUListElement;
  private lastKey = "";
  private readonly keyRows = new Map<string, HTMLTableRowElement>();
  private readonly keysNote: HTMLParagraphElement;
  private memberList = "";

  constructor(onMember: (member: string) => void) {
    this.select = el("select", { id: "kv-member", "data-testid": "kv-member-select", "aria-label": "Member whose store is shown" });
    this.select.addEventListener("change", () => onMember(this.select.value));
    this.revision = el("p", { class: "kv-revision", "data-testid": "kv-revision" });
    this.keys = el("tbody");
    this.keysNote = el("p", { class: "empty-note" });
    this.leases = el("ul", { class: "kv-list", "aria-label": "Leases" });
    this.locks = el("ul", { class: "kv-list", "aria-label": "Locks" });
    this.watches = el("ul", { class: "kv-list", "aria-label": "Watches" });
    const table = el(
      "table",
      { class: "kv-table" },
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          el("th", { scope: "col" }, "key"),
          el("th", { scope: "col" }, "value"),
          el("th", { scope: "col", title: "create revision" }, "create"),
          el("th", { scope: "col", title: "mod revision" }, "mod"),
          el("th", { scope: "col" }, "version"),
          el("th", { scope: "col" }, "lease"),
        ),
      ),
      this.keys,
    );
    this.root = el(
      "section",
      { class: "panel kv", "aria-labelledby": "kv-title", "data-testid": "kv-panel" },
      el("div", { class: "panel-head" }, el("h2", { id: "kv-title" }, "Key-value store"), el("label", { for: "kv-member", class: "inline" }, "of member "), this.select),
      this.revision,
      el("div", { class: "table-scroll" }, table, this.keysNote),
      el("div", { class: "kv-columns" },
        el("div", {}, el("h3", {}, "Leases"), this.leases),
        el("div", {}, el("h3", {}, "Locks"), this.locks),
        el("div", {}, el("h3", {}, "Watches"), this.watches),
      ),
    );
  }

  /** update refreshes the panel; member is the member currently chosen. */
  update(view: View, member: string): void {
    const ids = [...membersOf(view)].sort((a, b) => a.id - b.id).map((m) => m.name);
    const list = ids.join(",");
    if (list !== this.memberList) {
      this.memberList = list;
      clear(this.select);
      for (const id of ids) this.select.append(el("option", { value: id }, id));
    }
    if (this.select.value !== member) this.select.value = member;
    const kv = view.kv && memberName(view.kv.member) === member ? view.kv : null;
    const state = membersOf(view).find((m) => m.name === member)?.state ?? "up";
    // Lease ids are numbers inside the store; the clients know them by the script's names.
    const leaseNames = new Map<number, string>();
    const waitingOn = new Map<string, string>();
    for (const c of view.clients ?? []) {
      for (const l of c.leases ?? []) leaseNames.set(l.id, l.name);
      for (const l of c.locks ?? []) if (l.waitingOn) waitingOn.set(`${c.name}/${l.name}`, l.waitingOn);
    }
    const key = JSON.stringify([kv, state, [...leaseNames], [...waitingOn]]);
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.render(kv, member, state, leaseNames, waitingOn);
  }

  /**
   * renderKeys keeps one row per key and updates it in place, so a store that changes on
   * every frame under heavy traffic costs a few text updates, not a rebuilt table.
   */
  private renderKeys(keys: KeyView[], known: boolean): void {
    const seen = new Set<string>();
    let before: ChildNode | null = this.keys.firstChild;
    for (const k of keys.slice(0, maxKeyRows)) {
      seen.add(k.key);
      let row = this.keyRows.get(k.key);
      if (!row) {
        row = el(
          "tr",
          { "data-testid": "kv-row", "data-key": k.key },
          el("td", { class: "mono key" }, k.key),
          el("td", { class: "mono value", "data-testid": "kv-value" }),
          el("td"),
          el("td"),
          el("td"),
          el("td"),
        );
        this.keyRows.set(k.key, row);
      }
      const cells = row.cells;
      setText(cells[1]!, k.value);
      setText(cells[2]!, String(k.createRevision));
      setText(cells[3]!, String(k.modRevision));
      setText(cells[4]!, String(k.version));
      setText(cells[5]!, k.lease ? leaseHex(k.lease) : "—");
      if (row !== before) this.keys.insertBefore(row, before);
      before = row.nextSibling;
    }
    for (const [key, row] of this.keyRows) {
      if (!seen.has(key)) {
        row.remove();
        this.keyRows.delete(key);
      }
    }
    const more = keys.length - maxKeyRows;
    setText(this.keysNote, !known ? "" : keys.length === 0 ? "no keys" : more > 0 ? `and ${more} more keys` : "");
  }

  private render(kv: KVView | null, member: string, state: string, leaseNames: Map<number, string>, waitingOn: Map<string, string>): void {
    this.renderKeys(kv?.keys ?? [], kv !== null);
    clear(this.leases);
    clear(this.locks);
    clear(this.watches);
    if (!kv) {
      setText(
        this.revision,
        state === "crashed" || state === "failed"
          ? `${member} is down: its store is gone from memory until it restarts and replays its WAL.`
          : `No store data for ${member} yet.`,
      );
      setAttr(this.revision, "data-rev", 0);
      return;
    }
    setAttr(this.revision, "data-rev", kv.revision);
    setAttr(this.revision, "data-compacted", kv.compactRevision);
    setText(
      this.revision,
      `${member}: revision ${kv.revision}, compacted at ${kv.compactRevision}`,
    );
    for (const l of kv.leases ?? []) {
      const name = leaseNames.get(l.id);
      const ttl = l.remainingUs >= 0 ? `${formatUs(l.remainingUs)} left of ${formatUs(l.ttlUs)}` : `TTL ${formatUs(l.ttlUs)} (only the leader counts down)`;
      const li = el("li", { "data-testid": "lease-row", "data-lease": name ?? leaseHex(l.id) }, `${name ? `${name} ` : ""}(${leaseHex(l.id)}): ${ttl}`);
      if (l.keys && l.keys.length > 0) li.append(" · keys: ", el("span", { class: "mono" }, l.keys.join(", ")));
      this.leases.append(li);
    }
    if ((kv.leases ?? []).length === 0) this.leases.append(el("li", { class: "empty-note" }, "none"));
    for (const lock of kv.locks ?? []) {
      const waiters = lock.waiters ?? [];
      const li = el("li", {
        "data-testid": "lock-row",
        "data-lock": lock.name,
        "data-holder": lock.holder,
        "data-waiters": waiters.join(","),
      });
      li.append(el("span", { class: "mono" }, lock.name), `: held by ${lock.holder || "nobody"}`);
      // Each waiter watches only the key just ahead of it, so a release wakes one client.
      for (const w of waiters) {
        const on = waitingOn.get(`${w}/${lock.name}`);
        li.append(el("br"), `${w} waits`);
        if (on) li.append(", watching ", el("span", { class: "mono" }, on));
      }
      this.locks.append(li);
    }
    if ((kv.locks ?? []).length === 0) this.locks.append(el("li", { class: "empty-note" }, "none"));
    for (const w of kv.watches ?? []) {
      this.watches.append(
        el(
          "li",
          { "data-testid": "watch-row" },
          `${w.client} watches `,
          el("span", { class: "mono" }, w.key),
          `${w.prefix ? " (prefix)" : ""}, next revision ${w.nextRev}`,
        ),
      );
    }
    if ((kv.watches ?? []).length === 0) this.watches.append(el("li", { class: "empty-note" }, "none"));
  }
}

/** leaseHex writes a lease id the way etcd prints it. */
function leaseHex(id: number): string {
  return `0x${id.toString(16)}`;
}
