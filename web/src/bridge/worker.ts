// worker.ts is the entry point of the engine's Web Worker (bundled into
// engine-worker.js). It starts the Go program inside the worker and answers
// the page's calls one at a time, in the order they arrive, so the page sees
// the same sequence of states as if it called Go directly. The Go program's
// work and its garbage-collection pauses stay off the page's thread.
import { isRawError } from "./engine";
import { startGo } from "./go-runtime";
import type { CallMessage, ReplyMessage, StartMessage } from "./protocol";

/** WorkerScope is the part of a dedicated worker's global scope used here. */
interface WorkerScope {
  location: { href: string };
  importScripts(...urls: string[]): void;
  postMessage(message: StartMessage | ReplyMessage): void;
  onmessage: ((event: MessageEvent<CallMessage>) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;

// Calls that arrive while Go is still starting wait here.
const early: CallMessage[] = [];
scope.onmessage = (event) => early.push(event.data);

startGo(scope.location.href, async (url) => scope.importScripts(url)).then(
  ({ raw }) => {
    const answer = (call: CallMessage) => {
      let reply: ReplyMessage;
      try {
        const result = (raw[call.method] as (...a: unknown[]) => unknown)(...call.args);
        reply = isRawError(result) ? { id: call.id, error: result.error } : { id: call.id, result };
      } catch (err) {
        // Go never throws on purpose; this is the runtime itself failing.
        reply = { id: call.id, error: { code: "unavailable", message: `${call.method}: ${String(err)}` } };
      }
      scope.postMessage(reply);
    };
    scope.onmessage = (event) => answer(event.data);
    scope.postMessage({ ready: true });
    for (const call of early.splice(0)) answer(call);
  },
  (err: unknown) => scope.postMessage({ failed: err instanceof Error ? err.message : String(err) }),
);
