// The bridge between the page and the Go engine. The UI imports only this
// module: loadEngine() and the types of what the engine returns.
import type { Engine } from "./engine";
import { directEngine } from "./direct-engine";
import { startGo } from "./go-runtime";

export type { CreateOptions, Engine, EngineErrorCode, EventBatch, ExecResult, Status } from "./engine";
export { EngineError } from "./engine";
export type * from "./view.gen";

/**
 * loadEngine downloads and starts the engine. Its files are looked up
 * relative to the page, so the site works from any path of any host.
 */
export async function loadEngine(baseURL: string = document.baseURI): Promise<Engine> {
  const { raw, exited } = await startGo(baseURL, loadPageScript);
  return directEngine(raw, exited);
}

/** loadPageScript adds a classic script to the page and waits for it to run. */
function loadPageScript(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`cannot load ${url}`));
    document.head.appendChild(script);
  });
}
