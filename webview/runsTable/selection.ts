// Multi-select as in list views: click selects one, ctrl/cmd toggles, shift extends from the anchor.
// Selection is kept by run id so it survives re-sorts and live refreshes; positions refer to the sorted view.

export interface SelectModifiers {
  toggle: boolean;
  range: boolean;
}

export class Selection {
  readonly ids = new Set<string>();
  /** View position where a shift-range starts. */
  anchor = -1;
  /** View position of the keyboard focus (the active row). */
  active = -1;

  /** Apply a click (or a keyboard move) on `position`; `idAt` maps view positions to run ids. */
  select(position: number, modifiers: SelectModifiers, idAt: (position: number) => string): void {
    if (modifiers.range && this.anchor >= 0) {
      if (!modifiers.toggle) this.ids.clear();
      const [from, to] = this.anchor <= position ? [this.anchor, position] : [position, this.anchor];
      // Group header rows have no id (''): a range over them takes only their runs.
      for (let p = from; p <= to; p++) {
        const id = idAt(p);
        if (id) this.ids.add(id);
      }
    } else if (modifiers.toggle) {
      const id = idAt(position);
      if (this.ids.has(id)) this.ids.delete(id);
      else this.ids.add(id);
      this.anchor = position;
    } else {
      this.ids.clear();
      this.ids.add(idAt(position));
      this.anchor = position;
    }
    this.active = position;
  }

  selectAll(ids: Iterable<string>): void {
    for (const id of ids) this.ids.add(id);
  }

  clear(): void {
    this.ids.clear();
  }

  /** After the rows changed: drop ids that are gone, and move anchor and focus to where their runs are now. */
  remap(present: ReadonlySet<string>, positionOf: (id: string) => number, anchorId: string | undefined, activeId: string | undefined): void {
    for (const id of [...this.ids]) if (!present.has(id)) this.ids.delete(id);
    this.anchor = anchorId !== undefined ? positionOf(anchorId) : -1;
    this.active = activeId !== undefined ? positionOf(activeId) : -1;
  }
}
