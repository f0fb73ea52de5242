// playback.ts is the playback clock: it turns wall-clock frames into virtual time at the
// chosen speed and asks the session to run the engine that far. While nothing is on the wire
// ("quiet time") it may run faster, so the learner waits less for election timeouts without
// ever missing a message: messages always travel at the chosen speed.
import type { Session } from "../model/session";

/** Speed is one choice of the speed menu: virtual seconds per real second. */
export interface Speed {
  label: string;
  ratio: number;
}

/** speeds are the offered speeds, slowest first. */
export const speeds: Speed[] = [
  { label: "1/1000×", ratio: 1 / 1000 },
  { label: "1/300×", ratio: 1 / 300 },
  { label: "1/100×", ratio: 1 / 100 },
  { label: "1/30×", ratio: 1 / 30 },
  { label: "1/10×", ratio: 1 / 10 },
  { label: "1/3×", ratio: 1 / 3 },
  { label: "1×", ratio: 1 },
];

/** defaultSpeedIndex is slow enough to follow a single message with the eye. */
export const defaultSpeedIndex = 3;

/** quietRatio is how fast virtual time runs while no message is in flight (with quiet skip on). */
const quietRatio = 1;

/**
 * warmupRatio is the least speed while a fresh cluster elects its first leader, so a learner
 * sees a leader within about a second of opening the page; the chosen speed applies after.
 */
const warmupRatio = 1 / 3;

/**
 * quietChunkUs is the step of quiet-time running: shorter than the smallest default link latency
 * (5 ms), so a message sent inside a chunk is still on the wire when the chunk ends.
 */
const quietChunkUs = 4000;

/** maxFrameMs caps one frame's step so a background tab does not jump far on return. */
const maxFrameMs = 100;

/** Playback drives the session from requestAnimationFrame. */
export class Playback {
  playing = false;
  speedIndex = defaultSpeedIndex;
  quietSkip = true;
  /** warmup is true from a fresh start until the first leader appears (or the learner steps in). */
  warmup = false;
  private last = 0;
  private listeners: Array<() => void> = [];

  constructor(private readonly session: Session) {}

  /** onChange is told when playing, speed or quiet skip changes. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** speed is the current speed. */
  get speed(): Speed {
    return speeds[this.speedIndex]!;
  }

  /** setPlaying starts or stops the clock; stopping also ends the first-election warm-up. */
  setPlaying(playing: boolean): void {
    if (!playing) this.warmup = false;
    if (this.playing === playing) return;
    this.playing = playing;
    this.last = 0;
    this.emit();
  }

  /** toggle starts a stopped clock and stops a running one. */
  toggle(): void {
    this.setPlaying(!this.playing);
  }

  /** setSpeed chooses one of speeds by index; the learner's choice also ends the warm-up. */
  setSpeed(index: number): void {
    this.warmup = false;
    this.speedIndex = Math.max(0, Math.min(speeds.length - 1, index));
    this.emit();
  }

  /** setQuietSkip turns fast-forwarding through quiet time on or off. */
  setQuietSkip(on: boolean): void {
    this.quietSkip = on;
    this.emit();
  }

  /** frame is called on every animation frame with the frame's timestamp. */
  frame(now: number): void {
    if (!this.playing) return;
    if (this.last === 0) {
      this.last = now;
      return;
    }
    // While the engine is still busy with the previous chunk the frame is skipped and its time
    // carried over, so virtual time keeps pace with the wall clock as far as the engine allows.
    if (this.session.busy) return;
    const dtMs = Math.min(maxFrameMs, now - this.last);
    this.last = now;
    const view = this.session.view;
    if (!view) return;
    const inFlight = (view.messages?.length ?? 0) > 0;
    if (this.warmup && view.leader > 0) this.warmup = false;
    const ratio = this.warmup ? Math.max(warmupRatio, this.speed.ratio) : this.speed.ratio;
    const quiet = this.quietSkip && !inFlight && ratio < quietRatio;
    const advanced = quiet
      ? this.session.advance(dtMs * 1000 * quietRatio, true, quietChunkUs)
      : this.session.advance(dtMs * 1000 * ratio, false, 0);
    // A world that cannot run on (a broken invariant, a stopped engine) stops the clock rather
    // than failing again on every frame.
    void advanced.then((ok) => {
      if (ok) return;
      this.setPlaying(false);
      // A failed run may still have moved time (the engine records it), so show where it stopped.
      void this.session.refresh(true);
    });
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
