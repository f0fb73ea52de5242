// memberbar.ts is the action bar for the selected member: the same actions as the context
// menu, always visible as buttons so that keyboard users and tests can reach them directly.
import { membersOf, type View } from "../model/view";
import { el, setAttr, setText, showTransient } from "../render/dom";
import { groupLetter } from "../render/palette";
import { groupsOf, memberActions, moveToGroup, nextFreeMember } from "./actions";

/** MemberBar owns the selected member's action buttons. */
export class MemberBar {
  readonly root: HTMLElement;
  private readonly title: HTMLHeadingElement;
  private readonly buttons = new Map<string, HTMLButtonElement>();
  private readonly add: HTMLButtonElement;
  private readonly groups: HTMLDivElement;
  private readonly error: HTMLParagraphElement;
  private lines = new Map<string, string>();
  private addLine = "";
  private readonly chips: HTMLButtonElement[] = [];
  private view: View | null = null;
  private readonly peer: HTMLSelectElement;
  private readonly linkRow: HTMLDivElement;
  private selected = "";
  private peerKey = "";

  constructor(
    private readonly apply: (line: string) => Promise<string | null>,
    openLink: (a: string, b: string) => void,
  ) {
    this.title = el("h2", { id: "member-bar-title" }, "Member: none selected");
    const row = el("div", { class: "button-row" });
    const ids = ["crash", "restart", "pause", "resume", "timeout", "isolate", "transfer", "snapshot", "promote", "remove"];
    for (const id of ids) {
      const button = el("button", { type: "button", "data-testid": `member-action-${id}`, disabled: true }, id);
      button.addEventListener("click", () => void this.run(this.lines.get(id) ?? ""));
      this.buttons.set(id, button);
      row.append(button);
    }
    this.add = el("button", { type: "button", "data-testid": "member-action-add-learner" }, "Add a learner");
    this.add.addEventListener("click", () => void this.run(this.addLine));
    this.groups = el("div", { class: "button-row groups-row", role: "group", "aria-label": "Move to a partition group" }, el("span", { class: "muted" }, "partition group:"));
    this.error = el("p", { class: "form-error", role: "alert" });
    this.peer = el("select", { id: "link-peer", "data-testid": "member-link-peer" });
    const editLink = el("button", { type: "button", "data-testid": "member-link-edit" }, "Edit link…");
    editLink.addEventListener("click", () => {
      if (this.selected !== "" && this.peer.value !== "") openLink(this.selected, this.peer.value);
    });
    this.linkRow = el(
      "div",
      { class: "button-row link-row" },
      el("label", { for: "link-peer", class: "muted" }, "link to"),
      this.peer,
      editLink,
    );
    this.root = el(
      "section",
      { class: "panel member-bar", "aria-labelledby": "member-bar-title", "data-testid": "member-bar" },
      el("div", { class: "panel-head" }, this.title, this.add),
      el("p", { class: "hint" }, "Click a member (or Tab to it and press Enter for its menu), then act on it."),
      row,
      this.groups,
      this.linkRow,
      this.error,
    );
  }

  /** update shows the actions for the selected member ("" for none). */
  update(view: View, selected: string): void {
    this.view = view;
    const free = nextFreeMember(view);
    this.addLine = free ? `member add ${free} learner` : "";
    this.add.disabled = free === null;
    setText(this.add, free ? `Add learner ${free}` : "Cluster full (9)");
    const m = membersOf(view).find((x) => x.name === selected);
    this.selected = m ? selected : "";
    // Hidden rows keep their space, so selecting a member never moves the panels below.
    this.linkRow.style.visibility = m ? "visible" : "hidden";
    const peers = membersOf(view).map((x) => x.name).filter((n) => n !== selected);
    const peerKey = `${selected}|${peers.join(",")}`;
    if (peerKey !== this.peerKey) {
      this.peerKey = peerKey;
      this.peer.replaceChildren(...peers.map((n) => el("option", { value: n }, n)));
    }
    if (!m) {
      setText(this.title, "Member: none selected");
      for (const b of this.buttons.values()) b.disabled = true;
      for (const chip of this.chips) chip.hidden = true;
      return;
    }
    setText(this.title, `Member ${m.name}`);
    this.lines = new Map();
    for (const action of memberActions(m, view)) {
      const button = this.buttons.get(action.id);
      if (!button) continue;
      this.lines.set(action.id, action.line);
      button.disabled = !action.enabled;
      setText(button, action.label);
      button.title = `${action.line} — ${action.hint}`;
    }
    const groups = groupsOf(view);
    const current = groups.findIndex((g) => g.includes(selected));
    // The chips are kept and relabelled, never rebuilt, so a click that lands while the
    // panel redraws still reaches its button; the line is worked out when it is clicked.
    const wanted = groups.length + (groups[current]?.length === 1 ? 0 : 1);
    while (this.chips.length < wanted) {
      const index = this.chips.length;
      const chip = el("button", { type: "button", class: "chip" });
      chip.addEventListener("click", () => {
        const latest = this.view;
        if (latest && this.selected !== "") void this.run(moveToGroup(latest, this.selected, index));
      });
      this.chips.push(chip);
      this.groups.append(chip);
    }
    this.chips.forEach((chip, i) => {
      chip.hidden = i >= wanted;
      if (chip.hidden) return;
      const isNew = i === groups.length;
      const name = isNew ? "new group" : groups.length === 1 ? "whole network" : `group ${groupLetter(i)}`;
      setText(chip, isNew ? name : `${name} (${groups[i]!.length})`);
      setAttr(chip, "data-testid", isNew ? "member-group-new" : `member-group-${groupLetter(i)}`);
      setAttr(chip, "aria-pressed", i === current ? "true" : "false");
      chip.classList.toggle("on", i === current);
      chip.disabled = i === current;
    });
  }

  private async run(line: string): Promise<void> {
    if (line === "") return;
    setText(this.error, "");
    const err = await this.apply(line);
    if (err) showTransient(this.error, `“${line}” was refused: ${err}`);
  }
}
