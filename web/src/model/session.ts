// session.ts is the app state that sits between the engine and the page. Every learner action
// goes through act(): fork (acting in the past cuts the recorded future) → apply (one script
// line sent to the engine) → save (the share link is refreshed) → render (listeners redraw).
// Engine calls are serialised through one queue so that the playback loop and a click never
// interleave their calls.
import { EngineError } from "../bridge";
import { errorMessage, type Engine } from "./engine";
import type { EventView, View } from "./view";

/** maxEvents bounds the explanation feed kept in memory; older events are dropped first. */
const maxEvents = 3000;

/** Notice is a short message for the banner (a fork, a refused link, an engine error). */
export interface Notice {
  kind: "info" | "error";
  text: string;
}

/** SessionListener is told after the session's data changed. */
export type SessionListener = () => void;

/** Session owns the engine handle and the latest data read from it. */
export class Session {
  /** view is the latest view of the world (null until the engine has created a cluster). */
  view: View | null = null;
  /** events is the explanation feed, oldest first. */
  events: EventView[] = [];
  /** scriptText is the session's scenario script as the engine recorded it. */
  scriptText = "";
  /** kvMember is the member whose key-value store the view includes. */
  kvMember = "";
  /** notice is the banner's current message, if any. */
  notice: Notice | null = null;
  /** busy is true while an engine call is queued or running. */
  busy = false;
  /**
   * maxTimeUs is the end of the recorded timeline: the latest moment reached since the
   * session was created or last forked. A view earlier than it means the learner rewound.
   */
  maxTimeUs = 0;

  private cursor = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private pending = 0;
  private listeners: SessionListener[] = [];
  private scriptListeners: Array<(script: string) => void> = [];
  private lastScriptFetch = 0;
  /** untilMessage says whether the engine knows runUntil("message") (null: not tried yet). */
  private untilMessage: boolean | null = null;

  constructor(private readonly engine: Engine) {}

  /** onChange registers a listener called after every refresh. */
  onChange(listener: SessionListener): void {
    this.listeners.push(listener);
  }

  /** onScript registers a listener called when the recorded script text changes. */
  onScript(listener: (script: string) => void): void {
    this.scriptListeners.push(listener);
  }

  /** setNotice shows (or clears, with null) the banner message. */
  setNotice(notice: Notice | null): void {
    this.notice = notice;
    this.emit();
  }

  /** load replaces the whole session with the given script; it resolves to an error message or null. */
  load(script: string): Promise<string | null> {
    return this.enqueue(async () => {
      try {
        await this.engine.create({ script });
      } catch (err) {
        return errorMessage(err);
      }
      this.maxTimeUs = 0;
      this.events = [];
      this.cursor = 0;
      await this.refreshNow(true);
      return null;
    }, "the engine failed while loading the script");
  }

  /**
   * act applies one script line at the current moment. It resolves to null on success or to
   * the engine's error message (the line is then not recorded and nothing changed).
   */
  act(line: string): Promise<string | null> {
    return this.enqueue(async () => {
      const before = this.view;
      const forking = before !== null && before.nowUs < this.maxTimeUs;
      try {
        await this.engine.exec(line);
      } catch (err) {
        return errorMessage(err);
      }
      if (forking) {
        this.maxTimeUs = before.nowUs;
        this.notice = {
          kind: "info",
          text: `You acted in the past, so the timeline forked at ${formatTime(before.nowUs)}: the old future was discarded.`,
        };
      }
      await this.refreshNow(true);
      return null;
    }, "the engine failed");
  }

  /**
   * advance runs virtual time forward by up to budgetUs. With stopOnTraffic it runs in small
   * chunks and stops as soon as a message is on the wire, so quiet stretches pass quickly while
   * every message is still seen travelling at the chosen speed. It resolves to false when the
   * engine failed (the notice then says why).
   */
  advance(budgetUs: number, stopOnTraffic: boolean, chunkUs: number): Promise<boolean> {
    return this.enqueue(async () => {
      let left = Math.max(1, Math.round(budgetUs));
      if (!stopOnTraffic) {
        await this.refreshNow(false, () => this.engine.run(`${left}us`));
        return true;
      }
      // An engine that can stop right after the first message is sent does it in one call.
      if (this.untilMessage !== false) {
        try {
          await this.refreshNow(false, () => this.engine.runUntil("message", `${left}us`));
          this.untilMessage = true;
          return true;
        } catch (err) {
          if (!(err instanceof EngineError) || err.code !== "bad_argument") throw err;
          this.untilMessage = false;
        }
      }
      // Otherwise each chunk is shorter than the smallest latency, so a message sent inside a chunk is
      // still in flight when the chunk ends and the next frame slows down to show it. The
      // view is read only after a chunk in which something happened (the event count moved),
      // because nothing can have been sent otherwise.
      let events = this.view?.events ?? -1;
      for (let i = 0; i < 12 && left > 0; i++) {
        const chunk = Math.min(left, Math.max(1, Math.round(chunkUs)));
        const status = await this.engine.run(`${chunk}us`);
        left -= chunk;
        if (status.events === events) continue;
        events = status.events;
        const view = await this.engine.view(this.kvMember || undefined);
        this.view = view;
        if ((view.messages?.length ?? 0) > 0) break;
      }
      await this.refreshNow(false);
      return true;
    }, false);
  }

