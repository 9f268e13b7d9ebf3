// Entry for the suite that runs in an empty folder (no .trialbook yet): the first-time user's workspace.
import { runMochaIn } from '../integration/index';

export function run(): Promise<void> {
  return runMochaIn(__dirname);
}
