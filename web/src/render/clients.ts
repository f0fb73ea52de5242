// clients.ts shows the three simulated clients beside the request form: each one's pending
// requests, its last reply or error, the member it talks to, the leases and locks it holds and
// its watches. Replies carry learner data, so everything is written as text.
import { clientsOf, memberName, type ClientView, type OpView, type View } from "../model/view";
import { clear, el, formatUs, setAttr, setText } from "./dom";

/** clientIds are the clients the page offers. */
export const clientIds = ["c1", "c2", "c3"];

interface Card {
  root: HTMLElement;
  state: HTMLSpanElement;
  crash: HTMLButtonElement;
  pause: HTMLButtonElement;
  pending: HTMLUListElement;
  reply: HTMLDivElement;
  extras: HTMLDivElement;
  key: string;
}

/** ClientCards owns the per-client cards. */
export class ClientCards {
  readonly root: HTMLDivElement;
  private readonly cards = new Map<string, Card>();

  constructor(private readonly apply: (line: string) => Promise<string | null>) {
    this.root = el("div", { class: "client-cards" });
    for (const id of clientIds) {
      const state = el("span", { class: "client-state" });
      // A crashed client stops everything, including keeping its leases alive; a paused one
      // freezes like a process in a long GC pause (the classic lock-safety trap).
      const crash = el("button", { type: "button", class: "chip", "data-testid": `client-crash-${id}`, disabled: true }, "crash");
      const pause = el("button", { type: "button", class: "chip", "data-testid": `client-pause-${id}`, disabled: true }, "pause");
      crash.addEventListener("click", () => void this.apply(`${crash.dataset.action ?? "crash"} ${id}`));
      pause.addEventListener("click", () => void this.apply(`${pause.dataset.action ?? "pause"} ${id}`));
      const pending = el("ul", { class: "pending", "data-testid": `client-pending-${id}`, "data-count": 0, "aria-label": `${id} pending requests` });
      const reply = el("div", { class: "reply", "data-testid": `client-reply-${id}`, role: "status", "aria-live": "polite" });
      const extras = el("div", { class: "client-extras" });
      const root = el(
        "article",
        { class: "client-card", "data-client": id, "aria-label": `client ${id}` },
        el("header", {}, el("strong", {}, id), state, el("span", { class: "client-buttons" }, crash, pause)),
        reply,
        pending,
        extras,
      );
      this.cards.set(id, { root, state, crash, pause, pending, reply, extras, key: "" });
      this.root.append(root);
    }
  }

  /** update refreshes every card from a new view. */
  update(view: View): void {
    const byName = new Map(clientsOf(view).map((c) => [c.name, c]));
    for (const [id, card] of this.cards) {
      const client = byName.get(id);
      // Pending requests show how long they have waited, so they change with time.
      const key = JSON.stringify(client ?? null) + (client?.pending?.length ? String(view.nowUs) : "");
      if (key === card.key) continue;
      card.key = key;
      this.render(card, client, view.nowUs);
    }
  }

  private render(card: Card, client: ClientView | undefined, nowUs: number): void {
    let state = "not started";
    if (client) {
      state = client.crashed ? "crashed" : client.paused ? "paused" : client.target > 0 ? `talks to ${memberName(client.target)}` : "looking for a leader";
    }
    setText(card.state, state);
    setAttr(card.root, "data-target", client && client.target > 0 ? memberName(client.target) : "");
    const action = client?.crashed ? "restart" : "crash";
    card.crash.dataset.action = action;
    setAttr(card.crash, "data-testid", `client-${action}-${card.root.dataset.client ?? ""}`);
    setText(card.crash, action);
    // A client exists once it has sent its first request; before that there is nothing to stop.
    card.crash.disabled = client === undefined;
    card.pause.disabled = client === undefined || client.crashed;
    const pauseAction = client?.paused ? "resume" : "pause";
    card.pause.dataset.action = pauseAction;
    setAttr(card.pause, "data-testid", `client-${pauseAction}-${card.root.dataset.client ?? ""}`);
    setText(card.pause, pauseAction);
    setAttr(card.root, "data-state", client?.crashed ? "crashed" : client?.paused ? "paused" : "up");
    const pending = client?.pending ?? [];
    setAttr(card.pending, "data-count", pending.length);
    clear(card.pending);
    for (const p of pending) {
      card.pending.append(
        el(
          "li",
          { class: "pending-item" },
          el("span", { class: "spinner", "aria-hidden": "true" }),
          el("span", { class: "mono" }, p.desc),
          ` · waiting ${formatUs(Math.max(0, nowUs - p.callUs))}`,
        ),
      );
    }
    clear(card.reply);
    const last = client?.lastReply ?? null;
    if (last) card.reply.append(...replyNodes(last));
    else card.reply.append(el("span", { class: "muted" }, "no reply yet"));
    setAttr(card.reply, "data-status", last ? last.status : "");

    clear(card.extras);
    const leases = client?.leases ?? [];
    const locks = client?.locks ?? [];
    for (const l of leases) {
      card.extras.append(el("div", {}, "lease ", el("span", { class: "mono" }, l.name), ` · TTL ${formatUs(l.ttlUs)}${l.keepAlive ? " · kept alive" : ""}`));
    }
    for (const l of locks) {
      const row = el("div", {}, "lock ", el("span", { class: "mono" }, l.name), l.held ? " · held" : " · waiting");
      if (!l.held && l.waitingOn) row.append(" on ", el("span", { class: "mono" }, l.waitingOn));
      if (l.held && l.key) row.append(" as ", el("span", { class: "mono" }, l.key));
      card.extras.append(row);
    }
    for (const w of client?.watches ?? []) {
      card.extras.append(
        el("div", { class: "watch" }, "watch ", el("span", { class: "mono" }, w.key), `${w.prefix ? " (prefix)" : ""} on ${memberName(w.member)} · ${w.events} ${w.events === 1 ? "event" : "events"} · next rev ${w.nextRev}`),
      );
    }
  }
}

/** replyNodes renders a finished operation as text nodes and spans (never HTML). */
function replyNodes(op: OpView): Node[] {
  const ok = op.err === undefined || op.err === "";
  const nodes: Node[] = [
    el("span", { class: ok ? "ok" : "err", "aria-hidden": "true" }, ok ? "✓ " : "✗ "),
    el("span", { class: "mono op" }, op.desc),
    document.createTextNode(" → "),
  ];
  if (!ok) nodes.push(el("span", { class: "err-text" }, op.err ?? "error"));
  else nodes.push(el("span", { class: "mono result" }, op.result ?? op.status));
  if (op.returnUs >= 0) nodes.push(el("span", { class: "muted" }, ` (${formatUs(op.returnUs - op.callUs)})`));
  return nodes;
}
