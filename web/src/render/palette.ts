// palette.ts holds the few colour decisions that are made in code rather than CSS: a term's
// colour (so a term looks the same in the ring, the logs and the feed) and a partition
// group's letter. Roles and message types are coloured in CSS by class name.

/** termHue gives each term a hue far from its neighbours' (golden-angle steps). */
export function termHue(term: number): number {
  return Math.round((term * 137.508 + 200) % 360);
}

/** termColor is the fill of a log cell of the given term: pale in the light theme, deep in the dark. */
export function termColor(term: number): string {
  if (term <= 0) return "var(--term-zero)";
  const hue = termHue(term);
  return `light-dark(hsl(${hue} 70% 80%), hsl(${hue} 45% 34%))`;
}

/** groupLetter names partition group i ("A", "B", ...). */
export function groupLetter(index: number): string {
  return String.fromCharCode(65 + index);
}

/**
 * roleForms lists the ways a member's circle can name its role, longest first: the ring uses
 * the longest one that fits the circle at a readable size (a small circle on a phone says
 * "CAND." rather than shrinking "CANDIDATE" to a smudge). The last is a letter or sign.
 */
export function roleForms(role: string, state: string): string[] {
  if (state === "crashed") return ["CRASHED", "DOWN", "✕"];
  if (state === "failed") return ["FAILED", "FAIL", "✕"];
  if (state === "paused") return ["PAUSED", "PAUSE", "❚❚"];
  switch (role) {
    case "leader":
      return ["LEADER", "LEAD", "L"];
    case "candidate":
      return ["CANDIDATE", "CAND.", "C"];
    case "pre-candidate":
      return ["PRE-CANDIDATE", "PRE-CAND.", "PRE", "P"];
    case "learner":
      return ["LEARNER", "LRN", "N"];
    default:
      return ["follower", "foll.", "F"];
  }
}

/** roleLabel is the word shown under a member's name (never colour alone): roleForms' longest. */
export function roleLabel(role: string, state: string): string {
  return roleForms(role, state)[0]!;
}

/**
 * messageLabel is the short name drawn on a message in flight ("vote?" asks, "vote ✓" answers);
 * an append that carries entries says how many ("append +2").
 */
export function messageLabel(type: string, reject: boolean, entries = 0): string {
  const base: Record<string, string> = {
    "pre-vote": "pre-vote?",
    "pre-vote-resp": "pre-vote",
    vote: "vote?",
    "vote-resp": "vote",
    append: "append",
    "append-resp": "append ok",
    heartbeat: "heartbeat",
    "heartbeat-resp": "hb ok",
    snapshot: "snapshot",
    "timeout-now": "timeout now",
    "read-index": "read index?",
    "read-index-resp": "read index",
    propose: "proposal",
    transfer: "transfer?",
  };
  let label = base[type] ?? type;
  if (type === "pre-vote-resp" || type === "vote-resp") label += reject ? " ✗" : " ✓";
  if (type === "append-resp" && reject) label = "append ✗";
  if (type === "append" && entries > 0) label = `append +${entries}`;
  return label;
}

/** messageClass groups message types into the families that CSS colours. */
export function messageClass(type: string): string {
  if (type.startsWith("pre-vote")) return "m-prevote";
  if (type.startsWith("vote")) return "m-vote";
  if (type.startsWith("heartbeat")) return "m-heartbeat";
  if (type.startsWith("append")) return "m-append";
  if (type.startsWith("snapshot")) return "m-snapshot";
  if (type.startsWith("timeout") || type === "transfer") return "m-timeout";
  if (type.startsWith("read-index")) return "m-read";
  if (type === "propose") return "m-propose";
  return "m-other";
}
