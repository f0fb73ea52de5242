// menu.ts is the member context menu: right-click (or Enter) on a member opens it at the
// pointer, arrow keys move between items, Escape closes it and gives focus back.
import { membersOf, type View } from "../model/view";
import { clear, el } from "../render/dom";
import { groupLetter } from "../render/palette";
import { groupsOf, memberActions, moveToGroup } from "./actions";

/** MemberMenu owns the floating menu element. */
export class MemberMenu {
  readonly root: HTMLDivElement;
  private returnFocus: (() => void) | null = null;

  constructor(private readonly apply: (line: string) => void) {
    this.root = el("div", { class: "menu", role: "menu", hidden: true, "data-testid": "member-menu" });
    this.root.addEventListener("keydown", (ev) => this.onKey(ev));
    document.addEventListener("pointerdown", (ev) => {
      if (!this.root.hidden && !this.root.contains(ev.target as Node)) this.close(false);
    });
  }

  /** open shows the menu for a member at a page position. */
  open(view: View, member: string, x: number, y: number, returnFocus: () => void): void {
    const m = membersOf(view).find((v) => v.name === member);
    if (!m) return;
    this.returnFocus = returnFocus;
    clear(this.root);
    this.root.setAttribute("aria-label", `Actions for ${member}`);
    this.root.append(el("div", { class: "menu-title", role: "presentation" }, `${member} · ${m.role} · term ${m.term}`));
    for (const action of memberActions(m, view)) {
      const item = el(
        "button",
        { type: "button", role: "menuitem", class: "menu-item", disabled: !action.enabled, "data-testid": `menu-action-${action.id}`, title: action.hint },
        action.label,
        el("small", {}, action.line),
      );
      item.addEventListener("click", () => {
        this.close(true);
        this.apply(action.line);
      });
      this.root.append(item);
    }
    const groups = groupsOf(view);
    const current = groups.findIndex((g) => g.includes(member));
    this.root.append(el("div", { class: "menu-sep", role: "separator" }));
    groups.forEach((_, i) => {
      if (i === current) return;
      this.root.append(this.moveItem(view, member, i, `Move to group ${groupLetter(i)}`));
    });
    if (groups.length > 1 || groups[0]!.length > 1) {
      if (!(groups[current]?.length === 1)) this.root.append(this.moveItem(view, member, groups.length, "Move to a new group"));
    }
    this.root.hidden = false;
    const box = this.root.getBoundingClientRect();
    const left = Math.min(x, window.innerWidth - box.width - 8);
    const top = Math.min(y, window.innerHeight - box.height - 8);
    this.root.style.left = `${Math.max(8, left) + window.scrollX}px`;
    this.root.style.top = `${Math.max(8, top) + window.scrollY}px`;
    this.items()[0]?.focus();
  }

  /** close hides the menu; with restore the member gets focus back. */
  close(restore: boolean): void {
    if (this.root.hidden) return;
    this.root.hidden = true;
    if (restore && this.returnFocus) this.returnFocus();
    this.returnFocus = null;
  }

  private moveItem(view: View, member: string, target: number, label: string): HTMLButtonElement {
    const line = moveToGroup(view, member, target);
    const item = el("button", { type: "button", role: "menuitem", class: "menu-item" }, label, el("small", {}, line));
    item.addEventListener("click", () => {
      this.close(true);
      this.apply(line);
    });
    return item;
  }

  private items(): HTMLButtonElement[] {
    return [...this.root.querySelectorAll<HTMLButtonElement>("button.menu-item:not([disabled])")];
  }

  private onKey(ev: KeyboardEvent): void {
    const items = this.items();
    const index = items.indexOf(document.activeElement as HTMLButtonElement);
    if (ev.key === "Escape") {
      ev.preventDefault();
      this.close(true);
    } else if (ev.key === "ArrowDown") {
      ev.preventDefault();
      items[(index + 1) % items.length]?.focus();
    } else if (ev.key === "ArrowUp") {
      ev.preventDefault();
      items[(index - 1 + items.length) % items.length]?.focus();
    } else if (ev.key === "Home") {
      ev.preventDefault();
      items[0]?.focus();
    } else if (ev.key === "End") {
      ev.preventDefault();
      items[items.length - 1]?.focus();
    } else if (ev.key === "Tab") {
      this.close(false);
    }
  }
}
