// The artifact sync's small rules: sizes as users write them (--artifact-max-bytes) and artifact names as folders
// under the MLflow run's artifact root (never a path that leaves it).
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { artifactFolder, parseByteSize } from '../../src/core/sync/runArtifacts';

describe('artifact sync rules', () => {
  it('parses sizes in bytes or with K/M/G (binary), 0 for off, and refuses anything else', () => {
    assert.equal(parseByteSize('0'), 0);
    assert.equal(parseByteSize('52428800'), 52_428_800);
    assert.equal(parseByteSize('512K'), 512 * 1024);
    assert.equal(parseByteSize('50M'), 50 * 1024 ** 2);
    assert.equal(parseByteSize('50mb'), 50 * 1024 ** 2);
    assert.equal(parseByteSize('1.5GiB'), 1.5 * 1024 ** 3);
    for (const bad of ['', 'lots', '-1', '10T', '1e6', '5 M B']) assert.throws(() => parseByteSize(bad), /is not a size/, bad);
  });

  it('maps an artifact name to a folder inside the run: no empty, "." or ".." segments, no backslash or control characters', () => {
    assert.equal(artifactFolder('model'), 'model');
    assert.equal(artifactFolder('ckpt/epoch-3'), 'ckpt/epoch-3');
    assert.equal(artifactFolder('../../etc'), '__/__/etc');
    assert.equal(artifactFolder('/abs//x/./y/'), 'abs/x/_/y');
    assert.equal(artifactFolder('a\\b\u0001c'), 'a_b_c');
    assert.equal(artifactFolder('///'), '_');
  });
});
