// direct-engine.ts calls the Go object in the same thread as the caller.
import { type Engine, EngineError, isRawError, methodNames, type RawEngine } from "./engine";

/**
 * directEngine wraps the Go object: each call runs synchronously inside Go and
 * settles the returned promise; a failure value becomes a rejected
 * EngineError. After the Go program has stopped every call rejects with
 * "unavailable" instead of throwing wasm_exec.js's own error.
 */
export function directEngine(raw: RawEngine, exited: Promise<void>): Engine {
  let stopped: string | undefined;
  exited.then(
    () => (stopped = "the engine stopped"),
    (err: unknown) => (stopped = `the engine crashed: ${String(err)}`),
  );
  const engine: Partial<Record<keyof Engine, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const name of methodNames) {
    engine[name] = async (...args: unknown[]) => {
      if (stopped !== undefined) throw new EngineError("unavailable", stopped);
      let result: unknown;
      try {
        result = (raw[name] as (...a: unknown[]) => unknown)(...args);
      } catch (err) {
        // Go never throws on purpose; this is the runtime itself failing.
        throw new EngineError("unavailable", `${name}: ${String(err)}`);
      }
      if (isRawError(result)) throw new EngineError(result.error.code, result.error.message);
      return result;
    };
  }
  return engine as unknown as Engine;
}
