// actions.ts lists what a learner can do to a member and the script line each action becomes.
// Availability only guides the buttons; the engine decides whether a line is valid.
import { displayRole, isDown, leaderName, membersOf, type MemberView, type View } from "../model/view";
import { partitionGroups } from "../render/ring";

/** MemberAction is one thing a learner can do to a member. */
export interface MemberAction {
  id: string;
  label: string;
  line: string;
  enabled: boolean;
  hint: string;
}

/** memberActions gives the actions for one member in the current view. */
export function memberActions(m: MemberView, view: View): MemberAction[] {
  const id = m.name;
  const up = m.state === "up";
  const leader = leaderName(view);
  // A member that was just added learns the configuration only from the log, so the leader's
  // configuration is the one that says whether it is a learner.
  const leaderView = membersOf(view).find((x) => x.name === leader);
  const isLearner = displayRole(m, leaderView) === "learner";
  return [
    { id: "crash", label: "Crash", line: `crash ${id}`, enabled: !isDown(m), hint: "lose volatile state and the unsynced WAL tail" },
    { id: "crash-torn", label: "Crash, tearing the WAL", line: `crash ${id} wal=torn`, enabled: !isDown(m), hint: "the last WAL record survives only half written" },
    { id: "crash-corrupt", label: "Crash with a corrupt WAL", line: `crash ${id} wal=corrupt`, enabled: !isDown(m), hint: "a synced record is damaged: replay must refuse to start" },
    { id: "restart", label: "Restart", line: `restart ${id}`, enabled: m.state === "crashed", hint: "replay the WAL and rejoin" },
    { id: "pause", label: "Pause", line: `pause ${id}`, enabled: up, hint: "freeze it (like a long GC pause); it keeps its state" },
    { id: "resume", label: "Resume", line: `resume ${id}`, enabled: m.state === "paused", hint: "unfreeze it" },
    { id: "timeout", label: "Time out now", line: `timeout ${id}`, enabled: up && m.role !== "leader", hint: "fire its election timer now" },
    { id: "isolate", label: "Isolate", line: `isolate ${id}`, enabled: true, hint: "cut it off from every other member" },
    { id: "transfer", label: "Transfer leadership here", line: `transfer to=${id}`, enabled: up && leader !== "" && leader !== id && !isLearner, hint: "the leader hands over to this member" },
    { id: "snapshot", label: "Take a snapshot", line: `snapshot ${id}`, enabled: up, hint: "compact its log at its applied index" },
    { id: "promote", label: "Promote to voter", line: `member promote ${id}`, enabled: isLearner, hint: "make this learner a voter" },
    { id: "remove", label: "Remove from cluster", line: `member remove ${id}`, enabled: true, hint: "a configuration change through the log" },
  ];
}

/** nextFreeMember names the lowest member id (s1..s9) not in the view, or null when full. */
export function nextFreeMember(view: View): string | null {
  const used = new Set(membersOf(view).map((m) => m.id));
  for (let i = 1; i <= 9; i++) if (!used.has(i)) return `s${i}`;
  return null;
}

/** groupsOf returns the partition groups, or one group of every member when healed. */
export function groupsOf(view: View): string[][] {
  const members = [...membersOf(view)].sort((a, b) => a.id - b.id);
  const groups = partitionGroups(members);
  if (groups.length === 0) return [members.map((m) => m.name)];
  return groups;
}

/** partitionLine writes groups as a `partition` line, or `heal` when one group remains. */
export function partitionLine(groups: string[][]): string {
  const nonEmpty = groups.filter((g) => g.length > 0);
  if (nonEmpty.length <= 1) return "heal";
  return `partition ${nonEmpty.map((g) => [...g].sort((a, b) => byNumber(a) - byNumber(b)).join(",")).join(" | ")}`;
}

/** moveToGroup moves a member into group index (groups.length means a new group of its own). */
export function moveToGroup(view: View, member: string, target: number): string {
  const groups = groupsOf(view).map((g) => g.filter((id) => id !== member));
  if (target >= groups.length) groups.push([member]);
  else groups[target]!.push(member);
  return partitionLine(groups);
}

/** presets are the ready-made partitions of the network panel. */
export function presetLine(view: View, preset: string): { line?: string; error?: string } {
  const ids = [...membersOf(view)].sort((a, b) => a.id - b.id).map((m) => m.name);
  const leader = leaderName(view);
  switch (preset) {
    case "isolate-leader":
      if (leader === "") return { error: "There is no leader to isolate right now." };
      return { line: `isolate ${leader}` };
    case "minority-majority": {
      if (leader === "") return { error: "There is no leader right now; wait for an election first." };
      // The leader keeps a minority: it can no longer commit, while the majority elects anew.
      const minoritySize = Math.max(1, Math.floor((ids.length - 1) / 2));
      const others = ids.filter((id) => id !== leader);
      const minority = [leader, ...others.slice(0, minoritySize - 1)];
      const majority = ids.filter((id) => !minority.includes(id));
      return { line: partitionLine([minority, majority]) };
    }
    case "3-3-3":
      if (ids.length !== 9) return { error: "The 3-3-3 split needs a nine-member cluster (choose size 9)." };
      return { line: partitionLine([ids.slice(0, 3), ids.slice(3, 6), ids.slice(6, 9)]) };
    default:
      return { error: `unknown preset ${preset}` };
  }
}

function byNumber(name: string): number {
  return Number.parseInt(name.slice(1), 10);
}
