// ring.ts draws the cluster: members on a ring, the links between them and the partition
// groups. SVG nodes are created once per member or link and then only updated, so a frame
// with nine members and heavy traffic changes attributes and text, never the tree's shape.
import { directedKey, fullKnobsText, isLossy, isSlow, pairLabel, sameKnobs, specialLinks } from "../model/links";
import { displayRole, isDown, memberName, membersOf, type LinkView, type MemberView, type View } from "../model/view";
import { el, memberIndex, setAttr, setText, svg, toggleClass } from "./dom";
import { intrusion, overlap, type Box, type Circle } from "./geometry";
import { groupLetter, roleForms, roleLabel } from "./palette";

/** RingCallbacks are how clicks on the drawing reach the input layer. */
export interface RingCallbacks {
  /** select chooses a member; with toggle, choosing the selected member again clears it. */
  select(id: string, toggle: boolean): void;
  menu(id: string, clientX: number, clientY: number): void;
  link(a: string, b: string): void;
  pointerDown(id: string, ev: PointerEvent): void;
}

/** Point is a position in the drawing's coordinates. */
export interface Point {
  x: number;
  y: number;
}

const ringRadius = 330;

/**
 * MinText is the smallest size, in screen pixels, of each kind of text in the ring. Text is
 * drawn at its natural size (a share of the member's radius) unless that falls below these on
 * a small screen; slides (embed mode) ask for more, to read from the back of a room.
 */
interface MinText {
  name: number;
  role: number;
  term: number;
  /** small is the text around a member: its vote count, its partition letter, group names. */
  small: number;
}
const screenMin: MinText = { name: 16, role: 11, term: 11, small: 11 };
const slideMin: MinText = { name: 20, role: 13, term: 13, small: 13 };

/** Line is one line of text in a member's circle: its font size and baseline, in drawing units. */
interface Line {
  font: number;
  y: number;
}

/**
 * Geometry is how members are drawn for the ring's size on screen and its number of members:
 * the circle, its three lines of text, and the marks around it. key sums it up.
 */
interface Geometry {
  r: number;
  name: Line;
  role: Line;
  term: Line;
  /** pad is the margin kept between a line of text and the circle's edge. */
  pad: number;
  extraFont: number;
  dot: number;
  timerWidth: number;
  haloWidth: number;
  key: string;
}

/**
 * memberGeometry sizes the members. The circle is as large as the default drawing allows
 * (the chord between neighbours bounds it), and on a small screen larger still, as far as the
 * neighbours leave room, so that a role word fits in it at a readable size.
 */
function memberGeometry(n: number, slots: number, pxPerUnit: number, min: MinText): Geometry {
  const halfChord = (count: number): number => ringRadius * Math.sin(Math.PI / Math.max(3, count));
  const natural = Math.min(96, Math.max(52, halfChord(n) * 0.68));
  const roleMin = min.role / pxPerUnit;
  // About four role-text heights: "CANDIDATE" fits across at the role line's height.
  const wanted = Math.min(4 * roleMin, 160, halfChord(n) * 0.8, halfChord(slots) * 0.8);
  const r = Math.round(Math.max(natural, wanted));
  const nameFont = Math.max((40 * r) / 90, min.name / pxPerUnit);
  const roleFont = Math.max((16 * r) / 90, roleMin);
  const termFont = Math.max((18 * r) / 90, min.term / pxPerUnit);
  // The lines sit where they always have, unless larger type needs them stacked closer to
  // one another; then the stack is centred in the circle.
  let yName = -r * 0.08;
  let yRole = r * 0.3;
  let yTerm = r * 0.6;
  const gap = roleFont * 0.3;
  const roleAt = yName + nameFont * 0.06 + gap + roleFont * 0.72;
  if (yRole < roleAt || yTerm < yRole + gap + termFont * 0.72) {
    yRole = Math.max(yRole, roleAt);
    yTerm = Math.max(yTerm, yRole + gap + termFont * 0.72);
    const shift = -(yName - nameFont * 0.72 + yTerm) / 2 + r * 0.03;
    yName += shift;
    yRole += shift;
    yTerm += shift;
  }
  const small = min.small / pxPerUnit;
  const g: Omit<Geometry, "key"> = {
    r,
    name: { font: nameFont, y: yName },
    role: { font: roleFont, y: yRole },
    term: { font: termFont, y: yTerm },
    pad: Math.max(4, r * 0.07),
    extraFont: Math.max(20, small),
    dot: Math.max(9, 4 / pxPerUnit),
    timerWidth: Math.max(5, 2 / pxPerUnit),
    haloWidth: Math.max(7, 2.5 / pxPerUnit),
  };
  const key = [r, nameFont, roleFont, termFont, yName, yRole, yTerm, g.extraFont, g.dot, g.timerWidth].map((v) => v.toFixed(1)).join(",");
  return { ...g, key };
}

/** measureCache keeps the width of each text at a 100-unit font, by weight. */
const measureCache = new Map<string, number>();
let measureContext: CanvasRenderingContext2D | null | undefined;

/**
 * textWidth estimates how wide a text is drawn in the ring (system-ui, the ring's font) at a
 * font size, with letter spacing in ems. A canvas measures without a layout of the page.
 */
function textWidth(text: string, font: number, weight: number, spacing: number): number {
  const key = `${weight}|${text}`;
  let width = measureCache.get(key);
  if (width === undefined) {
    if (measureContext === undefined) measureContext = document.createElement("canvas").getContext("2d");
    if (measureContext) {
      measureContext.font = `${weight} 100px system-ui, sans-serif`;
      width = measureContext.measureText(text).width;
    } else {
      width = text.length * 62;
    }
    measureCache.set(key, width);
  }
  return (width * font) / 100 + text.length * spacing * font;
}

