// scrubber.ts is the timeline slider. Dragging it pauses playback and seeks the engine to
// that virtual moment; the recorded future stays until the learner acts in the past, which
// forks the timeline (the session reports it).
import type { Session } from "../model/session";
import { formatTime } from "../model/session";
import { el, setText } from "../render/dom";
import type { Playback } from "./playback";

/** Scrubber owns the timeline slider and its time readout. */
export class Scrubber {
  readonly root: HTMLDivElement;
  readonly input: HTMLInputElement;
  private readonly readout: HTMLOutputElement;
  private readonly end: HTMLSpanElement;
  private seeking = false;
  private wanted: number | null = null;
  private dragging = false;

  constructor(
    private readonly session: Session,
    private readonly playback: Playback,
  ) {
    this.input = el("input", {
      type: "range",
      min: 0,
      max: 1,
      step: 1000,
      value: 0,
      id: "scrubber",
      "data-testid": "scrubber",
      "aria-label": "Timeline: drag to rewind to any past moment",
    });
    this.readout = el("output", { class: "time", "data-testid": "virtual-time", for: "scrubber", "aria-live": "off" });
    this.end = el("span", { class: "muted time-end" });
    this.root = el("div", { class: "scrubber" }, this.readout, this.input, this.end);
    this.input.addEventListener("pointerdown", () => {
      this.dragging = true;
    });
    window.addEventListener("pointerup", () => {
      this.dragging = false;
    });
    this.input.addEventListener("input", () => {
      this.playback.setPlaying(false);
      this.seekTo(Number(this.input.value));
    });
  }

  /** update shows the view's time and the recorded end. */
  update(): void {
    const view = this.session.view;
    if (!view) return;
    const endUs = Math.max(this.session.maxTimeUs, view.nowUs);
    const max = String(Math.max(1, Math.ceil(endUs)));
    if (this.input.max !== max) this.input.max = max;
    if (!this.dragging && !this.seeking) {
      const value = String(Math.round(view.nowUs));
      if (this.input.value !== value) this.input.value = value;
    }
    this.readout.dataset.timeUs = String(view.nowUs);
    setText(this.readout, formatTime(view.nowUs));
    setText(this.end, view.nowUs < endUs ? `of ${formatTime(endUs)} (rewound)` : "");
    this.input.setAttribute("aria-valuetext", `${formatTime(view.nowUs)} of ${formatTime(endUs)}`);
  }

  /** seekTo moves to a moment; while one seek runs only the latest wanted moment is kept. */
  seekTo(timeUs: number): void {
    this.wanted = timeUs;
    if (this.seeking) return;
    this.seeking = true;
    void (async () => {
      while (this.wanted !== null) {
        const target = this.wanted;
        this.wanted = null;
        const err = await this.session.seek(target);
        if (err) this.session.setNotice({ kind: "error", text: `Could not rewind: ${err}` });
      }
      this.seeking = false;
      this.update();
    })();
  }
}
