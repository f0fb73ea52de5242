// links.ts reads the link knobs the engine reports: the directions whose drop, latency,
// duplication or reordering differ from the cluster's defaults. It only describes them in
// words and groups them by pair; the engine decides what each knob does.
import type { LinkView, View } from "../bridge";
import { usToDuration } from "./scriptline";
import { memberName } from "./view";

/** directedKey names one direction of a link ("s1>s2"). */
export function directedKey(from: string, to: string): string {
  return `${from}>${to}`;
}

/** specialLinks maps each direction that differs from the defaults to its knobs. */
export function specialLinks(view: View): Map<string, LinkView> {
  const out = new Map<string, LinkView>();
  for (const l of view.links ?? []) out.set(directedKey(memberName(l.from), memberName(l.to)), l);
  return out;
}

/** usDuration writes a latency in µs the way the script does ("0ms" for none). */
function usDuration(us: number): string {
  return us === 0 ? "0ms" : usToDuration(us);
}

/** latencyText writes a latency range as the script does ("200ms", "50ms..300ms"). */
export function latencyText(l: LinkView): string {
  return l.latencyMinUs === l.latencyMaxUs ? usDuration(l.latencyMinUs) : `${usDuration(l.latencyMinUs)}..${usDuration(l.latencyMaxUs)}`;
}

/** isLossy is true when the link loses some of its messages. */
export function isLossy(l: LinkView | undefined): boolean {
  return l !== undefined && l.dropPercent > 0;
}

/** isSlow is true when the link can take longer than the default link. */
export function isSlow(l: LinkView | undefined, defaults: LinkView): boolean {
  return l !== undefined && l.latencyMaxUs > defaults.latencyMaxUs;
}

/** sameKnobs compares the knobs of two directions. */
export function sameKnobs(a: LinkView | undefined, b: LinkView | undefined): boolean {
  if (!a || !b) return a === b;
  return a.latencyMinUs === b.latencyMinUs && a.latencyMaxUs === b.latencyMaxUs && a.dropPercent === b.dropPercent &&
    a.duplicatePercent === b.duplicatePercent && a.reorderPercent === b.reorderPercent;
}

/**
 * knobsText says briefly how a direction differs from the defaults ("drop 30% · 200ms"),
 * naming only the knobs that differ.
 */
export function knobsText(l: LinkView, defaults: LinkView): string {
  const parts: string[] = [];
  if (l.dropPercent !== defaults.dropPercent) parts.push(`drop ${l.dropPercent}%`);
  if (l.latencyMinUs !== defaults.latencyMinUs || l.latencyMaxUs !== defaults.latencyMaxUs) parts.push(latencyText(l));
  if (l.duplicatePercent !== defaults.duplicatePercent) parts.push(`dup ${l.duplicatePercent}%`);
  if (l.reorderPercent !== defaults.reorderPercent) parts.push(`reorder ${l.reorderPercent}%`);
  return parts.length > 0 ? parts.join(" · ") : "default";
}

/** fullKnobsText describes every knob of a direction, for the editor and screen readers. */
export function fullKnobsText(l: LinkView): string {
  const parts = [`latency ${latencyText(l)}`, `drop ${l.dropPercent}%`];
  if (l.duplicatePercent > 0) parts.push(`duplicate ${l.duplicatePercent}%`);
  if (l.reorderPercent > 0) parts.push(`reorder ${l.reorderPercent}%`);
  return parts.join(", ");
}

/**
 * pairLabel describes the special knobs of the link between a and b in one or two short
 * lines: one line when both directions match ("⇄ drop 30%"), else one per direction.
 */
export function pairLabel(a: string, b: string, ab: LinkView | undefined, ba: LinkView | undefined, defaults: LinkView): string[] {
  if (!ab && !ba) return [];
  if (sameKnobs(ab, ba)) return [`${a}⇄${b} ${knobsText(ab!, defaults)}`];
  const lines: string[] = [];
  if (ab) lines.push(`${a}→${b} ${knobsText(ab, defaults)}`);
  if (ba) lines.push(`${b}→${a} ${knobsText(ba, defaults)}`);
  return lines;
}