/** room is how wide a line of text may be at its height in a circle of radius r. */
function room(g: Geometry, line: Line): number {
  const far = Math.max(Math.abs(line.y), Math.abs(line.y - line.font * 0.72));
  return far >= g.r ? 0 : 2 * Math.sqrt(g.r * g.r - far * far) - 2 * g.pad;
}

/**
 * fit picks the first text that fits a width, trying each with its letter spacing and then
 * without; tight says it needed the spacing dropped. null when none fits.
 */
function fit(forms: string[], line: Line, width: number, weight: number, spacing: number): { text: string; tight: boolean } | null {
  for (const text of forms) {
    if (textWidth(text, line.font, weight, spacing) <= width) return { text, tight: false };
    if (spacing > 0 && textWidth(text, line.font, weight, 0) <= width) return { text, tight: true };
  }
  return null;
}
/** tweenMs is how long members glide to new places after a partition (none with reduced motion). */
const tweenMs = matchMedia("(prefers-reduced-motion: reduce)").matches ? 0 : 300;

interface MemberNode {
  g: SVGGElement;
  halo: SVGCircleElement;
  timer: SVGCircleElement;
  body: SVGCircleElement;
  name: SVGTextElement;
  role: SVGTextElement;
  term: SVGTextElement;
  extra: SVGTextElement;
  /** extraWidth is how wide the text under the member is drawn (0: none), in drawing units. */
  extraWidth: number;
  group: SVGTextElement;
  votes: SVGGElement;
  voteDots: SVGCircleElement[];
  cross: SVGPathElement;
  from: Point;
  to: Point;
  at: Point;
  tweenStart: number;
  drag: Point | null;
  /** geometry is the key of the Geometry the node was last sized for. */
  geometry: string;
  lastLabel: string;
  /** signature sums up what the node last showed apart from the timer arc. */
  signature: string;
}

interface LinkNode {
  signature: string;
  g: SVGGElement;
  line: SVGLineElement;
  hit: SVGLineElement;
  /** label names the knobs of a link that differs from the defaults (one tspan per line). */
  label: SVGTextElement;
  /** texts are the label's lines as the model words them (each may be wrapped when drawn). */
  texts: string[];
  a: string;
  b: string;
}

/** viewBox is the drawing's coordinate frame, shared by its three stacked layers. */
const viewBox = "-530 -520 1060 1040";
const viewWidth = 1060;
const viewHeight = 1040;

/**
 * Ring owns the cluster drawing. It is three SVG layers stacked with one coordinate frame —
 * links and groups, messages, members — each its own compositor layer, so the messages that
 * move on every frame repaint only their own sparse layer, not the whole cluster.
 */
export class Ring {
  readonly root: HTMLDivElement;
  /** messageLayer sits between the links and the members; messages.ts fills it. */
  readonly messageLayer: SVGGElement;
  private readonly linkLayer: SVGGElement;
  private readonly memberLayer: SVGGElement;
  private readonly groupLayer: SVGGElement;
  private readonly labelLayer: SVGGElement;
  private readonly members = new Map<string, MemberNode>();
  private readonly links = new Map<string, LinkNode>();
  private readonly groupLabels: SVGTextElement[] = [];
  private geometry: Geometry = memberGeometry(5, 5, 0.7, screenMin);
  private order: string[] = [];
  /** linksMoved asks for the link lines to be placed again (new links or new positions). */
  private linksMoved = false;
  private readonly frame0: SVGSVGElement;

  /** min is the smallest readable text here: larger in embed mode, for a projector. */
  private readonly min: MinText;

  constructor(
    private readonly callbacks: RingCallbacks,
    embed: boolean,
  ) {
    this.min = embed ? slideMin : screenMin;
    const layer = (name: string): SVGSVGElement => svg("svg", { viewBox, class: `ring-layer ${name}` });
    const base = layer("base");
    const moving = layer("moving");
    const top = layer("top");
    this.frame0 = base;
    this.groupLayer = svg("g", { class: "groups" });
    this.labelLayer = svg("g", { class: "link-labels" });
    this.linkLayer = svg("g", { class: "links" });
    this.messageLayer = svg("g", { class: "messages" });
    this.memberLayer = svg("g", { class: "members" });
    base.append(this.linkLayer);
    moving.append(this.messageLayer);
    // Group names and link labels change only with the partition or the links' knobs, so they
    // ride on the members' layer, above the messages that would otherwise hide them (marks
    // make way for them; a dot in a crowd may pass beneath).
    top.append(this.labelLayer, this.groupLayer, this.memberLayer);
    this.root = el(
      "div",
      { class: "ring", "data-testid": "cluster-svg", role: "group", "aria-label": "Cluster: members on a ring, messages travelling between them" },
      // The members come first in the DOM, so they come first in the tab order; the layers are
      // stacked by z-index (links at the bottom, members on top).
      top,
      moving,
      base,
    );
    new ResizeObserver((entries) => {
      const box = entries[0]?.contentRect;
      if (!box || box.width <= 0 || box.height <= 0) return;
      // The drawing keeps its proportions and fits the box (preserveAspectRatio's default).
      const scale = Math.min(box.width / viewWidth, box.height / viewHeight);
      if (Math.abs(scale - this.pixelsPerUnit) < 0.002) return;
      this.pixelsPerUnit = scale;
      this.rescaled = true;
    }).observe(this.root);
  }

