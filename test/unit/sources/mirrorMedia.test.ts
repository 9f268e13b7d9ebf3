// Rich values of imported runs as `media` events: TensorBoard histograms become at most 512 bins with rising edges,
// images become files of the run's media folder, and what has no media form stays listed in words.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { readMediaEvent } from '../../../src/core/media/mediaEvent';
import { histogramBins, mediaLines } from '../../../src/core/sources/mirrorMedia';
import type { RichValue } from '../../../src/core/sources/sourceModel';
import { richOf } from '../../../src/core/sources/wandbValues';

const histo = (limits: number[], counts: number[], min: number, max: number): Extract<RichValue['data'], { kind: 'histogram' }> =>
  ({ kind: 'histogram', min, max, num: counts.reduce((a, b) => a + b, 0), sum: 0, sumSquares: 0, limits, counts });

describe('sources: rich values as media', () => {
  it('drops empty outer buckets and brings the outer edges to min and max (TensorBoard ends with the largest double)', () => {
    const bins = histogramBins(histo([-1e12, -1, 0, 1, 2, Number.MAX_VALUE], [0, 0, 3, 4, 0, 1], -0.5, 2.5));
    assert.deepEqual(bins, { counts: [3, 4, 0, 1], edges: [-0.5, 0, 1, 2, 2.5] });
  });

  it('merges neighbours when there are more than 512 buckets, keeping every count', () => {
    const limits = Array.from({ length: 1000 }, (_, i) => i + 1);
    const counts = Array.from({ length: 1000 }, (_, i) => (i % 7) + 1);
    const bins = histogramBins(histo(limits, counts, 0, 1000));
    assert.ok(bins);
    assert.ok(bins.counts.length <= 512);
    assert.equal(bins.edges.length, bins.counts.length + 1);
    assert.equal(bins.counts.reduce((a, b) => a + b, 0), counts.reduce((a, b) => a + b, 0));
    assert.deepEqual([bins.edges[0], bins.edges[bins.edges.length - 1]], [0, 1000]);
    assert.equal(bins.edges.every((e, i) => i === 0 || e > bins.edges[i - 1]!), true);
  });

  it('writes lines the media reader takes, and keeps what has no media form listed', () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000002000000030806000000', 'hex');
    const rich: RichValue[] = [
      { kind: 'image', tag: 'samples', step: 4, timeMs: 2000, detail: '', data: { kind: 'image', width: 2, height: 3, format: 'png', bytes: png.length, encoded: png } },
      { kind: 'image', tag: 'anim', step: 4, timeMs: 2000, detail: '', data: { kind: 'image', width: 2, height: 3, format: 'gif', bytes: 3, encoded: new Uint8Array(3) } },
      { kind: 'text', tag: 'notes', step: 1, timeMs: 1000, detail: '', data: { kind: 'text', text: '**hi**' } },
      { kind: 'histogram', tag: 'w', step: 2, timeMs: 1500, detail: '', data: histo([1, 2], [1, 1], 0, 2) },
      { kind: 'hparams', tag: '_hparams_/experiment', step: 0, timeMs: 0, detail: '', data: { kind: 'hparams', json: {} } },
    ];
    const out = mediaLines(rich, () => undefined);
    assert.deepEqual(out.rest.map((r) => r.tag), ['anim', '_hparams_/experiment']);
    assert.equal(out.files.length, 1);
    const events = out.text.trim().split('\n').map((l) => readMediaEvent(JSON.parse(l)));
    assert.deepEqual(events.map((e) => (e && 'known' in e && e.known ? [e.type, e.key, e.step, e.dropped.length, e.items.length] : e)),
      [['image', 'samples', 4, 0, 1], ['text', 'notes', 1, 0, 1], ['histogram', 'w', 2, 0, 1]]);
  });

  it('a W&B image path that leaves the run\'s files folder is not read', () => {
    const asked: string[] = [];
    for (const path of ['../../etc/passwd.png', '/etc/x.png', 'media/images/ok.png']) {
      const r = richOf('img', 1, 0, { _type: 'image-file', path, format: 'png', width: 1, height: 1, size: 1 }, '/runs/x/files');
      mediaLines([r], (p) => { asked.push(p); return undefined; });
    }
    assert.deepEqual(asked, ['/runs/x/files/media/images/ok.png']);
  });
});
