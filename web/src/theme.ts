// theme.ts chooses light or dark. Without a choice the page follows the system setting
// (prefers-color-scheme in CSS); the toggle stores an explicit choice for next time.

const storageKey = "raft-playground-theme";

/** applyStoredTheme restores the learner's explicit theme choice, if any. */
export function applyStoredTheme(): void {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(storageKey);
  } catch {
    stored = null;
  }
  if (stored === "light" || stored === "dark") document.documentElement.dataset.theme = stored;
}

/** toggleTheme switches to the other theme than the one showing and remembers it. */
export function toggleTheme(): void {
  const current = document.documentElement.dataset.theme ?? (matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light");
  const next = current === "dark" ? "light" : "dark";
  document.documentElement.dataset.theme = next;
  try {
    localStorage.setItem(storageKey, next);
  } catch {
    // Storage may be disabled (private mode); the choice then lasts for this page only.
  }
}
