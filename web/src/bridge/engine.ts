// engine.ts declares the engine as the page sees it: every method of the Go
// object globalThis.raftPlayground, with its arguments and results typed.
// The methods are asynchronous so that the Go program can run in the page or
// in a Web Worker without the callers noticing (see README.md beside this file).
import type { EventView, View } from "./view.gen";

/** CreateOptions starts a new session from a scenario script, or from a size and a seed. */
export interface CreateOptions {
  /** script is scenario script text; its first line is usually `cluster size=5 seed=7 …`. */
  script?: string;
  /** size is the number of members (1–9) when no script is given. */
  size?: number;
  /**
   * seed seeds every random choice of the world when no script is given. A JavaScript number
   * holds whole numbers exactly only up to 2^53-1, so larger seeds are refused here; a script
   * (`cluster seed=…`) takes any 64-bit seed.
   */
  seed?: number;
}

/** Status is where the world stands after a call that moved it. */
export interface Status {
  /** nowUs is the virtual time in microseconds. */
  nowUs: number;
  /** events is the number of trace events so far: the cursor to pass to events(). */
  events: number;
}

/** ExecResult is what one script command did. */
export interface ExecResult extends Status {
  /** output is the text a `show …` command prints (empty for other commands). */
  output: string;
}

/** EventBatch is the explanation feed since a cursor. */
export interface EventBatch {
  /** cursor is the value to pass to the next events() call. */
  cursor: number;
  events: EventView[];
  /**
   * dropped counts the events after the cursor asked for that the engine no longer keeps (a
   * browser session keeps the last few virtual minutes of explanations); the batch then starts
   * at the oldest kept event.
   */
  dropped?: number;
}

/** EngineErrorCode says what kind of failure an EngineError is. */
export type EngineErrorCode =
  | "bad_argument" // a call's argument had the wrong type or shape (a bug in the caller)
  | "no_session" // a call that needs a cluster came before create()
  | "rejected" // the engine refused the input: a bad script line, an unknown member, …
  | "internal" // the Go code panicked; the message carries the panic and its stack
  | "unavailable"; // the engine could not be loaded or has stopped

/** EngineError is how every failed call rejects; nothing else is thrown. */
export class EngineError extends Error {
  readonly code: EngineErrorCode;
  constructor(code: EngineErrorCode, message: string) {
    super(message);
    this.name = "EngineError";
    this.code = code;
  }
}

/** Engine is the simulated cluster behind the page. */
export interface Engine {
  /** create replaces the session with a new world. */
  create(options: CreateOptions | string): Promise<Status>;
  /** exec applies one script command now and records it in the session script. */
  exec(line: string): Promise<ExecResult>;
  /** run advances virtual time: a duration such as "50ms", or a number of microseconds. */
  run(duration: string | number): Promise<Status>;
  /** runUntil runs until a condition of `run until=…` holds (e.g. "leader"), for at most max. */
  runUntil(condition: string, max?: string): Promise<Status>;
  /** step delivers the next event only. */
  step(): Promise<Status>;
  /** view is everything to draw; with a member name ("s3") it includes that member's key-value detail. */
  view(member?: string): Promise<View>;
  /** events returns the explanation feed after cursor (0: from the start). */
  events(cursor: number): Promise<EventBatch>;
  /** seek moves the world to a virtual time; acting afterwards forks the session there. */
  seek(timeUs: number): Promise<Status>;
  /** script is the session as canonical scenario script text: replaying it gives the same world. */
  script(): Promise<string>;
}

/** RawError is the value a Go method returns instead of throwing. */
export interface RawError {
  error: { code: EngineErrorCode; message: string };
}

/** RawEngine is the Go object itself: synchronous, and failures are values. */
export type RawEngine = {
  [K in keyof Engine]: (...args: Parameters<Engine[K]>) => Awaited<ReturnType<Engine[K]>> | RawError;
};

/** methodNames lists the methods of Engine, for implementations that forward them. */
export const methodNames: readonly (keyof Engine)[] = [
  "create",
  "exec",
  "run",
  "runUntil",
  "step",
  "view",
  "events",
  "seek",
  "script",
];

/** isRawError tells a failure value from a result. */
export function isRawError(value: unknown): value is RawError {
  return typeof value === "object" && value !== null && "error" in value &&
    typeof (value as RawError).error === "object" && (value as RawError).error !== null;
}
