// What the window gives each comparison panel: the index, the log, settings, and what the panels share.
import type * as vscode from 'vscode';
import type { Logger } from '../../../core/model';
import type { MediaCatalog } from '../../../core/media/mediaCatalog';
import type { IndexHost } from '../../indexHost';
import type { CompareLayout } from './compareLayout';

export interface CompareContext {
  extensionUri: vscode.Uri;
  host: IndexHost;
  log: Logger;
  /** The `trialbook.maxPointsPerLine` setting, read when data is built. */
  maxPoints(): number;
  /** Shared by the window's comparison panels: the chart width their pages last reported (see compareLayout.ts). */
  layout: CompareLayout;
  /** The runs' media as read from their logs, shared by the window's panels (see CompareMediaHost). */
  mediaCatalog?: MediaCatalog;
  /** Told the runs the run picker adds (remote runs fetch their metric histories, as for runs compared from the view). */
  onAddRuns?: (runIds: readonly string[]) => void;
}

