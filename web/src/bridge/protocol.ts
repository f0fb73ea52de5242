// protocol.ts is the message format between the page and the engine's Web Worker.
import type { Engine, EngineErrorCode } from "./engine";

/** CallMessage asks the worker to call one engine method. */
export interface CallMessage {
  id: number;
  method: keyof Engine;
  args: unknown[];
}

/** ReplyMessage answers the call with the same id: a result or an error value. */
export type ReplyMessage =
  | { id: number; result: unknown }
  | { id: number; error: { code: EngineErrorCode; message: string } };

/** StartMessage is the worker's first message: the engine is ready, or could not start. */
export type StartMessage = { ready: true } | { failed: string };

/** workerFileName is the worker script `make dist` writes beside index.html. */
export const workerFileName = "engine-worker.js";
