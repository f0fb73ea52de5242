// view.ts is the front end's window on the engine's plain-data View. The types themselves are
// generated from netsim/view.go into the bridge (so the compiler catches any drift); this file
// re-exports them and adds the few lookups every renderer needs, such as turning a member's
// number into its name. Nothing here computes Raft or etcd logic.
import type { ClientView, EventView, MemberView, MessageView, View } from "../bridge";

export type { ClientView, EntryView, EventView, KeyView, KVView, LinkView, MemberView, MessageView, OpView, ProgressView, View } from "../bridge";

/** memberName is the script's name for member number id ("s3"). */
export function memberName(id: number): string {
  return `s${id}`;
}

/** membersOf lists the view's members (the engine may send null for an empty list). */
export function membersOf(view: View): MemberView[] {
  return view.members ?? [];
}

/** messagesOf lists the messages on the wire. */
export function messagesOf(view: View): MessageView[] {
  return view.messages ?? [];
}

/** clientsOf lists the clients the engine knows (they are created on first use). */
export function clientsOf(view: View): ClientView[] {
  return view.clients ?? [];
}

/** leaderName is the current leader's name, or "" when there is none. */
export function leaderName(view: View): string {
  return view.leader > 0 ? memberName(view.leader) : "";
}

/**
 * displayRole is the role shown and exposed to tests: a learner is shown as "learner". A member
 * added as a learner learns its own configuration from the log, so until then the leader's
 * configuration (when given) is what says it is one.
 */
export function displayRole(m: MemberView, leader?: MemberView): string {
  const learner = m.learner || (leader !== undefined && (leader.learners ?? []).includes(m.id));
  return learner && m.role === "follower" ? "learner" : m.role;
}

/** isDown is true for a member that is not running (crashed, or failed to restart). */
export function isDown(m: MemberView): boolean {
  return m.state === "crashed" || m.state === "failed";
}

/** eventMember is the member name an event is about, or "". */
export function eventMember(e: EventView): string {
  return e.member ? memberName(e.member) : "";
}