  /** groupFont is the size of the partition groups' names, in drawing units. */
  private groupFont = 26;
  /** rescaled says the drawing's size on screen changed since the members were last sized. */
  private rescaled = true;
  private lastView: View | null = null;
  private lastSelected = "";

  /** applyScale sizes the text that CSS draws (link and group labels, marks round members). */
  private applyScale(): void {
    const min = this.min;
    // Link labels keep at least about 11 screen pixels.
    this.linkFont = Math.round(Math.min(40, Math.max(20, 11 / this.pixelsPerUnit)));
    const style = this.root.style;
    style.setProperty("--link-font", `${this.linkFont}px`);
    this.groupFont = Math.max(26, min.small / this.pixelsPerUnit);
    style.setProperty("--group-font", `${this.groupFont.toFixed(1)}px`);
    style.setProperty("--letter-font", `${Math.max(26, (min.small + 2) / this.pixelsPerUnit).toFixed(1)}px`);
  }

  /**
   * pixelsPerUnit is how many screen pixels one unit of the drawing takes (kept up to date by
   * a ResizeObserver, so reading it costs no layout). Text drawn in the ring is sized so it
   * never falls below a readable size on a small screen.
   */
  pixelsPerUnit = 0.7;
  /** linkFont is the size of the link labels in drawing units. */
  private linkFont = 20;
  /**
   * labelBoxes are the rectangles the link labels cover, in drawing units; message marks keep
   * out of them so a label naming a lossy or slow link stays readable under traffic.
   */
  labelBoxes: Box[] = [];
  /** groupBoxes are the rectangles the partition groups' names cover. */
  private groupBoxes: Box[] = [];

  /** memberRadius is the drawn radius of a member circle. */
  get memberRadius(): number {
    return this.geometry.r;
  }

  /** memberClearance is how far from its centre a member's drawing reaches (circle, timer arc, halo). */
  get memberClearance(): number {
    const g = this.geometry;
    return g.r + 9 + g.timerWidth / 2 + g.haloWidth;
  }

  /** campaignClearance is how far a member's drawing reaches with its vote dots showing. */
  private get campaignClearance(): number {
    const g = this.geometry;
    return g.r + 7 + g.timerWidth / 2 + 6 + 2 * g.dot;
  }

  /**
   * memberCircles lists where every member is drawn now, with the radius that marks and labels
   * keep clear of (larger while the member shows its vote dots).
   */
  memberCircles(): Circle[] {
    const plain = this.memberClearance;
    const voting = Math.max(plain, this.campaignClearance);
    const circles: Circle[] = [];
    for (const node of this.members.values()) {
      const p = node.drag ?? node.at;
      circles.push({ x: p.x, y: p.y, r: node.votes.classList.contains("hidden") ? plain : voting });
    }
    return circles;
  }

  /** position is where a member is drawn now (including an ongoing tween or drag). */
  position(id: string): Point | undefined {
    const node = this.members.get(id);
    if (!node) return undefined;
    return node.drag ?? node.at;
  }

  /** home is where a member sits when it is not being dragged. */
  home(id: string): Point | undefined {
    return this.members.get(id)?.to;
  }

  /** memberAt finds the member whose circle contains a point, ignoring one id. */
  memberAt(p: Point, except: string): string | null {
    for (const [id, node] of this.members) {
      if (id === except) continue;
      const dx = p.x - node.at.x;
      const dy = p.y - node.at.y;
      if (dx * dx + dy * dy <= (this.geometry.r + 10) ** 2) return id;
    }
    return null;
  }

  /** toDrawing converts a pointer position on the page into the drawing's coordinates. */
  toDrawing(clientX: number, clientY: number): Point {
    const matrix = this.frame0.getScreenCTM();
    if (!matrix) return { x: 0, y: 0 };
    const pt = new DOMPoint(clientX, clientY).matrixTransform(matrix.inverse());
    return { x: pt.x, y: pt.y };
  }

  /** setDrag moves a member with the pointer (null puts it back home). */
  setDrag(id: string, p: Point | null): void {
    const node = this.members.get(id);
    if (!node) return;
    node.drag = p;
    toggleClass(node.g, "dragging", p !== null);
    this.place(node);
    this.placeLinks();
  }

  /** focusMember moves keyboard focus to a member. */
  focusMember(id: string): void {
    this.members.get(id)?.g.focus();
  }

  /** flashMember briefly highlights a member (from a click in the feed). */
  flashMember(id: string): void {
    const node = this.members.get(id);
    if (!node) return;
    node.g.classList.remove("flash");
    void node.g.getBoundingClientRect();
    node.g.classList.add("flash");
    window.setTimeout(() => node.g.classList.remove("flash"), 1600);
  }

