// The bridge between the page and the Go engine. The UI imports only this
// module: loadEngine() and the types of what the engine returns.
import type { Engine } from "./engine";
import { startWorkerEngine } from "./worker-engine";

export type { CreateOptions, Engine, EngineErrorCode, EventBatch, ExecResult, Status } from "./engine";
export { EngineError } from "./engine";
export type * from "./view.gen";

/**
 * loadEngine downloads and starts the engine in a Web Worker (see README.md
 * beside this file for why). Its files are looked up relative to the page, so
 * the site works from any path of any host.
 */
export function loadEngine(baseURL: string = document.baseURI): Promise<Engine> {
  return startWorkerEngine(baseURL);
}
