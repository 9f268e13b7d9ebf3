// Exports saved through VS Code's own save box, as a user does (Enter on the name offered), and what they hold.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { Workbench } from './workbench';

/** The name the extension offers: `trialbook-<kind>-YYYY-MM-DD.csv`, by the local date. */
export function dated(kind: string): string {
  const d = new Date();
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `trialbook-${kind}-${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}.csv`;
}

/** RFC 4180 records (quoted fields may hold commas, quotes and line breaks). */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { record.push(field); field = ''; } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field); records.push(record); record = []; field = ''; i++;
    } else if (c === '\n') { record.push(field); records.push(record); record = []; field = ''; } else field += c;
  }
  if (field !== '' || record.length) { record.push(field); records.push(record); }
  return records;
}

/** Presses Enter in VS Code's save box once it shows `name`, and waits for the file to be written. */
export async function saveWithEnter(page: Page, workbench: Workbench, path: string, name: string): Promise<string> {
  const input = workbench.quickInput().locator('input').first();
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  const deadline = Date.now() + 10_000;
  let offered = await input.inputValue();
  while (!offered.endsWith(name) && Date.now() < deadline) {
    await page.waitForTimeout(100);
    offered = await input.inputValue();
  }
  assert.ok(offered.endsWith(name), `the save box offers ${name}: "${offered}"`);
  await page.keyboard.press('Enter');
  const until = Date.now() + 15_000;
  while (!existsSync(path) && Date.now() < until) await page.waitForTimeout(200);
  assert.ok(existsSync(path), `Enter saved ${path} (the save box shows: "${await input.inputValue().catch(() => '')}")`);
  return readFileSync(path, 'utf8');
}
