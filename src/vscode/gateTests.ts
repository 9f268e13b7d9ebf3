// Metric gates in VS Code's Testing API: model → version → gate items in the Test Explorer. Running them evaluates
// each gate on the version's run; failures carry the rule (expected) and the values read (actual). They run again
// when a version's run changes, and when the transition log, the gates file or the gates setting changes.
import * as vscode from 'vscode';
import { evaluateGate, type GateResult } from '../core/lifecycle/gateEval';
import { gatesFor, type GateDefinition } from '../core/lifecycle/gatesFile';
import type { Registry } from '../core/lifecycle/modelState';
import { formatValue } from '../shared/format';
import type { IndexHost } from './indexHost';
import type { LifecycleHost } from './lifecycleHost';

export const GATE_CONTROLLER_ID = 'trialbook.gates';

interface GateItemData { model: string; version: number; runId: string; gate: GateDefinition }

export class GateTests implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController(GATE_CONTROLLER_ID, 'Trialbook Model Gates');
  private readonly data = new WeakMap<vscode.TestItem, GateItemData>();
  private readonly disposables: vscode.Disposable[] = [];
  /** The latest result of each gate item, by item id (for the test API and the blocked-push message). */
  readonly results = new Map<string, GateResult>();
  private queue: Promise<void> = Promise.resolve();
  /** Items are built when the Test Explorer (or a caller) first asks: activation never opens the index for them. */
  private loaded = false;

  constructor(private readonly lifecycle: LifecycleHost, private readonly host: IndexHost) {
    this.controller.createRunProfile('Check Gates', vscode.TestRunProfileKind.Run, (request, token) => this.run(request, token), true);
    this.controller.refreshHandler = () => this.reloadAndRun();
    this.controller.resolveHandler = async (item) => { if (!item && !this.loaded) await this.reloadAndRun(); };
    this.disposables.push(
      this.controller,
      lifecycle.onDidChange(() => { if (this.loaded) void this.reloadAndRun(); }),
      host.onDidChange((report) => {
        if (!this.loaded) return;
        const changed = new Set(report.changed);
        const items = this.gateItems().filter((i) => changed.has(this.data.get(i)?.runId ?? ''));
        if (items.length) this.enqueue(() => this.run(new vscode.TestRunRequest(items)));
      }),
    );
  }

  /** Work one at a time: a reload and the run that follows must not interleave with another. */
  private enqueue(work: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(work, work);
    return this.queue;
  }

  /** Rebuilds the items and runs them all; resolves when done. */
  reloadAndRun(): Promise<void> {
    this.loaded = true;
    return this.enqueue(async () => {
      await this.reload();
      await this.run(new vscode.TestRunRequest());
    });
  }

  private gateItems(): vscode.TestItem[] {
    const out: vscode.TestItem[] = [];
    const walk = (c: vscode.TestItemCollection): void => c.forEach((i) => { if (this.data.has(i)) out.push(i); walk(i.children); });
    walk(this.controller.items);
    return out;
  }

  private async reload(): Promise<void> {
    const lc = await this.lifecycle.lifecycle();
    const registry: Registry = await this.lifecycle.registry();
    const { gates, text } = await lc.readGates();
    const uri = vscode.Uri.file(this.lifecycle.gatesPath);
    const lines = text.split('\n');
    const position = (offset: number): vscode.Position => {
      let rest = offset;
      for (let line = 0; line < lines.length; line++) {
        const len = (lines[line]?.length ?? 0) + 1;
        if (rest < len) return new vscode.Position(line, rest);
        rest -= len;
      }
      return new vscode.Position(0, 0);
    };
    const models: vscode.TestItem[] = [];
    for (const m of registry.models) {
      const modelItem = this.controller.createTestItem(`model:${m.name}`, m.name);
      for (const v of m.versions) {
        const versionItem = this.controller.createTestItem(`${m.name}@v${v.version}`, `v${v.version} · ${v.stage}`);
        versionItem.description = `run ${v.runId}`;
        for (const gate of gatesFor(m.name, gates)) {
          const item = this.controller.createTestItem(`${m.name}@v${v.version}/${gate.name}`, gate.name, gate.origin === 'file' ? uri : undefined);
          item.description = gate.rule;
          if (gate.offset !== undefined) item.range = new vscode.Range(position(gate.offset), position(gate.offset + gate.rule.length + 2));
          this.data.set(item, { model: m.name, version: v.version, runId: v.runId, gate });
          versionItem.children.add(item);
        }
        modelItem.children.add(versionItem);
      }
      models.push(modelItem);
    }
    this.controller.items.replace(models);
    this.results.clear();
  }

  private async run(request: vscode.TestRunRequest, token?: vscode.CancellationToken): Promise<void> {
    const run = this.controller.createTestRun(request, 'Trialbook gates', false);
    try {
      const index = await this.host.get();
      const queue: vscode.TestItem[] = [];
      if (request.include) request.include.forEach((i) => queue.push(i)); else this.controller.items.forEach((i) => queue.push(i));
      const excluded = new Set(request.exclude ?? []);
      while (queue.length) {
        if (token?.isCancellationRequested) break;
        const item = queue.shift();
        if (!item || excluded.has(item)) continue;
        const data = this.data.get(item);
        if (!data) { item.children.forEach((c) => queue.push(c)); continue; }
        run.started(item);
        const result = evaluateGate(data.gate, index.getRun(data.runId));
        this.results.set(item.id, result);
        if (result.status === 'pass') { run.passed(item); continue; }
        const message = new vscode.TestMessage(`${data.model} v${data.version}: gate "${data.gate.name}" ${result.message}`);
        message.expectedOutput = data.gate.rule;
        message.actualOutput = result.actual.map((a) => `${a.name} = ${a.value === undefined ? 'missing' : formatValue(a.value)}`).join('\n') || result.message;
        if (item.uri && item.range) message.location = new vscode.Location(item.uri, item.range);
        if (result.status === 'error') run.errored(item, message); else run.failed(item, message);
      }
    } finally {
      run.end();
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