  /** step delivers the next event only. */
  step(): Promise<string | null> {
    return this.enqueue(async () => {
      try {
        await this.engine.step();
      } catch (err) {
        return errorMessage(err);
      }
      await this.refreshNow(true);
      return null;
    }, "the engine failed");
  }

  /** seek moves to a moment of the recorded timeline (a past one rewinds, keeping the future). */
  seek(timeUs: number): Promise<string | null> {
    return this.enqueue(async () => {
      try {
        await this.engine.seek(Math.max(0, Math.round(timeUs)));
      } catch (err) {
        return errorMessage(err);
      }
      // Events are numbered along the deterministic trace, so the ones up to the new moment are
      // still true; the later ones are dropped and will be read again if the learner plays on.
      const keep = this.events.filter((e) => e.atUs <= timeUs);
      this.events = keep;
      this.cursor = keep.length > 0 ? keep[keep.length - 1]!.seq : 0;
      await this.refreshNow(true);
      return null;
    }, "the engine failed");
  }

  /** setKVMember chooses the member whose store the kv panel shows. */
  setKVMember(member: string): Promise<void> {
    this.kvMember = member;
    return this.enqueue(() => this.refreshNow(false), undefined);
  }

  /** refresh re-reads the view, the new events and (when due) the script. */
  refresh(forceScript = false): Promise<void> {
    return this.enqueue(() => this.refreshNow(forceScript), undefined);
  }

  /**
   * refreshNow reads the view, the new events and (when due) the script, after running
   * `first` if given. The calls are sent together: the engine answers them in order, so the
   * view already shows what `first` did, and an engine in a Web Worker costs one round trip
   * instead of several.
   */
  private async refreshNow(forceScript: boolean, first?: () => Promise<unknown>): Promise<void> {
    const now = performance.now();
    // While time runs the script changes only in its last `run` line, so it is read now and
    // then; any action reads it at once.
    const wantScript = forceScript || now - this.lastScriptFetch > 2000;
    if (wantScript) this.lastScriptFetch = now;
    const [, view, batch, script] = await Promise.all([
      first ? first() : undefined,
      this.engine.view(this.kvMember || undefined),
      this.engine.events(this.cursor),
      wantScript ? this.engine.script() : null,
    ]);
    this.view = view;
    this.maxTimeUs = Math.max(this.maxTimeUs, view.nowUs);
    if (batch.events.length > 0) {
      for (const ev of batch.events) this.events.push(ev);
      if (this.events.length > maxEvents) this.events.splice(0, this.events.length - maxEvents);
    }
    this.cursor = batch.cursor;
    if ((batch.dropped ?? 0) > 0) {
      this.notice = {
        kind: "info",
        text: `${batch.dropped} earlier explanations are no longer kept: the playground keeps the last few virtual minutes of them. The cluster shown is exact.`,
      };
    }
    if (script !== null && script !== this.scriptText) {
      this.scriptText = script;
      for (const listener of this.scriptListeners) listener(script);
    }
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }

  /**
   * enqueue runs a task after every earlier one. It never rejects: an unexpected failure is
   * shown in the banner and the task's fallback value is returned instead, so no engine
   * problem ever reaches the console as an unhandled rejection.
   */
  private enqueue<T>(task: () => Promise<T>, fallback: T): Promise<T> {
    this.pending++;
    this.busy = true;
    const run = this.queue.then(task).then(
      (value) => value,
      (err: unknown) => {
        this.notice = { kind: "error", text: `The engine reported an error: ${errorMessage(err)}` };
        this.emit();
        return fallback;
      },
    );
    this.queue = run;
    return run.finally(() => {
      this.pending--;
      this.busy = this.pending > 0;
    });
  }
}

/** formatTime writes a virtual time in µs as seconds with millisecond precision. */
export function formatTime(us: number): string {
  return `${(us / 1_000_000).toFixed(3)} s`;
}
