// Who makes a transition: the OS account ($TRIALBOOK_USER when set, as for pushes) and git's user.name and
// user.email as the workspace's git sees them (absent when git or the settings are missing).
import { execFile } from 'node:child_process';
import * as os from 'node:os';
import type { Who } from './transitionLog';

function gitConfig(cwd: string, key: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['config', '--get', key], { cwd, timeout: 5000, windowsHide: true }, (err, stdout) => {
      const value = err ? '' : stdout.trim();
      resolve(value === '' ? undefined : value);
    });
  });
}

function osUser(env: Record<string, string | undefined>): string | undefined {
  if (env['TRIALBOOK_USER']) return env['TRIALBOOK_USER'];
  try {
    return os.userInfo().username;
  } catch {
    return undefined; // no passwd entry (some containers)
  }
}

export async function currentWho(workspace: string, env: Record<string, string | undefined> = process.env): Promise<Who> {
  const [gitName, gitEmail] = await Promise.all([gitConfig(workspace, 'user.name'), gitConfig(workspace, 'user.email')]);
  const user = osUser(env);
  return { ...(user !== undefined ? { user } : {}), ...(gitName !== undefined ? { gitName } : {}), ...(gitEmail !== undefined ? { gitEmail } : {}) };
}

/** `Ada Lovelace <ada@example.com> (ada)`, or as much of it as is known. */
export function describeWho(who: Who): string {
  const git = [who.gitName, who.gitEmail ? `<${who.gitEmail}>` : undefined].filter(Boolean).join(' ');
  if (git && who.user) return `${git} (${who.user})`;
  return git || who.user || 'unknown';
}
