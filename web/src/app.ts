// app.ts assembles the page: it builds the panels, wires input to the session and redraws
// when the session changes. It follows RaftScope's split — model (session), timeline
// (playback, scrubber), render (ring, messages, panels) and input (controls, menus, forms,
// keys, drag) — and every learner action takes the same path: fork → apply → save → render.
import type { Session } from "./model/session";
import { isDown, leaderName, membersOf, type EventView, type MessageView, type View } from "./model/view";
import { ClientCards } from "./render/clients";
import { el, formatClock, setAttr, setText } from "./render/dom";
import { Feed, noisyKinds } from "./render/feed";
import { Inspector } from "./render/inspector";
import { KVPanel } from "./render/kv";
import { Logs } from "./render/logs";
import { Messages } from "./render/messages";
import { Ring } from "./render/ring";
import { ScriptPanel } from "./render/script";
import { Controls, randomSeed } from "./input/controls";
import { PartitionDrag } from "./input/drag";
import { ClientForm } from "./input/forms";
import { bindKeys, keyHelp } from "./input/keys";
import { MemberBar } from "./input/memberbar";
import { MemberMenu } from "./input/menu";
import { NetworkPanel } from "./input/network";
import { Playback } from "./timeline/playback";
import { Scrubber } from "./timeline/scrubber";
import { ShareLink } from "./url/share";
import { decodeScript, scriptFromHash } from "./url/codec";
import { errorMessage } from "./model/engine";
import { toggleTheme } from "./theme";

/** panelIntervalMs spaces out the redraws of the text panels while time runs. */
const panelIntervalMs = 90;

/** App is the whole page. */
export class App {
  readonly root: HTMLElement;
  readonly playback: Playback;
  private readonly scrubber: Scrubber;
  private readonly ring: Ring;
  private readonly messages: Messages;
  private readonly controls: Controls;
  private readonly notice: HTMLDivElement;
  private readonly caption: HTMLOListElement | null = null;
  private readonly menu: MemberMenu;
  private readonly inspector: Inspector;
  private readonly drag: PartitionDrag;
  private readonly share: ShareLink;
  private logs: Logs | null = null;
  private kv: KVPanel | null = null;
  private feed: Feed | null = null;
  private cards: ClientCards | null = null;
  private form: ClientForm | null = null;
  private memberBar: MemberBar | null = null;
  private network: NetworkPanel | null = null;
  private script: ScriptPanel | null = null;
  private selected = "";
  private panelsAt = 0;
  private panelsDirty = false;
  private ready = false;

