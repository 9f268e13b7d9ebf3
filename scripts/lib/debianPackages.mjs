// Debian packages the tests and `npm start` need; installed with apt when running as root on
// Debian, otherwise named in an error with the exact command to run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export const DEBIAN_PACKAGES = [
  'chromium',
  'ripgrep',
  'libkrb5-dev',
  'python3-ipykernel',
  'python3-nbclient',
  'docker-registry',
  'skopeo',
  'apache2-utils',
  'git',
  'python3-venv',
  // The SDK's tensor tests log real PyTorch tensors (brings python3-numpy too).
  'python3-torch',
  // Monitoring: drift statistics checked against scipy's ks_2samp and jensenshannon, model metrics against
  // scikit-learn's, profiles of pandas DataFrames; the monitoring scenario trains a scikit-learn model.
  'python3-scipy',
  'python3-sklearn',
  'python3-pandas',
  // The registry tests' token server signs with a self-signed certificate made by openssl.
  'openssl',
];

/** @param {string} name */
function isInstalled(name) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim() === 'install ok installed';
}

function isDebian() {
  if (!existsSync('/etc/os-release') || !existsSync('/usr/bin/dpkg-query')) return false;
  const release = readFileSync('/etc/os-release', 'utf8');
  return /^ID=debian$/m.test(release) || /^ID_LIKE=.*debian/m.test(release);
}

/** @returns {string[]} */
export function missingDebianPackages() {
  if (!existsSync('/usr/bin/dpkg-query')) return [...DEBIAN_PACKAGES];
  return DEBIAN_PACKAGES.filter((name) => !isInstalled(name));
}

// The package's own service would hold :5000 on all interfaces; tests start their own registry.
function stopDockerRegistryService() {
  // The init script tracks its daemon by pidfile, so this stops exactly that process.
  spawnSync('service', ['docker-registry', 'stop'], { stdio: 'ignore' });
}

/**
 * @param {(line: string) => void} log
 * @returns {Promise<boolean>} whether anything was installed
 */
export async function ensureDebianPackages(log) {
  const missing = missingDebianPackages();
  if (missing.length === 0) return false;
  const command = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !isDebian()) {
    throw new Error(
      `missing Debian packages: ${missing.join(', ')}.\n` +
        `Install them with:\n  sudo apt-get update && sudo ${command}\nthen run this again.`,
    );
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
  if (missing.includes('docker-registry')) stopDockerRegistryService();
  const stillMissing = missingDebianPackages();
  if (stillMissing.length > 0) throw new Error(`apt-get did not install: ${stillMissing.join(', ')}`);
  log('Debian packages installed');
  return true;
}
