// network.ts is the network panel: ready-made partitions, heal, and the editor for one link's
// drop rate and latency (opened by clicking a link on the ring). Each choice becomes one line.
import { durationPattern, line } from "../model/scriptline";
import type { View } from "../model/view";
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
  private a = "";
  private b = "";
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
    const heal = el("button", { type: "button", class: "primary", "data-testid": "net-heal", title: "remove every partition" }, "Heal");
    heal.addEventListener("click", () => void this.run("heal", this.presetError));
    this.presetError = el("p", { class: "form-error", role: "alert" });
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
    );

    this.title = el("h3", { id: "link-editor-title" });
    this.direction = el("select", { id: "link-direction", "data-testid": "link-direction" });
    this.drop = el("input", { id: "link-drop", type: "number", min: 0, max: 100, step: 1, placeholder: "0", "data-testid": "link-drop" });
    this.latency = el("input", { id: "link-latency", type: "text", placeholder: "e.g. 200ms or 50ms..300ms", "data-testid": "link-latency", autocomplete: "off" });
    this.dup = el("input", { id: "link-dup", type: "number", min: 0, max: 100, step: 1, placeholder: "0", "data-testid": "link-dup" });
    this.error = el("p", { class: "form-error", role: "alert" });
    const applyButton = el("button", { type: "submit", class: "primary", "data-testid": "link-apply" }, "Apply");
    const reset = el("button", { type: "button", "data-testid": "link-reset" }, "Reset to default");
    const close = el("button", { type: "button", class: "ghost", "aria-label": "Close the link editor" }, "✕");
    this.editor = el(
      "form",
      { class: "link-editor popover", hidden: true, "data-testid": "link-editor", "aria-labelledby": "link-editor-title", role: "dialog" },
      el("div", { class: "panel-head" }, this.title, close),
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

  /** openLink shows the editor for the link between two members. */
  openLink(a: string, b: string): void {
    this.a = a;
    this.b = b;
    this.returnFocus = document.activeElement;
    setText(this.title, `Link ${a} ↔ ${b}`);
    this.direction.replaceChildren(
      el("option", { value: "both" }, `both ways (${a} ↔ ${b})`),
      el("option", { value: "ab" }, `${a} → ${b}`),
      el("option", { value: "ba" }, `${b} → ${a}`),
    );
    this.drop.value = "";
    this.latency.value = "";
    this.dup.value = "";
    setText(this.error, "");
    this.editor.hidden = false;
    this.drop.focus();
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
    if (drop === "" && dup === "" && latency === "") return this.fail("Set at least one knob, or reset the link.", this.drop);
    const text = line("link", this.target(), drop !== "" && `drop=${drop}%`, latency !== "" && `latency=${latency}`, dup !== "" && `dup=${dup}%`);
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
