// keys.ts binds the presenter keys: space play/pause, → step, c crash the leader, p partition
// the leader away, r restart every crashed member, h heal. They are ignored while the focus is
// in a field or on a control that uses the key itself, so typing a key name never fires them.

/** KeyActions are what the presenter keys do. */
export interface KeyActions {
  togglePlay(): void;
  step(): void;
  crashLeader(): void;
  partitionLeader(): void;
  restartAll(): void;
  heal(): void;
  escape(): void;
}

/** keyHelp describes the keys for the help line. */
export const keyHelp = "Keys: space play/pause · → step · c crash leader · p partition leader away · r restart all · h heal";

function usesKeys(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if (target.closest("input, select, textarea, [contenteditable='true'], [role='menu']")) return true;
  return false;
}

/** bindKeys installs the presenter keys on the document. */
export function bindKeys(actions: KeyActions): void {
  document.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key === "Escape") {
      actions.escape();
      return;
    }
    if (usesKeys(ev.target)) return;
    const onButton = ev.target instanceof Element && ev.target.closest("button, [role='button'], a") !== null;
    switch (ev.key) {
      case " ":
        // Space activates a focused button; only elsewhere is it play/pause.
        if (onButton) return;
        ev.preventDefault();
        actions.togglePlay();
        break;
      case "ArrowRight":
        ev.preventDefault();
        actions.step();
        break;
      case "c":
        actions.crashLeader();
        break;
      case "p":
        actions.partitionLeader();
        break;
      case "r":
        actions.restartAll();
        break;
      case "h":
        actions.heal();
        break;
      default:
        return;
    }
  });
}
