// The Runs view's selection as a tree command should act on it. A root refresh of a tree view makes VS Code's
// extension host forget every node until the view has asked for them again; a context-menu command run in that
// moment (a right-click while runs are logging, ages tick or a server's runs arrive) receives null for the selected
// nodes. The view's own selection resolves them again once the refresh is through.
import type * as vscode from 'vscode';
import type { RunsTreeNode } from '../runsTree';
import type { RunsTreeTarget, TreeSelection } from './commandArgs';

/** How long a command waits for the view to know its nodes again; refreshes take tens of milliseconds. */
const SETTLE_MS = 3_000;
const POLL_MS = 25;

/** What a node of the Runs view stands for. */
export function targetOf(node: RunsTreeNode): RunsTreeTarget {
  return node.kind === 'run' ? { kind: 'run', runId: node.run.id } : { kind: 'experiment', name: node.name, runIds: node.runs.map((r) => r.id) };
}

/**
 * The selected nodes, every one resolved: as given when VS Code resolved them all, else the view's selection once
 * it holds as many nodes (or, after SETTLE_MS, whichever of the two holds more).
 */
export async function settledSelection(view: Pick<vscode.TreeView<RunsTreeNode>, 'selection'>, given: TreeSelection, settleMs = SETTLE_MS): Promise<RunsTreeTarget[]> {
  if (given.unresolved === 0) return given.nodes;
  const want = given.nodes.length + given.unresolved;
  const deadline = Date.now() + settleMs;
  let current = view.selection;
  while (current.length < want && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    current = view.selection;
  }
  return current.length >= given.nodes.length ? current.map(targetOf) : given.nodes;
}