  /** update redraws the ring from a new view. */
  update(view: View, selected: string, now: number): void {
    this.lastView = view;
    this.lastSelected = selected;
    if (this.rescaled) {
      this.rescaled = false;
      this.applyScale();
      this.linksMoved = true;
    }
    const members = membersOf(view);
    const leader = members.find((m) => m.id === view.leader);
    const ids = members.map((m) => m.name);
    const groups = partitionGroups(members);
    const groupOf = new Map<string, number>();
    groups.forEach((g, i) => g.forEach((id) => groupOf.set(id, i)));

    // Members are as large as the ring allows: the chord between neighbours bounds the radius.
    const slots = ids.length + (groups.length > 1 ? groupGap * groups.length : 0);
    this.geometry = memberGeometry(ids.length, slots, this.pixelsPerUnit, this.min);
    const targets = layout(ids, groups);

    for (const id of [...this.members.keys()]) {
      if (!ids.includes(id)) {
        this.members.get(id)!.g.remove();
        this.members.delete(id);
      }
    }
    const orderKey = ids.join(",");
    const extraRoom = this.extraRoom(targets);
    for (const m of members) {
      let node = this.members.get(m.name);
      const target = targets.get(m.name)!;
      if (!node) {
        node = this.createMember(m.name, target);
        this.members.set(m.name, node);
      }
      if (node.to.x !== target.x || node.to.y !== target.y) {
        node.from = { ...node.at };
        node.to = target;
        node.tweenStart = now;
      }
      this.updateMember(node, m, members, leader, groupOf.get(m.name), selected === m.name, extraRoom.get(m.name) ?? 0);
    }
    if (orderKey !== this.order.join(",")) {
      this.order = ids;
      // Keep the DOM (and so the tab order) in member order.
      for (const id of [...ids].sort((a, b) => memberIndex(a) - memberIndex(b))) {
        this.memberLayer.append(this.members.get(id)!.g);
      }
    }
    this.updateLinks(view, members, groupOf);
    // Group names first: link labels and marks make way for them.
    const groupKey = this.groupBoxes.map((b) => b.x0.toFixed(0)).join();
    this.updateGroupLabels(groups, targets);
    if (this.linksMoved || groupKey !== this.groupBoxes.map((b) => b.x0.toFixed(0)).join()) {
      this.linksMoved = false;
      this.placeLinks();
    }
  }

  /** frame advances the position tweens; it returns true while something still moves. */
  frame(now: number): boolean {
    let moving = false;
    if (this.rescaled && this.lastView) {
      // The drawing changed size on screen: size the members and labels for it again.
      this.update(this.lastView, this.lastSelected, now);
      moving = true;
    }
    for (const node of this.members.values()) {
      const t = tweenMs === 0 ? 1 : Math.min(1, (now - node.tweenStart) / tweenMs);
      const e = t < 1 ? 1 - (1 - t) ** 3 : 1;
      const x = node.from.x + (node.to.x - node.from.x) * e;
      const y = node.from.y + (node.to.y - node.from.y) * e;
      if (x !== node.at.x || y !== node.at.y) {
        node.at = { x, y };
        this.place(node);
        moving = true;
      }
    }
    if (moving) this.placeLinks();
    return moving;
  }

  private place(node: MemberNode): void {
    const p = node.drag ?? node.at;
    setAttr(node.g, "transform", `translate(${p.x.toFixed(1)} ${p.y.toFixed(1)})`);
  }

