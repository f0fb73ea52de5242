// scriptline.ts writes the learner's clicks as scenario script lines (DESIGN.md §4). It only
// formats text; the engine parses and validates every line.

/**
 * reservedWords are the bare words the script reads as flags; data equal to one is quoted.
 * The list and the rule below are the engine's own (netsim/script/quote.go), so the line a
 * form previews is exactly the line the session script records.
 */
const reservedWords = new Set(["prefix", "serializable", "learner", "once", "reset", "ok", "pending", "|"]);

/**
 * quoteArg writes one argument so the script tokenizer reads it back unchanged: plain words
 * stay bare, anything else is double-quoted with only \" and \\ escaped (the lexer's rule).
 */
export function quoteArg(arg: string): string {
  if (arg !== "" && !/[ \t\r\n"#=<>!\\]/.test(arg) && !arg.includes("->") && !reservedWords.has(arg)) return arg;
  return `"${arg.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** line joins a command and its arguments, leaving out empty ones. */
export function line(...parts: Array<string | null | undefined | false>): string {
  return parts.filter((p): p is string => typeof p === "string" && p !== "").join(" ");
}

/** option writes key=value with the value quoted when needed (empty values are left out). */
export function option(key: string, value: string | number | undefined): string | null {
  if (value === undefined || value === "") return null;
  return `${key}=${quoteArg(String(value))}`;
}

/** durationPattern matches the script's durations: a number and us, ms or s. */
export const durationPattern = /^\d+(\.\d+)?(us|ms|s)$/;

/**
 * canonicalDuration writes a duration the way the engine prints it (whole seconds as "s",
 * whole milliseconds as "ms", else "us"), or returns "" when the text is not a duration of
 * whole microseconds.
 */
export function canonicalDuration(text: string): string {
  const us = durationToUs(text);
  if (!Number.isInteger(us)) return "";
  return us === 0 ? "0s" : usToDuration(us);
}

/** usToDuration writes a positive whole number of µs as the engine does: "2s", "150ms", "7us". */
export function usToDuration(us: number): string {
  if (us % 1_000_000 === 0) return `${us / 1_000_000}s`;
  if (us % 1000 === 0) return `${us / 1000}ms`;
  return `${us}us`;
}

/** durationToUs converts a script duration to µs (NaN when it is not one). */
export function durationToUs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(us|ms|s)$/.exec(text.trim());
  if (!m) return Number.NaN;
  const n = Number.parseFloat(m[1]!);
  // Rounded to a millionth so that "1.5s" is exactly 1500000 despite binary fractions.
  const us = m[2] === "s" ? n * 1_000_000 : m[2] === "ms" ? n * 1000 : n;
  return Math.round(us * 1e6) / 1e6;
}
