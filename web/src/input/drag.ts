// drag.ts builds partitions by dragging: drop a member on another member to put it in that
// member's group, or drop it on empty space to give it a group of its own. The result is one
// `partition …` (or `heal`) line. A press that barely moves stays a click.
import type { View } from "../model/view";
import type { Point, Ring } from "../render/ring";
import { groupsOf, moveToGroup } from "./actions";

const dragThreshold = 8;

/** PartitionDrag follows one pointer drag on a member. */
export class PartitionDrag {
  /** suppressClick is true right after a drag so the trailing click does not select. */
  suppressClick = false;
  private member = "";
  private start: Point = { x: 0, y: 0 };
  private dragging = false;
  private pointerId = -1;

  constructor(
    private readonly ring: Ring,
    private readonly view: () => View | null,
    private readonly apply: (line: string) => void,
  ) {
    window.addEventListener("pointermove", (ev) => this.move(ev));
    window.addEventListener("pointerup", (ev) => this.end(ev));
    window.addEventListener("pointercancel", () => this.cancel());
  }

  /** begin is called by the ring on a primary-button press on a member. */
  begin(member: string, ev: PointerEvent): void {
    this.member = member;
    this.pointerId = ev.pointerId;
    this.start = this.ring.toDrawing(ev.clientX, ev.clientY);
    this.dragging = false;
    this.suppressClick = false;
  }

  private move(ev: PointerEvent): void {
    if (this.member === "" || ev.pointerId !== this.pointerId) return;
    const p = this.ring.toDrawing(ev.clientX, ev.clientY);
    if (!this.dragging && Math.hypot(p.x - this.start.x, p.y - this.start.y) < dragThreshold) return;
    this.dragging = true;
    ev.preventDefault();
    this.ring.setDrag(this.member, p);
  }

  private end(ev: PointerEvent): void {
    if (this.member === "" || ev.pointerId !== this.pointerId) return;
    const member = this.member;
    this.member = "";
    if (!this.dragging) return;
    this.dragging = false;
    this.suppressClick = true;
    window.setTimeout(() => (this.suppressClick = false), 0);
    const p = this.ring.toDrawing(ev.clientX, ev.clientY);
    this.ring.setDrag(member, null);
    const view = this.view();
    if (!view) return;
    const groups = groupsOf(view);
    const target = this.ring.memberAt(p, member);
    let line: string;
    if (target) {
      const index = groups.findIndex((g) => g.includes(target));
      if (groups[index]?.includes(member)) return;
      line = moveToGroup(view, member, index);
    } else {
      const home = this.ring.home(member) ?? p;
      const own = groups.find((g) => g.includes(member));
      // Dropped back near its place, or already alone: nothing changes.
      if (Math.hypot(p.x - home.x, p.y - home.y) < this.ring.memberRadius * 1.5 || (own && own.length === 1)) return;
      line = moveToGroup(view, member, groups.length);
    }
    this.apply(line);
  }

  private cancel(): void {
    if (this.member !== "") this.ring.setDrag(this.member, null);
    this.member = "";
    this.dragging = false;
  }
}
