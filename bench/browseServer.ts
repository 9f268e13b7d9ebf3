// The browse benchmark's server, in a process of its own (so its work does not count as the client's stalls):
// an MLflow stand-in holding TRIALBOOK_BENCH_BROWSE_RUNS runs (default 20,000) of one experiment, each with five
// params and three metrics. Prints `ready <uri>` once seeded; stops when its stdin closes.
import { MlflowStandIn } from '../test/fixtures/mlflow/mlflowServer';
import { seedExperiment, seedRuns } from '../test/fixtures/mlflow/seedRuns';

const RUNS = Number(process.env['TRIALBOOK_BENCH_BROWSE_RUNS'] ?? 20_000);
// TRIALBOOK_BENCH_BROWSE_WIDE=1: runs as MLflow's own clients log them (its system tags, a logged model's history,
// 30 params, 10 metrics): about 4 KB each in runs/search, a page of 1,000 about 4 MB (the default runs: 0.8 MB).
const WIDE = process.env['TRIALBOOK_BENCH_BROWSE_WIDE'] === '1';

function wideTags(i: number): Record<string, string> {
  return {
    'mlflow.user': `user${i % 10}`, 'mlflow.source.name': `/home/user${i % 10}/project/train.py`, 'mlflow.source.type': 'LOCAL',
    'mlflow.source.git.commit': (i * 2654435761 % 2 ** 32).toString(16).padStart(40, '0'), 'mlflow.source.git.branch': 'main',
    'mlflow.source.git.repoURL': 'git@github.com:team/project.git', 'mlflow.runName': `trial-${i}`, 'mlflow.note.content': `Sweep point ${i}: "lr" and {batch} varied.`,
    'mlflow.log-model.history': JSON.stringify([{ run_id: `r${i}`, artifact_path: 'model', utc_time_created: '2026-11-30 10:00:00.000000', flavors: { python_function: { loader_module: 'mlflow.pytorch', python_version: '3.11.7', data: 'data', env: { conda: 'conda.yaml', virtualenv: 'python_env.yaml' } }, pytorch: { model_data: 'data', pytorch_version: '2.5.1+cu124', code: null } }, model_uuid: `${i}`.padStart(32, '0'), mlflow_version: '2.17.2' }]),
    team: 'vision', dataset: 'imagenet-1k', owner: `user${i % 10}`,
  };
}

async function main(): Promise<void> {
  const server = await MlflowStandIn.start();
  const exp = seedExperiment(server, 'sweep-20k');
  for (let at = 0; at < RUNS; at += 1000) {
    seedRuns(server, exp, Array.from({ length: Math.min(1000, RUNS - at) }, (_, j) => {
      const i = at + j;
      return {
        name: `trial-${i}`, status: 'FINISHED' as const, startTime: 1_795_000_000_000 + i * 1000,
        params: { lr: String(10 ** -(1 + (i % 4))), batch: String(16 << (i % 4)), optimizer: i % 2 ? 'adam' : 'sgd', dropout: String((i % 5) / 10), seed: String(i),
          ...(WIDE ? Object.fromEntries(Array.from({ length: 25 }, (_, k) => [`model.layer${k}.width`, String(64 << (k % 4))])) : {}) },
        metrics: { loss: () => 1 / (i + 1), acc: () => (i % 100) / 100, 'val/loss': () => 1.1 / (i + 1),
          ...(WIDE ? Object.fromEntries(Array.from({ length: 7 }, (_, k) => [`val/acc_top${k + 1}`, () => (i % (k + 2)) / (k + 2)])) : {}) },
        ...(WIDE ? { tags: wideTags(i) } : {}),
      };
    }));
  }
  process.stdout.write(`ready ${server.uri}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => { void server.stop().then(() => process.exit(0)); });
}

void main();
