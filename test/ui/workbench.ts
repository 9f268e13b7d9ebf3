// Page object for the code-server workbench: the few parts of VS Code's UI the tests drive, with
// the selectors in one place (they follow VS Code's DOM, which changes between versions).
import type { FrameLocator, Locator, Page } from 'playwright-core';

export class Workbench {
  constructor(private readonly page: Page) {}

  async waitReady(timeoutMs = 90_000): Promise<void> {
    await this.page.locator('div.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
    // The activity bar is rendered once extensions' view containers are registered.
    await this.page.locator('.activitybar').waitFor({ state: 'visible', timeout: timeoutMs });
  }

  activityBarItem(title: string): Locator {
    return this.page.locator(`.activitybar .action-item a.action-label[aria-label^="${title}"]`);
  }

  async openViewContainer(title: string): Promise<Locator> {
    const item = this.activityBarItem(title);
    await item.waitFor({ state: 'visible', timeout: 30_000 });
    const sidebar = this.page.locator('.part.sidebar');
    const heading = sidebar.locator('.composite.title', { hasText: title });
    // Clicked only while another container shows (a click on the shown one hides it); a menu or hover left open by
    // an earlier test can take the first click, so Escape first and try again.
    for (let attempt = 0; attempt < 3 && !(await heading.isVisible()); attempt++) {
      await this.page.keyboard.press('Escape');
      await item.click();
      await heading.waitFor({ state: 'visible', timeout: 5_000 }).catch(() => undefined);
    }
    await heading.waitFor({ state: 'visible', timeout: 15_000 });
    return sidebar;
  }

  treeRow(container: Locator, label: string | RegExp): Locator {
    return container.locator('.monaco-list-row', { has: this.page.locator('.label-name', { hasText: label }) });
  }

  /**
   * Filters the Runs view with `expression` and waits until the view says so (`message` in its text). VS Code's input
   * box can take Enter before the extension has the typed value (the old filter is then applied): tried once more.
   */
  async filterRuns(sidebar: Locator, expression: string, message: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.runCommand('Trialbook: Filter Runs…');
      const input = this.quickInput().locator('input');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill(expression);
      await this.page.keyboard.press('Enter');
      try {
        await sidebar.locator('.message', { hasText: message }).first().waitFor({ state: 'visible', timeout: 10_000 });
        return;
      } catch (err) {
        if (attempt >= 2) throw err;
      }
    }
  }

  /** Opens the command palette and runs the command whose label is `label`, waiting for the exact entry. */
  async runCommand(label: string): Promise<void> {
    // A second try: right after the window loads, the palette may list commands only once extensions are read.
    for (let attempt = 1; ; attempt++) {
      await this.page.locator('div.monaco-workbench').click({ position: { x: 600, y: 10 } }).catch(() => undefined);
      await this.page.keyboard.press('F1');
      const input = this.quickInput().locator('input');
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.pressSequentially(label, { delay: 10 });
      const focused = this.quickInput().locator('.monaco-list-row.focused');
      try {
        await focused.filter({ hasText: label }).waitFor({ state: 'visible', timeout: 10_000 });
      } catch (err) {
        if (attempt >= 2) throw err;
        await this.page.keyboard.press('Escape');
        continue;
      }
      await this.page.keyboard.press('Enter');
      return;
    }
  }

  /**
   * Right-clicks `row` and runs its context menu's `label` item (see chooseMenuItem). A tree redrawn as it is clicked
   * can give another row's menu: the row right-clicked is the focused one, else Escape and again.
   */
  async contextMenu(row: Locator, label: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await row.click({ button: 'right' });
      await this.menuItem(label).waitFor({ state: 'visible', timeout: 10_000 });
      if ((await hasFocus(row)) || attempt >= 3) break;
      await this.page.keyboard.press('Escape');
      await this.page.locator('.context-view .monaco-menu').waitFor({ state: 'hidden', timeout: 5_000 });
    }
    await this.chooseMenuItem(label);
  }

  /**
   * Runs the open context menu's `label` item, chosen with the keyboard (arrow keys until it has the focus, then
   * Enter): a hover can leave another item focused when the menu draws under the pointer.
   */
  async chooseMenuItem(label: string): Promise<void> {
    const item = this.menuItem(label);
    for (let presses = 0; presses < 40 && !(await hasFocus(item)); presses++) await this.page.keyboard.press('ArrowDown');
    if (!(await hasFocus(item))) throw new Error(`the context menu's "${label}" item never took the focus`);
    await this.page.keyboard.press('Enter');
    await this.page.locator('.context-view .monaco-menu').waitFor({ state: 'hidden', timeout: 10_000 });
  }

  private menuItem(label: string): Locator {
    return this.page.locator('.context-view .monaco-menu .action-item', { has: this.page.locator('.action-label', { hasText: label }) }).first();
  }

  quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** The "N Selected" badge of a multi-select quick pick. */
  selectedCount(): Locator {
    return this.quickInput().locator('.quick-input-count');
  }

  quickPickRows(): Locator {
    return this.quickInput().locator('.quick-input-list .monaco-list-row');
  }

  /** The content frame of the visible webview (VS Code nests it: outer iframe, then #active-frame). */
  activeWebview(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
  }
}

/** Whether VS Code marks the element focused (a list row, a menu item). */
function hasFocus(target: Locator): Promise<boolean> {
  return target.evaluate((el) => el.classList.contains('focused')).catch(() => false);
}

/**
 * The compare page builds its params and summary tables as they come near the screen (at many runs they are
 * thousands of cells nobody sees at the open): scrolls to the section that holds `table` and waits for it.
 */
export async function compareTable(frame: FrameLocator, table: 'params' | 'summary'): Promise<Locator> {
  await frame.locator('section.tables-section').nth(table === 'params' ? 0 : 1).scrollIntoViewIfNeeded();
  const located = frame.locator(`table[data-table=${table}]`);
  await located.waitFor({ state: 'attached', timeout: 15_000 });
  return located;
}
