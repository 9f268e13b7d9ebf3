import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { splitList, UsageError } from '../../src/cli/cliArgs';

describe('CLI lists (--run, --metric, --columns)', () => {
  it('reads one CSV record: plain names trimmed, quoted names exact, empty entries dropped', () => {
    assert.deepEqual(splitList(undefined, 'metric'), []);
    assert.deepEqual(splitList('loss', 'metric'), ['loss']);
    assert.deepEqual(splitList(' loss , acc ,,', 'metric'), ['loss', 'acc']);
    assert.deepEqual(splitList('"a,b",c', 'metric'), ['a,b', 'c']);
    assert.deepEqual(splitList('"say ""hi""", " padded "', 'metric'), ['say "hi"', ' padded ']);
    assert.deepEqual(splitList('""""', 'metric'), ['"']);
    assert.deepEqual(splitList('"line\nbreak",x', 'metric'), ['line\nbreak', 'x']);
    assert.deepEqual(splitList('a"b,c', 'metric'), ['a"b', 'c'], 'a quote inside an unquoted name is part of it');
  });

  it('explains a quote left open or text after a closing quote', () => {
    assert.throws(() => splitList('"a,b', 'metric'), (e: unknown) => e instanceof UsageError && /--metric: a quoted name is not closed/.test(e.message));
    assert.throws(() => splitList('"a"b,c', 'columns'), (e: unknown) => e instanceof UsageError && /--columns: expected a comma after the quoted name "a"/.test(e.message));
  });
});
