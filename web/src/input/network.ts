// network.ts is the network panel: ready-made partitions, heal, and the editor for one link's
// drop rate and latency (opened by clicking a link on the ring). Each choice becomes one line.
import { directedKey, fullKnobsText, isLossy, isSlow, knobsText, latencyText, sameKnobs, specialLinks } from "../model/links";
import { durationPattern, line } from "../model/scriptline";
import { memberName, membersOf, type LinkView, type View } from "../model/view";
import { el, setText, showTransient } from "../render/dom";
import { presetLine } from "./actions";

/** NetworkPanel owns the presets and the link editor. */
export class NetworkPanel {
  readonly root: HTMLElement;
  readonly editor: HTMLFormElement;
  private readonly title: HTMLHeadingElement;
  private readonly direction: HTMLSelectElement;
  private readonly drop: HTMLInputElement;
  private readonly latency: HTMLInputElement;
  private readonly dup: HTMLInputElement;
  private readonly error: HTMLParagraphElement;
  private readonly presetError: HTMLParagraphElement;
  private readonly heal: HTMLButtonElement;
  private readonly linkList: HTMLUListElement;
  private readonly linkNote: HTMLParagraphElement;
  private readonly current: HTMLParagraphElement;
  private linkKey = "";
  private a = "";
  private b = "";
  /** baseline is what the editor's fields were filled with, so only changed knobs are sent. */
  private baseline = { drop: "", latency: "", dup: "" };
  private returnFocus: Element | null = null;