  constructor(
    private readonly session: Session,
    embed: boolean,
  ) {
    this.playback = new Playback(session);
    this.scrubber = new Scrubber(session, this.playback);
    this.share = new ShareLink(session);
    this.ring = new Ring(
      {
        select: (id, toggle) => this.select(id, toggle),
        menu: (id, x, y) => this.openMenu(id, x, y),
        link: (a, b) => this.network?.openLink(a, b),
        pointerDown: (id, ev) => this.drag.begin(id, ev),
      },
      embed,
    );
    // On a slide the marks are drawn larger, to be read from the back of the room.
    this.messages = new Messages(this.ring.messageLayer, this.ring, (msg, x, y) => this.inspect(msg, x, y), embed ? 1.3 : 1);
    this.drag = new PartitionDrag(this.ring, () => this.session.view, (line) => void this.actOrTell(line));
    this.menu = new MemberMenu((line) => void this.actOrTell(line));
    this.inspector = new Inspector();
    this.controls = new Controls(
      this.playback,
      this.scrubber,
      {
        step: () => void this.step(),
        newCluster: (size, seed) => void this.newCluster(size, seed),
        toggleTheme: () => toggleTheme(),
        share: () => void this.share.copy(),
      },
      embed,
    );
    this.notice = el("div", { class: "notice", "data-testid": "notice", role: "status", "aria-live": "polite", hidden: true });

    const clusterPanel = el(
      "section",
      { class: "panel cluster", "aria-labelledby": "cluster-title" },
      el("h2", { id: "cluster-title", class: embed ? "visually-hidden" : "" }, "Cluster"),
      this.ring.root,
      embed ? null : roleLegend(),
      embed ? null : messageLegend(),
    );
    clusterPanel.addEventListener("click", (ev) => {
      if (ev.target === this.ring.root) this.select("", false);
    });

    if (embed) {
      this.caption = el("ol", { class: "caption", "aria-live": "polite", "data-testid": "embed-caption" });
      this.root = el(
        "div",
        { class: "app embed", "data-testid": "embed-root" },
        this.controls.root,
        this.notice,
        el(
          "div",
          { class: "embed-stage" },
          clusterPanel,
          el("div", { class: "embed-side" }, this.caption, el("div", {}, messageLegend(), el("p", { class: "key-help" }, keyHelp))),
        ),
      );
    } else {
      this.logs = new Logs((m) => this.select(m));
      this.kv = new KVPanel((m) => void this.session.setKVMember(m));
      this.feed = new Feed({ highlight: (e) => this.highlight(e) });
      this.cards = new ClientCards((line) => this.actOrTell(line));
      this.form = new ClientForm((line) => this.act(line));
      this.memberBar = new MemberBar(
        (line) => this.act(line),
        (a, b) => this.network?.openLink(a, b),
      );
      this.network = new NetworkPanel(() => this.session.view, (line) => this.act(line));
      this.script = new ScriptPanel((script) => this.loadScript(script));
      const clients = el(
        "section",
        { class: "panel clients", "aria-labelledby": "clients-title" },
        el("h2", { id: "clients-title" }, "Clients"),
        this.form.root,
        this.cards.root,
      );
      this.root = el(
        "div",
        { class: "app", "data-testid": "app-root" },
        el(
          "header",
          { class: "masthead" },
          el("h1", {}, "Raft Playground"),
          el("p", { class: "tagline" }, "A live etcd-style cluster in your browser. Crash it, partition it, talk to it — and read why everything happens."),
        ),
        this.controls.root,
        this.notice,
        el(
          "main",
          { class: "grid" },
          clusterPanel,
          el("div", { class: "side" }, this.memberBar.root, this.network.root),
          this.feed.root,
          this.logs.root,
          clients,
          this.kv.root,
          this.script.root,
        ),
        el("footer", { class: "key-help" }, keyHelp),
      );
      this.root.append(this.network.editor);
      this.session.onScript((s) => this.script?.show(s));
    }
    this.root.append(this.menu.root, this.inspector.root);

    session.onChange(() => this.render());
    this.playback.onChange(() => {
      this.root.classList.toggle("playing", this.playback.playing);
      this.messages.setFocusable(!this.playback.playing);
    });
    this.messages.setFocusable(!this.playback.playing);
    bindKeys({
      togglePlay: () => this.playback.toggle(),
      step: () => void this.step(),
      crashLeader: () => void this.onLeader((l) => `crash ${l}`),
      partitionLeader: () => void this.onLeader((l) => `isolate ${l}`),
      restartAll: () => void this.restartAll(),
      heal: () => void this.actOrTell("heal"),
      escape: () => {
        this.menu.close(true);
        this.inspector.close();
        this.network?.close();
      },
    });
    requestAnimationFrame((t) => this.frame(t));
  }

  /** act applies one script line: fork → apply → save → render (the session does the steps). */
  async act(line: string): Promise<string | null> {
    const err = await this.session.act(line);
    if (!err) this.share.saveSoon();
    return err;
  }

  /** actOrTell applies a line and shows a refusal in the notice (for buttons without a form). */
  async actOrTell(line: string): Promise<string | null> {
    const err = await this.act(line);
    if (err) this.session.setNotice({ kind: "error", text: `“${line}” was refused: ${err}` });
    return err;
  }

  /** loadScript replaces the session with a script; it returns an error message or null. */
  async loadScript(script: string): Promise<string | null> {
    this.playback.setPlaying(false);
    const err = await this.session.load(script);
    if (err) return err;
    this.afterLoad();
    this.share.saveSoon();
    return null;
  }

