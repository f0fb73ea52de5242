// go-runtime.ts starts the Go program compiled to WebAssembly: it loads Go's
// wasm_exec.js support script, compiles playground.wasm while that script
// loads, runs the program and hands back the object the program registers.
// It works the same in a page and in a Web Worker; only how a script is
// loaded differs, so the caller passes that in.
import { EngineError, methodNames, type RawEngine } from "./engine";

/** GoRuntime is the class wasm_exec.js defines as globalThis.Go. */
interface GoRuntime {
  importObject: WebAssembly.Imports;
  run(instance: WebAssembly.Instance): Promise<void>;
}

/** wasmFileName and supportScriptName are the files `make dist` writes beside index.html. */
const wasmFileName = "playground.wasm";
const supportScriptName = "wasm_exec.js";

/** globalName is the property of globalThis the Go program registers its object under. */
const globalName = "raftPlayground";

/** RunningGo is a started Go program. */
export interface RunningGo {
  raw: RawEngine;
  /** exited settles when the Go program stops, which it should never do while the page lives. */
  exited: Promise<void>;
}

/**
 * startGo fetches, compiles and runs the playground. Files are found relative
 * to baseURL (the page's own address), so the site works under any path.
 */
export async function startGo(baseURL: string, loadScript: (url: string) => Promise<void>): Promise<RunningGo> {
  // Start the large download first; the support script is small and loads meanwhile.
  const wasmResponse = fetch(new URL(wasmFileName, baseURL));
  await loadScript(new URL(supportScriptName, baseURL).href);

  const GoClass = (globalThis as { Go?: new () => GoRuntime }).Go;
  if (typeof GoClass !== "function") {
    throw new EngineError("unavailable", `${supportScriptName} loaded but did not define Go`);
  }
  const go = new GoClass();
  const instance = await instantiate(await wasmResponse, go.importObject);
  const exited = go.run(instance);

  // The program registers its object before it first blocks, which is before run() returns control.
  const raw = (globalThis as Record<string, unknown>)[globalName];
  if (typeof raw !== "object" || raw === null || !methodNames.every((m) => typeof (raw as Record<string, unknown>)[m] === "function")) {
    throw new EngineError("unavailable", `the engine did not register globalThis.${globalName} with every method`);
  }
  return { raw: raw as RawEngine, exited };
}

/**
 * instantiate compiles the module while it downloads when the server sends
 * application/wasm, and falls back to compiling the whole download when a
 * static host sends another type (streaming compilation refuses those).
 */
async function instantiate(response: Response, imports: WebAssembly.Imports): Promise<WebAssembly.Instance> {
  if (!response.ok) {
    throw new EngineError("unavailable", `${wasmFileName}: HTTP ${response.status} ${response.statusText}`);
  }
  const isWasmType = (response.headers.get("Content-Type") ?? "").startsWith("application/wasm");
  if (isWasmType && typeof WebAssembly.instantiateStreaming === "function") {
    const { instance } = await WebAssembly.instantiateStreaming(response, imports);
    return instance;
  }
  const { instance } = await WebAssembly.instantiate(await response.arrayBuffer(), imports);
  return instance;
}
