// controls.ts is the toolbar: play/pause, step, speed, quiet-time skip, the timeline, a new
// seed, the cluster size, the theme and the share link. The leader indicator sits here too,
// so the one fact everybody looks for is always in the same place.
import { leaderName, type View } from "../model/view";
import { el, setAttr, setText } from "../render/dom";
import { icon } from "../render/icons";
import { speeds, type Playback } from "../timeline/playback";
import type { Scrubber } from "../timeline/scrubber";

/** ControlCallbacks are the toolbar's requests to the app. */
export interface ControlCallbacks {
  step(): void;
  newCluster(size: number, seed: number): void;
  toggleTheme(): void;
  share(): void;
}

/** sizes are the cluster sizes the toolbar offers. */
export const sizes = [3, 5, 7, 9];

/** Controls owns the toolbar. */
export class Controls {
  readonly root: HTMLElement;
  readonly play: HTMLButtonElement;
  private readonly speed: HTMLSelectElement;
  private readonly quiet: HTMLInputElement;
  private readonly size: HTMLSelectElement;
  private readonly leader: HTMLSpanElement;
  private readonly theme: HTMLButtonElement;

  constructor(
    private readonly playback: Playback,
    scrubber: Scrubber,
    callbacks: ControlCallbacks,
    compact: boolean,
  ) {
    this.play = el("button", { type: "button", class: "primary play", "data-testid": "play-pause", "aria-pressed": "false", title: "Play or pause (space)" });
    this.play.addEventListener("click", () => this.playback.toggle());
    const step = el("button", { type: "button", "data-testid": "step", title: "Deliver the next event only (→)" }, icon("step"), " Step");
    step.addEventListener("click", () => {
      this.playback.setPlaying(false);
      callbacks.step();
    });
    this.speed = el("select", { id: "speed", "data-testid": "speed", "aria-label": "Speed: virtual time per real second" });
    // Option values are the speed ratios themselves (virtual seconds per real second).
    speeds.forEach((s) => this.speed.append(el("option", { value: String(s.ratio) }, s.label)));
    this.speed.addEventListener("change", () => {
      const index = speeds.findIndex((s) => String(s.ratio) === this.speed.value);
      if (index >= 0) this.playback.setSpeed(index);
    });
    this.quiet = el("input", { type: "checkbox", id: "quiet-skip", "data-testid": "quiet-skip" });
    this.quiet.addEventListener("change", () => this.playback.setQuietSkip(this.quiet.checked));
    this.size = el("select", { id: "size", "data-testid": "size-select", "aria-label": "Cluster size (starts a new cluster)" });
    for (const n of sizes) this.size.append(el("option", { value: n }, `${n} members`));
    this.size.addEventListener("change", () => callbacks.newCluster(Number(this.size.value), randomSeed()));
    const seed = el("button", { type: "button", "data-testid": "seed-new", title: "Start again with a new random seed" }, "New seed");
    seed.addEventListener("click", () => callbacks.newCluster(Number(this.size.value), randomSeed()));
    this.leader = el("span", { class: "leader-indicator", "data-testid": "leader-indicator", role: "status", "aria-live": "polite" }, "leader: none");
    this.theme = el("button", { type: "button", class: "ghost", "data-testid": "theme-toggle", "aria-label": "Switch between light and dark theme" }, "◐");
    this.theme.addEventListener("click", () => callbacks.toggleTheme());
    const share = el("button", { type: "button", "data-testid": "share-link", title: "Copy a link that replays this session" }, "Copy link");
    share.addEventListener("click", () => callbacks.share());

    const speedField = el("label", { class: "inline-field", for: "speed" }, el("span", { class: "field-label" }, "speed"), this.speed);
    const quietField = el("label", { class: "inline-field check", for: "quiet-skip", title: "While no message is on the wire, time runs faster (messages always move at the chosen speed)" }, this.quiet, el("span", {}, "skip quiet time"));
    if (compact) {
      this.root = el("div", { class: "toolbar compact", role: "toolbar", "aria-label": "Playback" }, this.play, step, speedField, scrubber.root, this.leader);
    } else {
      this.root = el(
        "div",
        { class: "toolbar", role: "toolbar", "aria-label": "Playback and cluster" },
        el("div", { class: "tool-group" }, this.play, step, speedField, quietField),
        el("div", { class: "tool-group grow" }, scrubber.root),
        el("div", { class: "tool-group" }, this.leader),
        el("div", { class: "tool-group" }, this.size, seed, share, this.theme),
      );
    }
    playback.onChange(() => this.sync());
    this.sync();
  }

  /** setSize shows the size of the running cluster. */
  setSize(n: number): void {
    if (sizes.includes(n)) this.size.value = String(n);
  }

  /** update shows the leader of a new view. */
  update(view: View): void {
    const leader = leaderName(view);
    setText(this.leader, leader === "" ? `leader: none · term ${view.term}` : `leader: ${leader} · term ${view.term}`);
    setAttr(this.leader, "data-leader", leader);
    setAttr(this.leader, "data-term", view.term);
  }

  private sync(): void {
    const playing = this.playback.playing;
    setAttr(this.play, "aria-pressed", playing ? "true" : "false");
    if (this.play.dataset.playing !== String(playing)) {
      this.play.dataset.playing = String(playing);
      this.play.replaceChildren(icon(playing ? "pause" : "play"), playing ? " Pause" : " Play");
    }
    this.speed.value = String(this.playback.speed.ratio);
    this.quiet.checked = this.playback.quietSkip;
  }
}

/** randomSeed picks a seed for a new cluster; the engine's randomness all flows from it. */
export function randomSeed(): number {
  return 1 + Math.floor(Math.random() * 999_999);
}
