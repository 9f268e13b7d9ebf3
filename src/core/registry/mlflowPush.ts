// Placeholder until the MLflow client lands.
import { RegistryError } from './errors';
import type { MlflowTarget, PushHooks, PushPlan, PushRequest, PushResult } from './types';

export async function planMlflowPush(_req: PushRequest & { target: MlflowTarget }, _signal?: AbortSignal): Promise<PushPlan> {
  throw new RegistryError('input', 'MLflow pushes are not available yet.');
}

export async function pushMlflow(_req: PushRequest & { target: MlflowTarget }, _hooks: PushHooks, _options: unknown): Promise<PushResult> {
  throw new RegistryError('input', 'MLflow pushes are not available yet.');
}
