// A test hook: pages' ready messages held until released, so that an integration test can act between a comparison
// posted ahead and its page saying ready (VS Code 1.103 starts a page in a few hundred milliseconds, too short a
// moment to count on). Nothing holds them unless a test asks.

let held: Array<() => void> | undefined;

/** Holds every page's ready message from now on; the function returned delivers them, in order, and stops holding. */
export function holdReadyMessages(): () => void {
  held ??= [];
  return () => {
    const waiting = held ?? [];
    held = undefined;
    for (const deliver of waiting) deliver();
  };
}

/** Whether a ready message is to wait: `deliver` is then called on release. */
export function readyHeld(deliver: () => void): boolean {
  if (held === undefined) return false;
  held.push(deliver);
  return true;
}