  /** newCluster starts a fresh cluster of a size and seed and plays it. */
  async newCluster(size: number, seed: number): Promise<void> {
    const err = await this.loadScript(`cluster size=${size} seed=${seed}`);
    if (err) {
      this.session.setNotice({ kind: "error", text: `Could not start a new cluster: ${err}` });
      return;
    }
    this.session.setNotice(null);
    this.playback.warmup = true;
    this.playback.setPlaying(true);
  }

  /**
   * openFromLocation starts the session the address names: the script in `#s=…` (paused, so a
   * shared moment is shown as it was), or without one the default cluster, playing. A link
   * whose script cannot be read or run gets a clear message and the default cluster.
   */
  async openFromLocation(): Promise<void> {
    const encoded = scriptFromHash(location.hash);
    if (encoded === null) {
      await this.startDefault();
      return;
    }
    let problem = "";
    try {
      const script = await decodeScript(encoded);
      const err = await this.loadScript(script);
      if (err) problem = `its script did not run: ${err}`;
    } catch (err) {
      problem = errorMessage(err);
    }
    if (problem !== "") {
      await this.startDefault();
      this.session.setNotice({ kind: "error", text: `This link could not be replayed (${problem}). A fresh default cluster was started instead.` });
    }
  }

  /** onHashChange follows a link pasted into the address bar of an open page. */
  onHashChange(): void {
    if (location.hash === this.share.lastHash) return;
    void this.openFromLocation();
  }

  /** startDefault starts the default five-member cluster and plays it at once. */
  async startDefault(): Promise<void> {
    await this.newCluster(5, randomSeed());
  }

  private afterLoad(): void {
    const view = this.session.view;
    if (!view) return;
    const members = membersOf(view);
    this.controls.setSize(members.length);
    if (!members.some((m) => m.name === this.selected)) this.selected = "";
    if (!members.some((m) => m.name === this.session.kvMember)) void this.session.setKVMember(members[0]?.name ?? "");
  }

  private async step(): Promise<void> {
    this.playback.setPlaying(false);
    const err = await this.session.step();
    if (err) this.session.setNotice({ kind: "info", text: `Nothing to step: ${err}` });
  }

  private async onLeader(line: (leader: string) => string): Promise<void> {
    const view = this.session.view;
    const leader = view ? leaderName(view) : "";
    if (leader === "") {
      this.session.setNotice({ kind: "info", text: "There is no leader right now." });
      return;
    }
    await this.actOrTell(line(leader));
  }

  private async restartAll(): Promise<void> {
    const view = this.session.view;
    if (!view) return;
    for (const m of membersOf(view)) {
      const line = m.state === "crashed" ? `restart ${m.name}` : m.state === "paused" ? `resume ${m.name}` : "";
      if (line === "") continue;
      await this.actOrTell(line);
    }
  }

  private select(id: string, toggle = false): void {
    if (this.drag.suppressClick) return;
    this.selected = toggle && this.selected === id ? "" : id;
    if (this.selected !== "" && this.kv && this.session.kvMember !== this.selected) void this.session.setKVMember(this.selected);
    this.render();
  }

  private openMenu(id: string, x: number, y: number): void {
    const view = this.session.view;
    if (!view) return;
    this.menu.open(view, id, x, y, () => this.ring.focusMember(id));
  }

  private inspect(msg: MessageView, x: number, y: number): void {
    this.playback.setPlaying(false);
    this.messages.highlight(msg.id);
    this.inspector.show(msg, x, y);
  }

  private highlight(e: EventView): void {
    if (e.member) this.ring.flashMember(`s${e.member}`);
    if (e.msgId) this.messages.highlight(e.msgId);
  }

  private render(): void {
    const view = this.session.view;
    if (!view) return;
    const now = performance.now();
    this.ring.update(view, this.selected, now);
    this.messages.update(view);
    this.scrubber.update();
    this.controls.update(view);
    this.showNotice();
    this.panelsDirty = true;
    if (!this.playback.playing || now - this.panelsAt > panelIntervalMs) this.renderPanels(view, now);
    if (!this.ready) {
      this.ready = true;
      document.body.dataset.ready = "1";
    }
  }

