// script.ts is the Script panel: the session as the engine recorded it, live. The learner can
// export it as a file, import one, or edit the text and load it; loading replaces the session
// and replays the script exactly. The recorded script is shown as numbered lines whose long
// lines wrap with a hanging indent (so a wrapped `cluster …` line never reads as two); Edit
// swaps in a text area.
import { maxScriptChars } from "../url/codec";
import { el, setText } from "./dom";

/** ScriptPanel owns the script text area and its buttons. */
export class ScriptPanel {
  readonly root: HTMLElement;
  private readonly text: HTMLTextAreaElement;
  private readonly status: HTMLParagraphElement;
  private readonly file: HTMLInputElement;
  private editing = false;
  private recorded = "";
  private readonly lines: HTMLOListElement;
  private readonly editButton: HTMLButtonElement;
  private shownLines: string[] = [];

  constructor(private readonly load: (script: string) => Promise<string | null>) {
    this.text = el("textarea", {
      id: "script-text",
      class: "mono script-text",
      "data-testid": "script-text",
      spellcheck: "false",
      rows: 12,
      "aria-label": "The session as a scenario script",
    });
    this.status = el("p", { class: "hint", role: "status" });
    this.file = el("input", { type: "file", accept: ".txt,.raft,text/plain", "data-testid": "script-import", class: "visually-hidden", id: "script-file", tabindex: -1 });
    const importButton = el("button", { type: "button", "data-testid": "script-import-button" }, "Import…");
    const exportButton = el("button", { type: "button", "data-testid": "script-export" }, "Export");
    const applyButton = el("button", { type: "button", class: "primary", "data-testid": "script-apply" }, "Load this script");
    const revert = el("button", { type: "button", "data-testid": "script-revert" }, "Discard edits");
    this.editButton = el("button", { type: "button", "data-testid": "script-edit" }, "Edit");
    this.lines = el("ol", { class: "mono script-lines", "data-testid": "script-lines", tabindex: 0, "aria-label": "The session as a scenario script, one command per numbered line" });
    this.root = el(
      "section",
      { class: "panel script", "aria-labelledby": "script-title" },
      el("div", { class: "panel-head" }, el("h2", { id: "script-title" }, "Script")),
      el("p", { class: "hint" }, "Everything you do is a line here. Edit it and load it, or share it: the link in the address bar carries it."),
      this.lines,
      this.text,
      el("div", { class: "button-row" }, this.editButton, applyButton, revert, exportButton, importButton, this.file),
      this.status,
    );
    this.text.addEventListener("input", () => {
      this.editing = this.text.value !== this.recorded;
      setText(this.status, this.editing ? "Edited: press “Load this script” to replay it, or discard the edits." : "");
    });
    revert.addEventListener("click", () => {
      this.editing = false;
      this.text.value = this.recorded;
      setText(this.status, "");
      this.setMode(false);
    });
    this.editButton.addEventListener("click", () => {
      this.setMode(true);
      this.text.focus();
    });
    this.root.classList.add("viewing");
    applyButton.addEventListener("click", () => void this.apply(this.text.value));
    exportButton.addEventListener("click", () => this.export());
    importButton.addEventListener("click", () => this.file.click());
    this.file.addEventListener("change", () => void this.importFile());
  }

  /** setMode shows the text area (editing) or the numbered lines. */
  private setMode(edit: boolean): void {
    this.root.classList.toggle("viewing", !edit);
    this.editButton.hidden = edit;
  }

  /** showLines keeps one item per recorded line, touching only the lines that changed. */
  private showLines(script: string): void {
    const lines = script.replace(/\n$/, "").split("\n");
    const atEnd = this.lines.scrollTop + this.lines.clientHeight >= this.lines.scrollHeight - 10;
    const items = this.lines.children;
    lines.forEach((text, i) => {
      if (this.shownLines[i] === text && items[i]) return;
      const li = items[i] ?? this.lines.appendChild(el("li"));
      li.textContent = text;
    });
    while (this.lines.children.length > lines.length) this.lines.lastElementChild!.remove();
    if (atEnd || this.shownLines.length === 0) this.lines.scrollTop = this.lines.scrollHeight;
    this.shownLines = lines;
  }

  /** show puts the recorded script in the panel unless the learner is editing it. */
  show(script: string): void {
    this.recorded = script;
    this.showLines(script);
    if (this.editing) return;
    if (this.text.value !== script) {
      const atEnd = this.text.scrollTop + this.text.clientHeight >= this.text.scrollHeight - 10;
      this.text.value = script;
      if (atEnd) this.text.scrollTop = this.text.scrollHeight;
    }
  }

  private async apply(script: string): Promise<void> {
    if (script.length > maxScriptChars) {
      setText(this.status, `The script is too large (${script.length} characters; at most ${maxScriptChars}).`);
      return;
    }
    setText(this.status, "Loading…");
    const err = await this.load(script);
    if (err) {
      this.setMode(true);
      setText(this.status, `The script was not loaded: ${err}`);
      return;
    }
    this.editing = false;
    this.setMode(false);
    setText(this.status, "Loaded: the session now replays this script.");
  }

  private export(): void {
    const blob = new Blob([this.recorded], { type: "text/plain" });
    const url = URL.createObjectURL(blob);
    const a = el("a", { href: url, download: "raft-playground-session.txt" });
    document.body.append(a);
    a.click();
    a.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  private async importFile(): Promise<void> {
    const file = this.file.files?.[0];
    this.file.value = "";
    if (!file) return;
    if (file.size > maxScriptChars) {
      setText(this.status, `${file.name} is too large (${file.size} bytes; at most ${maxScriptChars}).`);
      return;
    }
    const text = await file.text();
    this.editing = true;
    this.text.value = text;
    await this.apply(text);
  }
}
