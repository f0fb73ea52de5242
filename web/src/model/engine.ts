// engine.ts is where the front end meets the bridge's Engine: the handle type every module
// uses and one way of turning any failure into a sentence a learner can read.
export type { Engine } from "../bridge";

/** errorMessage turns anything an engine call rejected with into one readable sentence. */
export function errorMessage(err: unknown): string {
  if (err && typeof err === "object") {
    const e = err as { message?: unknown; code?: unknown };
    if (typeof e.message === "string" && e.message !== "") return e.message;
    if (typeof e.code === "string") return e.code;
  }
  return String(err);
}
