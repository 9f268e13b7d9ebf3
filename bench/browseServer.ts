// The browse benchmark's server, in a process of its own (so its work does not count as the client's stalls):
// an MLflow stand-in holding TRIALBOOK_BENCH_BROWSE_RUNS runs (default 20,000) of one experiment, each with five
// params and three metrics. Prints `ready <uri>` once seeded; stops when its stdin closes.
import { MlflowStandIn } from '../test/fixtures/mlflow/mlflowServer';
import { seedExperiment, seedRuns } from '../test/fixtures/mlflow/seedRuns';

const RUNS = Number(process.env['TRIALBOOK_BENCH_BROWSE_RUNS'] ?? 20_000);

async function main(): Promise<void> {
  const server = await MlflowStandIn.start();
  const exp = seedExperiment(server, 'sweep-20k');
  for (let at = 0; at < RUNS; at += 1000) {
    seedRuns(server, exp, Array.from({ length: Math.min(1000, RUNS - at) }, (_, j) => {
      const i = at + j;
      return {
        name: `trial-${i}`, status: 'FINISHED' as const, startTime: 1_795_000_000_000 + i * 1000,
        params: { lr: String(10 ** -(1 + (i % 4))), batch: String(16 << (i % 4)), optimizer: i % 2 ? 'adam' : 'sgd', dropout: String((i % 5) / 10), seed: String(i) },
        metrics: { loss: () => 1 / (i + 1), acc: () => (i % 100) / 100, 'val/loss': () => 1.1 / (i + 1) },
      };
    }));
  }
  process.stdout.write(`ready ${server.uri}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => { void server.stop().then(() => process.exit(0)); });
}

void main();
