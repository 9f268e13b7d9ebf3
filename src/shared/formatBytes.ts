// Kept only for modelsTree.ts and registryCommands.ts until they import format.ts themselves.
export { formatBytes } from './format';
