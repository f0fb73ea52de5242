// share.ts keeps the address bar's `#s=…` in step with the session's script, so a reload or
// a shared link replays the session exactly. Writes are spaced out because the script grows
// while time runs and compressing it on every frame would be wasted work.
import type { Session } from "../model/session";
import { encodeScript } from "./codec";

/** saveIntervalMs is the least time between two updates of the address bar. */
const saveIntervalMs = 1000;

/** ShareLink owns the `#s=` fragment. */
export class ShareLink {
  /** lastHash is the fragment this page wrote last, to tell it from one the learner pasted. */
  lastHash = "";
  private timer = 0;
  private lastSave = 0;

  constructor(private readonly session: Session) {
    session.onScript(() => this.saveSoon());
  }

  /** saveSoon schedules an update of the address bar. */
  saveSoon(): void {
    if (this.timer !== 0) return;
    const wait = Math.max(0, saveIntervalMs - (performance.now() - this.lastSave));
    this.timer = window.setTimeout(() => {
      this.timer = 0;
      void this.save();
    }, wait);
  }

  /** save writes the current script into the address bar now. */
  async save(): Promise<void> {
    this.lastSave = performance.now();
    const script = this.session.scriptText;
    if (script === "") return;
    const hash = `#s=${await encodeScript(script)}`;
    if (hash === this.lastHash) return;
    this.lastHash = hash;
    history.replaceState(null, "", `${location.pathname}${location.search}${hash}`);
  }

  /** copy puts a link to this session on the clipboard. */
  async copy(): Promise<void> {
    await this.session.refresh(true);
    await this.save();
    try {
      await navigator.clipboard.writeText(location.href);
      this.session.setNotice({ kind: "info", text: "Link copied: it replays this session exactly." });
    } catch {
      this.session.setNotice({ kind: "info", text: "The address bar now holds a link that replays this session; copy it from there." });
    }
  }
}