  constructor(
    private readonly view: () => View | null,
    private readonly apply: (line: string) => Promise<string | null>,
  ) {
    const preset = (id: string, label: string, hint: string): HTMLButtonElement => {
      const button = el("button", { type: "button", "data-testid": `net-preset-${id}`, title: hint }, label);
      button.addEventListener("click", () => void this.preset(id));
      return button;
    };
    // Heal stands out (primary) only while there is a partition or an isolation to heal.
    const heal = el("button", { type: "button", "data-testid": "net-heal", "data-needed": "false", title: "nothing to heal: every member can reach every other" }, "Heal");
    heal.addEventListener("click", () => void this.run("heal", this.presetError));
    this.heal = heal;
    this.presetError = el("p", { class: "form-error", role: "alert" });
    this.linkList = el("ul", { class: "link-list", "data-testid": "net-links", "aria-label": "Links that differ from the defaults" });
    this.linkNote = el("p", { class: "hint link-note", "data-testid": "net-links-note" });
    this.root = el(
      "section",
      { class: "panel network", "aria-labelledby": "net-title" },
      el("h2", { id: "net-title" }, "Network"),
      el("p", { class: "hint" }, "Drag a member onto another to join its group, or into empty space to cut it off. Click a link to make it lossy or slow."),
      el(
        "div",
        { class: "button-row" },
        preset("isolate-leader", "Isolate the leader", "cut the current leader off from everyone"),
        preset("minority-majority", "Leader in a minority", "the leader keeps a minority; the rest form a majority"),
        preset("3-3-3", "Split 3 · 3 · 3", "three groups of three (nine members)"),
        heal,
      ),
      this.presetError,
      el("h3", { class: "subhead" }, "Changed links"),
      this.linkNote,
      this.linkList,
    );

    this.title = el("h3", { id: "link-editor-title" });
    this.direction = el("select", { id: "link-direction", "data-testid": "link-direction" });
    this.drop = el("input", { id: "link-drop", type: "number", min: 0, max: 100, step: 1, placeholder: "0", "data-testid": "link-drop" });
    this.latency = el("input", { id: "link-latency", type: "text", placeholder: "e.g. 200ms or 50ms..300ms", "data-testid": "link-latency", autocomplete: "off" });
    this.dup = el("input", { id: "link-dup", type: "number", min: 0, max: 100, step: 1, placeholder: "0", "data-testid": "link-dup" });
    this.error = el("p", { class: "form-error", role: "alert" });
    this.current = el("p", { class: "hint link-now", "data-testid": "link-current" });
    this.direction.addEventListener("change", () => this.fill());
    const applyButton = el("button", { type: "submit", class: "primary", "data-testid": "link-apply" }, "Apply");
    const reset = el("button", { type: "button", "data-testid": "link-reset" }, "Reset to default");
    const close = el("button", { type: "button", class: "ghost", "aria-label": "Close the link editor" }, "✕");
    this.editor = el(
      "form",
      { class: "link-editor popover", hidden: true, "data-testid": "link-editor", "aria-labelledby": "link-editor-title", role: "dialog" },
      el("div", { class: "panel-head" }, this.title, close),
      this.current,
      el("label", { class: "field", for: "link-direction" }, el("span", { class: "field-label" }, "direction"), this.direction),
      el("label", { class: "field", for: "link-drop" }, el("span", { class: "field-label" }, "drop %"), this.drop),
      el("label", { class: "field", for: "link-latency" }, el("span", { class: "field-label" }, "latency"), this.latency),
      el("label", { class: "field", for: "link-dup" }, el("span", { class: "field-label" }, "duplicate %"), this.dup),
      el("div", { class: "button-row" }, applyButton, reset),
      this.error,
    );
    this.editor.addEventListener("submit", (ev) => {
      ev.preventDefault();
      void this.applyLink();
    });
    reset.addEventListener("click", () => void this.run(line("link", this.target(), "reset"), this.error, true));
    close.addEventListener("click", () => this.close());
    this.editor.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape") {
        ev.preventDefault();
        this.close();
      }
    });
  }

  /**
   * update shows whether there is anything to heal and lists the link directions whose knobs
   * differ from the defaults, each with buttons to edit or reset it.
   */
  update(view: View): void {
    const groups = new Set(membersOf(view).map((m) => m.group));
    const needed = groups.size > 1;
    if (this.heal.dataset.needed !== String(needed)) {
      this.heal.dataset.needed = String(needed);
      this.heal.classList.toggle("primary", needed);
      this.heal.title = needed ? "remove every partition and isolation" : "nothing to heal: every member can reach every other";
    }
    const defaults = view.linkDefaults;
    const links = view.links ?? [];
    const key = JSON.stringify([links, defaults]);
    if (key === this.linkKey) return;
    this.linkKey = key;
    setText(
      this.linkNote,
      links.length === 0
        ? `Every link uses the defaults (latency ${latencyText(defaults)}, no loss). Click a link on the ring to change it.`
        : `Defaults: latency ${latencyText(defaults)}, drop ${defaults.dropPercent}%.`,
    );
    this.linkList.replaceChildren(...links.map((l) => this.linkRow(l, defaults)));
    if (!this.editor.hidden) this.showCurrent(view);
  }

  private linkRow(l: LinkView, defaults: LinkView): HTMLLIElement {
    const from = memberName(l.from);
    const to = memberName(l.to);
    const edit = el("button", { type: "button", class: "chip", "data-testid": `net-link-edit-${from}-${to}`, "aria-label": `Edit the link ${from} to ${to}` }, "edit");
    edit.addEventListener("click", () => this.openLink(from, to, "ab"));
    const reset = el("button", { type: "button", class: "chip", "data-testid": `net-link-reset-${from}-${to}`, "aria-label": `Reset the link ${from} to ${to} to the defaults` }, "reset");
    reset.addEventListener("click", () => void this.run(line("link", `${from}->${to}`, "reset"), this.presetError));
    const kind = isLossy(l) ? "lossy" : isSlow(l, defaults) ? "slow" : "tuned";
    return el(
      "li",
      { class: `link-item ${kind}`, "data-testid": "net-link-row", "data-from": from, "data-to": to, "data-kind": kind },
      el("span", { class: "link-swatch", "aria-hidden": "true" }),
      el("span", { class: "mono" }, `${from} → ${to}`),
      el("span", { class: "link-knobs" }, knobsText(l, defaults)),
      el("span", { class: "link-buttons" }, edit, reset),
    );
  }

  /**
   * openLink shows the editor for the link between two members, filled with its current knobs.
   * direction "ab" edits only a → b; without one, both ways when they match.
   */
  openLink(a: string, b: string, direction?: "ab" | "ba"): void {
    this.a = a;
    this.b = b;
    this.returnFocus = document.activeElement;
    setText(this.title, `Link ${a} ↔ ${b}`);
    this.direction.replaceChildren(
      el("option", { value: "both" }, `both ways (${a} ↔ ${b})`),
      el("option", { value: "ab" }, `${a} → ${b}`),
      el("option", { value: "ba" }, `${b} → ${a}`),
    );
    const view = this.view();
    const special = view ? specialLinks(view) : new Map<string, LinkView>();
    const ab = special.get(directedKey(a, b));
    const ba = special.get(directedKey(b, a));
    this.direction.value = direction ?? (sameKnobs(ab, ba) ? "both" : ab ? "ab" : "ba");
    this.fill();
    setText(this.error, "");
    this.editor.hidden = false;
    this.drop.focus();
  }

  /** fill puts the chosen direction's knobs in the fields (blank when both ways differ). */
  private fill(): void {
    const view = this.view();
    if (!view) return;
    const special = specialLinks(view);
    const defaults = view.linkDefaults;
    const ab = special.get(directedKey(this.a, this.b));
    const ba = special.get(directedKey(this.b, this.a));
    let knobs: LinkView | null;
    switch (this.direction.value) {
      case "ab":
        knobs = ab ?? defaults;
        break;
      case "ba":
        knobs = ba ?? defaults;
        break;
      default:
        knobs = sameKnobs(ab, ba) ? (ab ?? defaults) : null;
    }
    this.baseline = knobs
      ? { drop: String(knobs.dropPercent), latency: latencyText(knobs), dup: String(knobs.duplicatePercent) }
      : { drop: "", latency: "", dup: "" };
    this.drop.value = this.baseline.drop;
    this.latency.value = this.baseline.latency;
    this.dup.value = this.baseline.dup;
    this.showCurrent(view);
  }

  /** showCurrent says what each direction of the open link does now. */
  private showCurrent(view: View): void {
    const special = specialLinks(view);
    const now = (from: string, to: string): string => {
      const l = special.get(directedKey(from, to));
      return `${from} → ${to}: ${l ? fullKnobsText(l) : `default (${fullKnobsText(view.linkDefaults)})`}`;
    };
    this.current.replaceChildren(now(this.a, this.b), el("br"), now(this.b, this.a));
  }

  /** close hides the link editor. */
  close(): void {
    if (this.editor.hidden) return;
    this.editor.hidden = true;
    if (this.returnFocus instanceof HTMLElement || this.returnFocus instanceof SVGElement) this.returnFocus.focus();
  }

  private target(): string {
    switch (this.direction.value) {
      case "ab":
        return `${this.a}->${this.b}`;
      case "ba":
        return `${this.b}->${this.a}`;
      default:
        return `${this.a}<->${this.b}`;
    }
  }

  private async applyLink(): Promise<void> {
    const drop = this.drop.value.trim();
    const dup = this.dup.value.trim();
    const latency = this.latency.value.trim().replace(/\s+/g, "");
    const percent = /^(100|[1-9]?\d)(\.\d+)?$/;
    if (drop !== "" && !percent.test(drop)) return this.fail("Drop is a percentage from 0 to 100.", this.drop);
    if (dup !== "" && !percent.test(dup)) return this.fail("Duplicate is a percentage from 0 to 100.", this.dup);
    if (latency !== "") {
      const parts = latency.split("..");
      if (parts.length > 2 || !parts.every((p) => durationPattern.test(p))) {
        return this.fail("Latency is a duration such as 200ms, or a range such as 50ms..300ms.", this.latency);
      }
    }
    // Only the knobs the learner changed go into the line; the engine keeps the others.
    const base = this.baseline;
    const sendDrop = drop !== "" && drop !== base.drop;
    const sendLatency = latency !== "" && latency !== base.latency;
    const sendDup = dup !== "" && dup !== base.dup;
    if (!sendDrop && !sendDup && !sendLatency) return this.fail("Change at least one knob, or reset the link.", this.drop);
    const text = line("link", this.target(), sendDrop && `drop=${drop}%`, sendLatency && `latency=${latency}`, sendDup && `dup=${dup}%`);
    await this.run(text, this.error, true);
  }

  private fail(message: string, field: HTMLElement): void {
    setText(this.error, message);
    field.focus();
  }

  private async preset(id: string): Promise<void> {
    const view = this.view();
    if (!view) return;
    const built = presetLine(view, id);
    if (!built.line) {
      showTransient(this.presetError, built.error ?? "");
      return;
    }
    await this.run(built.line, this.presetError);
  }

  private async run(text: string, errorNode: HTMLElement, closeOnSuccess = false): Promise<void> {
    setText(errorNode, "");
    const err = await this.apply(text);
    if (err) showTransient(errorNode, `“${text}” was refused: ${err}`);
    else if (closeOnSuccess) this.close();
  }
}
