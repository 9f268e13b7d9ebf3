// The monitored model versions of the open folder, kept in step with the run logs: rescanned (cheaply, see
// MonitoringScanner) when the index host reports changed runs, coalesced so that a burst of batches is one scan.
import * as vscode from 'vscode';
import type { Logger } from '../../core/model';
import { MonitoringScanner } from '../../core/monitoring/monitorScan';
import type { MonitoringScan } from '../../core/monitoring/monitorScan';
import { monitoredVersions, type MonitoredVersion } from '../../core/monitoring/monitorStatus';
import type { IndexHost } from '../indexHost';

const COALESCE_MS = 300;

function signature(versions: readonly MonitoredVersion[]): string {
  return JSON.stringify(versions.map((v) => [v.model, v.version, v.run.runId, v.run.batches.length, v.status, v.run.ended, v.run.reference !== undefined]));
}

export class MonitoringState implements vscode.Disposable {
  private readonly scanner: MonitoringScanner;
  private readonly emitter = new vscode.EventEmitter<readonly MonitoredVersion[]>();
  readonly onDidChange = this.emitter.event;
  private readonly subscription: vscode.Disposable;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private current: MonitoredVersion[] = [];
  private last = '';
  private scanned = false;
  private disposed = false;
  private scanning = false;
  private again = false;

  constructor(host: IndexHost, private readonly log: Logger) {
    this.scanner = new MonitoringScanner(host.trialbookDir);
    this.subscription = host.onDidChange((report) => {
      if (report.changed.length || report.removed.length) this.schedule();
    });
    this.schedule(); // the first scan after activation, off its path
  }

  /** The versions as last scanned (scans now if it never has). */
  get versions(): readonly MonitoredVersion[] {
    if (!this.scanned) this.rescan();
    return this.current;
  }

  find(model: string, version: string): MonitoredVersion | undefined {
    return this.versions.find((v) => v.model === model && v.version === version);
  }

  /** Scans now; fires onDidChange when anything shown changed. */
  rescan(): readonly MonitoredVersion[] {
    return this.show(this.scanner.scan());
  }

  private show(scan: MonitoringScan): readonly MonitoredVersion[] {
    this.scanned = true;
    for (const problem of scan.problems) this.log.warn(`Monitoring: ${problem}`);
    this.current = monitoredVersions(scan.runs);
    const now = signature(this.current);
    if (now !== this.last) {
      this.last = now;
      this.emitter.fire(this.current);
    }
    return this.current;
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    if (this.scanning) { this.again = true; return; }
    // In slices: this scan follows activation and every change of runs, and the editor waits on this thread.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.scanning = true;
      void this.scanner.scanInSlices()
        .then((scan) => { if (!this.disposed) this.show(scan); })
        .catch((err: unknown) => this.log.error(`Monitoring: scan failed: ${String(err)}`))
        .finally(() => {
          this.scanning = false;
          // Runs that changed during the scan are scanned again.
          if (this.again && !this.disposed) { this.again = false; this.schedule(); }
        });
    }, COALESCE_MS);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