  private createMember(id: string, at: Point): MemberNode {
    const g = svg("g", {
      class: "member",
      "data-testid": `member-${id}`,
      tabindex: 0,
      role: "button",
      "aria-haspopup": "menu",
    });
    const halo = svg("circle", { class: "halo", r: 0 });
    const timer = svg("circle", { class: "timer", r: 0 });
    const body = svg("circle", { class: "body", r: 0 });
    const cross = svg("path", { class: "cross" });
    const name = svg("text", { class: "name", "text-anchor": "middle" });
    const role = svg("text", { class: "role-label", "text-anchor": "middle" });
    const term = svg("text", { class: "term-label", "text-anchor": "middle" });
    const extra = svg("text", { class: "extra-label", "text-anchor": "middle" });
    const group = svg("text", { class: "group-letter", "text-anchor": "middle" });
    const votes = svg("g", { class: "votes" });
    g.append(halo, timer, body, cross, name, role, term, votes, extra, group);
    name.textContent = id.toUpperCase();

    g.addEventListener("click", (ev) => {
      ev.stopPropagation();
      this.callbacks.select(id, true);
    });
    g.addEventListener("contextmenu", (ev) => {
      ev.preventDefault();
      this.callbacks.select(id, false);
      this.callbacks.menu(id, ev.clientX, ev.clientY);
    });
    g.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        ev.stopPropagation();
        this.callbacks.select(id, false);
        const box = g.getBoundingClientRect();
        this.callbacks.menu(id, box.right, box.top + box.height / 2);
      } else if (ev.key === "ContextMenu" || (ev.key === "F10" && ev.shiftKey)) {
        ev.preventDefault();
        const box = g.getBoundingClientRect();
        this.callbacks.menu(id, box.right, box.top);
      }
    });
    g.addEventListener("pointerdown", (ev) => {
      if (ev.button === 0) this.callbacks.pointerDown(id, ev);
    });
    const node: MemberNode = {
      g, halo, timer, body, name, role, term, extra, extraWidth: 0, group, votes, voteDots: [], cross,
      from: at, to: at, at, tweenStart: 0, drag: null, geometry: "", lastLabel: "", signature: "",
    };
    this.place(node);
    return node;
  }

  private updateMember(
    node: MemberNode,
    m: MemberView,
    all: MemberView[],
    leader: MemberView | undefined,
    group: number | undefined,
    selected: boolean,
    room: number,
  ): void {
    const geo = this.geometry;
    const r = geo.r;
    const timerR = r + 7;
    if (node.geometry !== geo.key) {
      node.geometry = geo.key;
      setAttr(node.body, "r", r);
      setAttr(node.timer, "r", timerR);
      setAttr(node.timer, "stroke-width", geo.timerWidth.toFixed(1));
      setAttr(node.halo, "r", (timerR + geo.timerWidth / 2 + 2 + geo.haloWidth / 2).toFixed(1));
      setAttr(node.halo, "stroke-width", geo.haloWidth.toFixed(1));
      // Type scales with the member so nine members stay as legible as three, and never falls
      // below a readable size on screen.
      for (const [text, line] of [[node.name, geo.name], [node.role, geo.role], [node.term, geo.term]] as const) {
        setAttr(text, "y", line.y.toFixed(1));
        setAttr(text, "font-size", line.font.toFixed(1));
      }
      setAttr(node.extra, "y", (r + 22 + geo.extraFont).toFixed(1));
      setAttr(node.extra, "font-size", geo.extraFont.toFixed(1));
      setAttr(node.group, "x", (r * 0.98).toFixed(1));
      setAttr(node.group, "y", (r * 1.08).toFixed(1));
      const c = r * 0.55;
      setAttr(node.cross, "d", `M${-c} ${-c}L${c} ${c}M${c} ${-c}L${-c} ${c}`);
    }
    // The election timer: how far the member is into its randomized timeout. It moves every
    // tick, so it is updated on its own and the rest only when something else changed.
    const timeout = m.electionTimeout;
    const elapsed = m.electionElapsed;
    const showTimer = m.state === "up" && m.role !== "leader" && timeout > 0;
    const circumference = 2 * Math.PI * timerR;
    const fraction = showTimer ? Math.min(1, Math.max(0, elapsed / timeout)) : 0;
    setAttr(node.timer, "stroke-dasharray", `${(fraction * circumference).toFixed(1)} ${circumference.toFixed(1)}`);
    toggleClass(node.timer, "urgent", fraction > 0.8);

    const role = displayRole(m, leader);
    const signature = [role, m.state, m.term, m.commit, group, selected, geo.key, Math.round(room), node.drag !== null, m.leadTransferee,
      (m.votesGranted ?? []).join(), (m.votesRejected ?? []).join(), (m.voters ?? []).join(), all.length].join("|");
    if (signature === node.signature) return;
    node.signature = signature;

    const g = node.g;
    setAttr(g, "data-role", role);
    setAttr(g, "data-term", m.term);
    setAttr(g, "data-state", m.state);
    setAttr(g, "data-group", group === undefined ? "" : groupLetter(group));
    setAttr(g, "data-selected", selected ? "true" : "false");
    setAttr(g, "class", `member role-${role} state-${m.state}${group === undefined ? "" : ` group-${group}`}${selected ? " selected" : ""}${node.drag ? " dragging" : ""}`);

    this.writeText(node, role, m);
    setText(node.group, group === undefined ? "" : groupLetter(group));

    // Votes gathered during an election: one dot per voter, filled when granted.
    const campaigning = m.state === "up" && (m.role === "candidate" || m.role === "pre-candidate");
    const voters = (m.voters ?? all.filter((x) => !x.learner).map((x) => x.id)).map(memberName);
    const granted = new Set((m.votesGranted ?? []).map(memberName));
    const rejected = new Set((m.votesRejected ?? []).map(memberName));
    if (campaigning) {
      while (node.voteDots.length < voters.length) {
        const dot = svg("circle", { r: geo.dot.toFixed(1), class: "vote-dot" });
        node.votes.append(dot);
        node.voteDots.push(dot);
      }
      node.voteDots.forEach((dot, i) => {
        if (i >= voters.length) {
          setAttr(dot, "class", "vote-dot hidden");
          return;
        }
        const id = voters[i]!;
        // Dots sit on the upper arc, from the left to the right, one per voter.
        const angle = -Math.PI * (0.8 - (0.6 * (i + 0.5)) / voters.length);
        const at = timerR + geo.timerWidth / 2 + 6 + geo.dot;
        setAttr(dot, "r", geo.dot.toFixed(1));
        setAttr(dot, "cx", (at * Math.cos(angle)).toFixed(1));
        setAttr(dot, "cy", (at * Math.sin(angle)).toFixed(1));
        setAttr(dot, "class", `vote-dot ${granted.has(id) ? "granted" : rejected.has(id) ? "rejected" : "pending"}`);
      });
      const need = Math.floor(voters.length / 2) + 1;
      const votes = `${granted.size}/${voters.length}`;
      this.writeExtra(node, [`votes ${votes}, needs ${need}`, `${votes}, needs ${need}`, `votes ${votes}`, votes], room);
    } else {
      for (const dot of node.voteDots) setAttr(dot, "class", "vote-dot hidden");
      let extra: string[] = [];
      if (m.state === "up" && m.role === "leader" && m.leadTransferee) extra = [`handing over to ${memberName(m.leadTransferee)}`, `to ${memberName(m.leadTransferee)}`];
      if (m.state === "failed") extra = ["WAL corrupt: cannot restart", "WAL corrupt"];
      this.writeExtra(node, extra, room);
    }
    toggleClass(node.votes, "hidden", !campaigning);

    const label = `${m.name}: ${roleLabel(role, m.state).toLowerCase()}, term ${m.term}, commit ${m.commit}` +
      `${group === undefined ? "" : `, partition group ${groupLetter(group)}`}${campaigning ? `, ${granted.size} of ${voters.length} votes` : ""}`;
    if (label !== node.lastLabel) {
      node.lastLabel = label;
      g.setAttribute("aria-label", label);
    }
  }

  /**
   * writeExtra sets the line under a member (its votes in a campaign): the first of its forms
   * about as wide as the circle, or the shortest. Link and group labels and message marks keep
   * out of it.
   */
  private writeExtra(node: MemberNode, forms: string[], room: number): void {
    const font = this.geometry.extraFont;
    const widest = Math.min(2.4 * this.geometry.r, room);
    // With no room even for the shortest form (a crowded ring on a phone) the line gives way:
    // the vote dots still show the count, and the member's spoken label says it.
    let text = "";
    for (const f of forms) {
      if (textWidth(f, font, 600, 0) <= widest) {
        text = f;
        break;
      }
    }
    if (text === node.extra.textContent) return;
    setText(node.extra, text);
    node.extraWidth = text === "" ? 0 : textWidth(text, font, 600, 0);
    this.linksMoved = true;
  }

  /**
   * extraRoom is how wide the line under each member may be at its place on the ring: as far
   * as the nearest other member's circle on either side at that height.
   */
  private extraRoom(targets: Map<string, Point>): Map<string, number> {
    const g = this.geometry;
    const clearance = this.memberClearance;
    const room = new Map<string, number>();
    for (const [id, p] of targets) {
      const baseline = p.y + g.r + 22 + g.extraFont;
      const top = baseline - g.extraFont * 0.85;
      const bottom = baseline + g.extraFont * 0.3;
      let half = Infinity;
      for (const [other, q] of targets) {
        if (other === id) continue;
        // The nearest height of the label's band to the other circle's centre.
        const dy = q.y < top ? top - q.y : q.y > bottom ? q.y - bottom : 0;
        // A neighbour's own line at about the same height takes half the space between them.
        if (Math.abs(q.y - p.y) < g.extraFont * 1.2) half = Math.min(half, Math.abs(q.x - p.x) / 2 - g.extraFont * 0.3);
        if (dy >= clearance) continue;
        const reach = Math.sqrt(clearance * clearance - dy * dy);
        half = Math.min(half, Math.abs(q.x - p.x) - reach);
      }
      room.set(id, Math.max(0, 2 * half - g.extraFont * 0.5));
    }
    return room;
  }

  /** extraBox is the rectangle the line under a member covers, with the member at p. */
  private extraBox(node: MemberNode, p: Point): Box | null {
    if (node.extraWidth === 0) return null;
    const g = this.geometry;
    const baseline = p.y + g.r + 22 + g.extraFont;
    const half = node.extraWidth / 2 + g.extraFont * 0.25;
    return { x0: p.x - half, y0: baseline - g.extraFont * 0.85, x1: p.x + half, y1: baseline + g.extraFont * 0.3 };
  }

  /**
   * writeText names the member's role and term in its circle, in the longest words that fit
   * at a readable size: "CANDIDATE" and "term 12" where there is room, "CAND." and "T12" in a
   * small circle, and the term beside the role when even "T12" has no line of its own.
   */
  private writeText(node: MemberNode, role: string, m: MemberView): void {
    const geo = this.geometry;
    // A crashed member's term lives only in its WAL until it restarts and replays it.
    const term = isDown(m) ? "?" : String(m.term);
    // The first form is roleLabel's word, the one the legend and the rest of the page use.
    const forms = roleForms(role, m.state);
    const termFit = fit([`term ${term}`, `T${term}`], geo.term, room(geo, geo.term), 400, 0);
    let roleText = forms[forms.length - 1]!;
    let tight = true;
    const roleRoom = room(geo, geo.role);
    const roleFit = fit(termFit ? forms : forms.map((f) => `${f} T${term}`), geo.role, roleRoom, 700, 0.08);
    if (roleFit) {
      roleText = roleFit.text;
      tight = roleFit.tight;
    } else if (!termFit) {
      roleText = `${roleText} T${term}`;
    }
    setText(node.role, roleText);
    toggleClass(node.role, "tight", tight);
    setText(node.term, termFit ? termFit.text : "");
    // The name is short ("S1", "S12"); it shrinks only if a small circle could not hold it.
    const nameWidth = textWidth(node.name.textContent ?? "", geo.name.font, 750, 0);
    const nameRoom = room(geo, geo.name);
    const nameFont = nameWidth > nameRoom && nameRoom > 0 ? (geo.name.font * nameRoom) / nameWidth : geo.name.font;
    setAttr(node.name, "font-size", nameFont.toFixed(1));
  }

  private updateLinks(view: View, members: MemberView[], groupOf: Map<string, number>): void {
    const ids = members.map((m) => m.name).sort((a, b) => memberIndex(a) - memberIndex(b));
    const down = new Set(members.filter((m) => m.state !== "up").map((m) => m.name));
    const special = specialLinks(view);
    const defaults = view.linkDefaults;
    const seen = new Set<string>();
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        const a = ids[i]!;
        const b = ids[j]!;
        const key = pairKey(a, b);
        seen.add(key);
        let link = this.links.get(key);
        if (!link) {
          link = this.createLink(a, b);
          this.links.set(key, link);
          this.linksMoved = true;
        }
        const ga = groupOf.get(a);
        const gb = groupOf.get(b);
        const cut = ga !== undefined && gb !== undefined && ga !== gb;
        const ab = special.get(directedKey(a, b));
        const ba = special.get(directedKey(b, a));
        const lines = pairLabel(a, b, ab, ba, defaults);
        const signature = `${cut}|${down.has(a) || down.has(b)}|${lines.join("/")}`;
        if (signature === link.signature) continue;
        link.signature = signature;
        const lossy = isLossy(ab) || isLossy(ba);
        const slow = isSlow(ab, defaults) || isSlow(ba, defaults);
        const tuned = lines.length > 0 && !lossy && !slow;
        setAttr(
          link.g,
          "class",
          `link${cut ? " cut" : ""}${down.has(a) || down.has(b) ? " idle" : ""}${lossy ? " lossy" : ""}${slow ? " slow" : ""}${tuned ? " tuned" : ""}`,
        );
        setAttr(link.label, "class", `link-label${lossy ? " lossy" : ""}${slow ? " slow" : ""}${tuned ? " tuned" : ""}`);
        setAttr(link.hit, "data-lossy", lossy ? "true" : "false");
        setAttr(link.hit, "data-slow", slow ? "true" : "false");
        setAttr(link.hit, "data-knobs", lines.join("; "));
        link.texts = lines;
        // The label is drawn (and its box, which message marks avoid, placed) by placeLinks.
        this.linksMoved = true;
        setAttr(
          link.hit,
          "aria-label",
          `link ${a}–${b}${cut ? ", cut by the partition" : ""}${describeDirections(a, b, ab, ba)}: click to set drop and latency`,
        );
      }
    }
    for (const [key, link] of this.links) {
      if (!seen.has(key)) {
        link.g.remove();
        link.label.remove();
        this.links.delete(key);
      }
    }
  }

  /** showLabelLines puts a label's drawn lines into its tspans. */
  private showLabelLines(link: LinkNode, lines: string[]): void {
    if (link.label.children.length !== lines.length) link.label.replaceChildren(...lines.map(() => svg("tspan", {})));
    lines.forEach((text, i) => setText(link.label.children[i]!, text));
  }

  private createLink(a: string, b: string): LinkNode {
    const g = svg("g", { class: "link" });
    const line = svg("line", { class: "wire" });
    // Links are not tab stops (nine members have 36 of them); the member bar and the network
    // panel's list of changed links open the same editor from the keyboard.
    const hit = svg("line", { class: "hit", "data-testid": `link-${a}-${b}`, role: "button" });
    const label = svg("text", { class: "link-label", "text-anchor": "middle" });
    g.append(line, hit);
    const open = (ev: Event): void => {
      ev.stopPropagation();
      this.callbacks.link(a, b);
    };
    hit.addEventListener("click", open);
    label.addEventListener("click", open);
    this.linkLayer.append(g);
    this.labelLayer.append(label);
    return { g, line, hit, label, texts: [], a, b, signature: "" };
  }

  private placeLinks(): void {
    this.labelBoxes = [];
    const circles = this.memberCircles();
    // The lines under members (votes in a campaign) are placed first: link labels and marks
    // keep out of them.
    const extras: Box[] = [];
    for (const node of this.members.values()) {
      const box = this.extraBox(node, node.drag ?? node.at);
      if (box) extras.push(box);
    }
    for (const link of this.links.values()) {
      const pa = this.position(link.a);
      const pb = this.position(link.b);
      if (!pa || !pb) continue;
      for (const line of [link.line, link.hit]) {
        setAttr(line, "x1", pa.x.toFixed(1));
        setAttr(line, "y1", pa.y.toFixed(1));
        setAttr(line, "x2", pb.x.toFixed(1));
        setAttr(line, "y2", pb.y.toFixed(1));
      }
      if (link.texts.length === 0) {
        this.showLabelLines(link, []);
        continue;
      }
      const font = this.linkFont;
      const lineHeight = font * 1.1;
      const len = Math.hypot(pb.x - pa.x, pb.y - pa.y) || 1;
      const nx = -(pb.y - pa.y) / len;
      const ny = (pb.x - pa.x) / len;
      // The label sits a little off the middle, towards the lower-numbered end, so that the
      // labels of crossing diameters (in even rings) never land on the same spot; it slides
      // along its link where a member's circle would hide part of it. Where no spot on the wire
      // is clear (a long label on a phone), it steps off the wire sideways, a line at a time,
      // and stays across it.
      const search = (lines: string[]): { x: number; y: number; cost: number; halfWidth: number; halfHeight: number } => {
        let longest = 0;
        for (const text of lines) longest = Math.max(longest, textWidth(text, font, 700, 0));
        const halfWidth = longest / 2 + font * 0.2;
        const halfHeight = (lines.length * lineHeight) / 2;
        let best = { x: 0, y: 0, cost: Infinity, halfWidth, halfHeight };
        for (const off of [0, 1, -1, 2, -2, 3, -3, 4, -4]) {
          for (const f of labelSpots) {
            const x = pa.x + (pb.x - pa.x) * f + nx * off * lineHeight;
            const y = pa.y + (pb.y - pa.y) * f + ny * off * lineHeight;
            const box = { x0: x - halfWidth, y0: y - halfHeight, x1: x + halfWidth, y1: y + halfHeight };
            // Labels keep a little apart from each other and from the lines under members, so
            // two never read as one.
            let cost = intrusion(box, circles) * 1000;
            for (const other of this.labelBoxes) cost += overlap(box, other, font * 0.2);
            for (const other of extras) cost += overlap(box, other, font * 0.2);
            if (cost < best.cost) best = { x, y, cost, halfWidth, halfHeight };
            if (cost === 0) return best;
          }
        }
        return best;
      };
      let lines = link.texts;
      let best = search(lines);
      if (best.cost > 0) {
        // Still crowded: a narrower label, each line broken after the link's name
        // ("s1⇄s2 " / "drop 40%"; the text reads the same).
        const wrapped = lines.flatMap((text) => {
          const cut = text.indexOf(" ");
          return cut > 0 ? [text.slice(0, cut + 1), text.slice(cut + 1)] : [text];
        });
        const narrow = search(wrapped);
        if (narrow.cost < best.cost) {
          best = narrow;
          lines = wrapped;
        }
      }
      this.showLabelLines(link, lines);
      const { x, y, halfWidth, halfHeight } = best;
      const top = y - ((lines.length - 1) * lineHeight) / 2 + font * 0.35;
      Array.from(link.label.children).forEach((tspan, i) => {
        setAttr(tspan, "x", x.toFixed(1));
        setAttr(tspan, "y", (top + i * lineHeight).toFixed(1));
      });
      this.labelBoxes.push({ x0: x - halfWidth, y0: y - halfHeight, x1: x + halfWidth, y1: y + halfHeight });
    }
    this.labelBoxes.push(...extras, ...this.groupBoxes);
  }

  private updateGroupLabels(groups: string[][], targets: Map<string, Point>): void {
    const clearance = this.memberClearance;
    const circles = [...targets.values()].map((p) => ({ x: p.x, y: p.y, r: clearance }));
    const extras: Box[] = [];
    for (const [id, p] of targets) {
      const node = this.members.get(id);
      const box = node && this.extraBox(node, p);
      if (box) extras.push(box);
    }
    const placed: Box[] = [];
    while (this.groupLabels.length < groups.length) {
      const t = svg("text", { class: "group-label", "text-anchor": "middle" });
      this.groupLayer.append(t);
      this.groupLabels.push(t);
    }
    this.groupLabels.forEach((label, i) => {
      const group = groups[i];
      if (!group || group.length === 0) {
        setText(label, "");
        return;
      }
      let x = 0;
      let y = 0;
      for (const id of group) {
        const p = targets.get(id);
        if (p) {
          x += p.x;
          y += p.y;
        }
      }
      x /= group.length;
      y /= group.length;
      const len = Math.hypot(x, y) || 1;
      // The label sits inside the ring, between the centre and its group, where no member and
      // no line under a member is (nearer the centre if need be).
      const text = `group ${groupLetter(i)} (${group.length})`;
      const font = this.groupFont;
      const half = textWidth(text, font, 700, 0.03) / 2 + font * 0.2;
      let best = { lx: 0, ly: 0, cost: Infinity };
      for (const f of [0.42, 0.34, 0.5, 0.26, 0.58, 0.18]) {
        const lx = (x / len) * ringRadius * f;
        const ly = (y / len) * ringRadius * f;
        const box = { x0: lx - half, y0: ly - font * 0.6, x1: lx + half, y1: ly + font * 0.6 };
        let cost = intrusion(box, circles) * 1000;
        for (const other of extras) cost += overlap(box, other, font * 0.2);
        for (const other of placed) cost += overlap(box, other, font * 0.2);
        if (cost < best.cost) best = { lx, ly, cost };
        if (cost === 0) break;
      }
      placed.push({ x0: best.lx - half, y0: best.ly - font * 0.6, x1: best.lx + half, y1: best.ly + font * 0.6 });
      setAttr(label, "x", best.lx.toFixed(0));
      setAttr(label, "y", (best.ly + font * 0.35).toFixed(0));
      setAttr(label, "class", `group-label group-${i}`);
      setText(label, text);
    });
    this.groupBoxes = placed;
  }
}

