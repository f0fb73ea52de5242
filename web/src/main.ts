// main.ts starts the page: it loads the Go engine through the bridge, then starts the session
// from the link's script (`#s=…`) or, without one, a default five-member cluster that begins
// electing a leader at once.
import "../styles/app.css";
import { App } from "./app";
import { loadEngine } from "./bridge";
import { errorMessage } from "./model/engine";
import { Session } from "./model/session";
import { applyStoredTheme } from "./theme";

async function start(): Promise<void> {
  applyStoredTheme();
  const host = document.getElementById("app");
  if (!host) throw new Error("index.html has no #app element");
  const embed = new URLSearchParams(location.search).get("embed") === "1";
  document.body.classList.toggle("embed-mode", embed);

  let engine;
  try {
    engine = await loadEngine();
  } catch (err) {
    host.replaceChildren(failure(`The simulator could not be started: ${errorMessage(err)}`));
    return;
  }
  const session = new Session(engine);
  const app = new App(session, embed);
  host.replaceChildren(app.root);

  await app.openFromLocation();
  window.addEventListener("hashchange", () => app.onHashChange());
}

function failure(text: string): HTMLElement {
  const p = document.createElement("p");
  p.className = "fatal";
  p.setAttribute("role", "alert");
  p.textContent = text;
  return p;
}

start().catch((err: unknown) => {
  const host = document.getElementById("app") ?? document.body;
  host.replaceChildren(failure(`The page failed to start: ${errorMessage(err)}`));
});