  private renderPanels(view: View, now: number): void {
    this.panelsAt = now;
    this.panelsDirty = false;
    this.logs?.update(view);
    this.kv?.update(view, this.session.kvMember);
    this.feed?.update(this.session.events, view.events);
    this.cards?.update(view);
    this.form?.setMembers(membersOf(view).map((m) => m.name));
    this.memberBar?.update(view, this.selected);
    this.network?.update(view);
    if (this.caption) this.updateCaption();
    setAttr(this.root, "data-down", membersOf(view).filter(isDown).length);
  }

  private updateCaption(): void {
    const caption = this.caption!;
    const recent: EventView[] = [];
    const events = this.session.events;
    for (let i = events.length - 1; i >= 0 && recent.length < 4; i--) {
      if (!noisyKinds.has(events[i]!.kind)) recent.unshift(events[i]!);
    }
    const key = recent.map((e) => e.seq).join(",");
    if (caption.dataset.key === key) return;
    caption.dataset.key = key;
    caption.replaceChildren(...recent.map((e) => el("li", {}, el("time", {}, formatClock(e.atUs)), " ", e.text)));
  }

  private showNotice(): void {
    const notice = this.session.notice;
    if (!notice) {
      this.notice.hidden = true;
      return;
    }
    if (this.notice.hidden || this.notice.dataset.text !== notice.text) {
      this.notice.dataset.text = notice.text;
      this.notice.dataset.kind = notice.kind;
      const close = el("button", { type: "button", class: "ghost", "aria-label": "Dismiss" }, "✕");
      close.addEventListener("click", () => this.session.setNotice(null));
      this.notice.replaceChildren(el("span", {}, notice.text), close);
      this.notice.hidden = false;
      // Information fades on its own; an error stays until the learner dismisses it.
      if (notice.kind === "info") {
        window.setTimeout(() => {
          if (this.session.notice === notice) this.session.setNotice(null);
        }, 7000);
      }
    }
    setText(this.notice.firstChild ?? this.notice, notice.text);
  }

  private frame(now: number): void {
    this.playback.frame(now);
    if (this.ring.frame(now)) this.messages.frame();
    const view = this.session.view;
    if (view && this.panelsDirty && now - this.panelsAt > panelIntervalMs) this.renderPanels(view, now);
    requestAnimationFrame((t) => this.frame(t));
  }
}

/** roleLegend names the member colours and marks (each member also says its role in words). */
function roleLegend(): HTMLElement {
  const item = (cls: string, label: string): HTMLElement => el("li", {}, el("span", { class: `legend-role ${cls}` }), label);
  return el(
    "ul",
    { class: "legend role-legend", "aria-label": "Member colours and marks" },
    item("role-leader", "leader"),
    item("role-candidate", "candidate"),
    item("role-pre-candidate", "pre-candidate"),
    item("role-follower", "follower"),
    item("role-learner", "learner"),
    item("state-crashed", "crashed"),
    el("li", {}, el("span", { class: "legend-arc" }), "election timer"),
    el("li", {}, el("span", { class: "legend-votes" }), "votes: granted, refused, awaited"),
  );
}

/** messageLegend names the message colours (the marks also carry their names as text). */
function messageLegend(): HTMLElement {
  const item = (cls: string, label: string): HTMLElement => el("li", {}, el("span", { class: `legend-dot ${cls}` }), label);
  return el(
    "ul",
    { class: "legend message-legend", "aria-label": "Message colours" },
    item("m-prevote", "pre-vote"),
    item("m-vote", "vote"),
    item("m-append", "append"),
    item("m-heartbeat", "heartbeat"),
    item("m-snapshot", "snapshot"),
    item("m-timeout", "timeout-now"),
    item("m-read", "read index"),
    el("li", {}, el("span", { class: "legend-dot lost" }), "lost"),
    el("li", {}, el("span", { class: "legend-dot small" }), "no room for its label"),
    el("li", {}, el("span", { class: "legend-line lossy" }), "lossy link"),
    el("li", {}, el("span", { class: "legend-line slow" }), "slow link"),
  );
}