/** describeDirections tells a screen reader how each direction of a link differs. */
function describeDirections(a: string, b: string, ab: LinkView | undefined, ba: LinkView | undefined): string {
  if (!ab && !ba) return "";
  if (sameKnobs(ab, ba)) return `, both ways ${fullKnobsText(ab!)}`;
  return `${ab ? `, ${a} to ${b} ${fullKnobsText(ab)}` : ""}${ba ? `, ${b} to ${a} ${fullKnobsText(ba)}` : ""}`;
}

/** pairKey names an undirected link. */
export function pairKey(a: string, b: string): string {
  return memberIndex(a) < memberIndex(b) ? `${a}-${b}` : `${b}-${a}`;
}

/**
 * partitionGroups lists the partition groups in group order, each as member names; it is
 * empty when the network is whole. The engine numbers groups from 1 (0: not partitioned).
 */
export function partitionGroups(members: MemberView[]): string[][] {
  const byGroup = new Map<number, string[]>();
  for (const m of members) {
    if (m.group <= 0) continue;
    const list = byGroup.get(m.group) ?? [];
    list.push(m.name);
    byGroup.set(m.group, list);
  }
  return [...byGroup.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
}

/** labelSpots are the places along a link (from its lower-numbered end) a label may sit, best first. */
const labelSpots = [0.42, 0.37, 0.47, 0.32, 0.52, 0.27, 0.57, 0.22, 0.62];

/** groupGap is the empty space after each partition group on the ring, in member slots. */
const groupGap = 0.9;

/**
 * layout places members around the ring. When the network is partitioned, the members of
 * a group sit together with a gap between groups, so the cut is visible at a glance.
 */
function layout(ids: string[], groups: string[][]): Map<string, Point> {
  const order: string[] = [];
  const gapAfter = new Set<number>();
  if (groups.length > 1) {
    for (const group of groups) {
      for (const id of group) if (ids.includes(id) && !order.includes(id)) order.push(id);
      gapAfter.add(order.length - 1);
    }
  }
  for (const id of [...ids].sort((a, b) => memberIndex(a) - memberIndex(b))) if (!order.includes(id)) order.push(id);
  const gap = groups.length > 1 ? groupGap : 0;
  const slots = order.length + gap * gapAfter.size;
  const result = new Map<string, Point>();
  let slot = gap / 2;
  order.forEach((id, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * slot) / slots;
    result.set(id, { x: Math.round(ringRadius * Math.cos(angle)), y: Math.round(ringRadius * Math.sin(angle)) });
    slot += 1 + (gapAfter.has(i) ? gap : 0);
  });
  return result;
}
