// Models and registries: push a model, verify or copy a push (need the folder's runs); add a registry or forget
// its credentials (work anywhere). The registry work itself is RegistryCommands'; this only reads the arguments.
import * as vscode from 'vscode';
import { parseRegistryConfig } from '../../core/registry/registryConfig';
import type { RegistryCommands } from '../registryCommands';
import { addRegistryArg, credentialsArg, pushModelArg, pushNodeArg, stringArg, treeSelectionArg } from './commandArgs';
import type { CommandTable } from './commandRunner';
import type { WorkspaceCommandContext } from './workspaceCommandContext';

export function modelCommands({ pickers, registries }: WorkspaceCommandContext): CommandTable<'pushModel' | 'verifyModel' | 'copyReference'> {
  return {
    pushModel: async (args) => {
      const target = args.get(0, pushModelArg);
      if (!target) return registries.pushModel();
      if (target.kind === 'request') return registries.pushModel(target.full ?? { runId: target.runId, ...(target.artifact !== undefined ? { artifact: target.artifact } : {}) });
      if (target.kind === 'models') {
        const { target: node } = target;
        return registries.pushModel({ runId: node.runId, ...(node.kind === 'run' ? {} : { artifact: node.artifact }) });
      }
      const [run] = await pickers.runsFor(target.target, args.get(1, treeSelectionArg), false);
      return registries.pushModel(run ? { runId: run.id } : undefined);
    },
    verifyModel: async (args) => {
      const node = args.get(0, pushNodeArg);
      if (!node) {
        void vscode.window.showInformationMessage('Trialbook: pick a push under a model in the Models view to verify it.');
        return;
      }
      await registries.verify(node.runId, node.artifact, node.push);
    },
    copyReference: async (args) => {
      const node = args.get(0, pushNodeArg);
      if (!node) return;
      await registries.copyReference(node.push);
    },
  };
}

export function registryCommands(registries: RegistryCommands): CommandTable<'addRegistry' | 'forgetRegistryCredentials'> {
  return {
    addRegistry: (args) => {
      const raw = args.get(0, addRegistryArg);
      if (!raw) return registries.addRegistry();
      const { credentials, ...entry } = raw;
      const config = parseRegistryConfig(entry);
      return registries.addRegistry(credentials === undefined ? config : { ...config, credentials: credentialsArg(credentials, { command: args.command, index: 0 }) });
    },
    forgetRegistryCredentials: (args) => registries.forgetCredentials(args.get(0, (v, slot) => stringArg(v, slot, 'a registry name'))),
  };
}
