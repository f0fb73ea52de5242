// worker-engine.ts is the page's side of the engine running in a Web Worker.
import { type Engine, EngineError, methodNames } from "./engine";
import { type CallMessage, type ReplyMessage, type StartMessage, workerFileName } from "./protocol";

/**
 * startWorkerEngine starts the worker and resolves once the Go program in it
 * is ready. If the worker dies later, every pending and future call rejects
 * with "unavailable".
 */
export function startWorkerEngine(baseURL: string): Promise<Engine> {
  return new Promise((resolve, reject) => {
    // The marks let anyone (and the browser tests' budget) see how long
    // starting the engine takes, in the Performance panel or by
    // performance.getEntriesByName.
    performance.mark("raft-playground:engine-start");
    const worker = new Worker(new URL(workerFileName, baseURL));
    const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: EngineError) => void }>();
    let nextID = 1;
    let stopped: string | undefined;
    let started = false;

    const stop = (why: string) => {
      stopped = why;
      for (const p of pending.values()) p.reject(new EngineError("unavailable", why));
      pending.clear();
      if (!started) reject(new EngineError("unavailable", why));
    };
    worker.onerror = (event) => {
      event.preventDefault(); // reported through the promises, not the console
      stop(`the engine's worker failed: ${event.message || "it could not be loaded"}`);
    };
    worker.onmessage = (event: MessageEvent<StartMessage | ReplyMessage>) => {
      const msg = event.data;
      if ("ready" in msg) {
        started = true;
        performance.mark("raft-playground:engine-ready");
        resolve(engine);
        return;
      }
      if ("failed" in msg) {
        stop(msg.failed);
        worker.terminate();
        return;
      }
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if ("error" in msg) p.reject(new EngineError(msg.error.code, msg.error.message));
      else p.resolve(msg.result);
    };

    const call = (method: keyof Engine, args: unknown[]) =>
      new Promise<unknown>((res, rej) => {
        if (stopped !== undefined) {
          rej(new EngineError("unavailable", stopped));
          return;
        }
        const id = nextID++;
        pending.set(id, { resolve: res, reject: rej });
        worker.postMessage({ id, method, args } satisfies CallMessage);
      });
    const methods: Partial<Record<keyof Engine, (...args: unknown[]) => Promise<unknown>>> = {};
    for (const name of methodNames) methods[name] = (...args: unknown[]) => call(name, args);
    const engine = methods as unknown as Engine;
  });
}
