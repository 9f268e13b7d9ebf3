// The elements of a runs/search page found one at a time (src/core/remote/jsonElements.ts): each element's text is
// exactly what JSON.parse of the whole would give, whatever the strings hold, and a text that is not such an object
// is refused.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ArrayElements, JsonShapeError } from '../../src/core/remote/jsonElements';

function split(text: string, key = 'runs'): { elements: unknown[]; fields: Record<string, unknown> } {
  const a = new ArrayElements(text, key);
  const elements = [...a].map((t) => JSON.parse(t) as unknown);
  return { elements, fields: a.fields };
}

describe('array elements of a JSON object', () => {
  it('gives each element of the array and the other fields as JSON.parse of the whole does', () => {
    const page = {
      before: { a: [1, { b: '}' }] },
      runs: [
        { info: { run_id: 'a', run_name: 'brace } bracket ] quote " backslash \\ end' }, data: { params: [{ key: 'k', value: '{"runs":[1,2]}' }] } },
        { info: { run_id: 'b', run_name: 'ends in a backslash \\' }, data: { tags: [], metrics: [{ key: 'm', value: -1.5e-7, step: 0 }] } },
        'a string element with \\" and \\\\"',
        42, null, true, [[], [{}]], { '': '\u2028 ünïcode 🚀' },
      ],
      next_page_token: 'eyJvZmZzZXQiOiAxMDAwfQ==',
    };
    for (const text of [JSON.stringify(page), JSON.stringify(page, null, 2), ` \n${JSON.stringify(page, null, '\t')}\r\n `]) {
      const { elements, fields } = split(text);
      assert.deepEqual(elements, page.runs);
      assert.deepEqual(fields, { before: page.before, next_page_token: page.next_page_token });
    }
  });

  it('takes an empty answer, an empty object, an empty array and an array that is not the one asked for', () => {
    assert.deepEqual(split(''), { elements: [], fields: {} });
    assert.deepEqual(split(' {} '), { elements: [], fields: {} });
    assert.deepEqual(split('{"runs": [ ], "next_page_token": ""}'), { elements: [], fields: { next_page_token: '' } });
    assert.deepEqual(split('{"runs": null}'), { elements: [], fields: { runs: null } });
    assert.deepEqual(split('{"other": [1, 2]}'), { elements: [], fields: { other: [1, 2] } });
  });

  it('refuses what is not a JSON object with the array in it', () => {
    for (const bad of ['<html>502 Bad Gateway</html>', '[1, 2]', '{"runs": [1 2]}', '{"runs": [1,', '{"runs": [{"a": "x}]}', '{"runs" [1]}',
      '{"runs": [1]} trailing', '{"runs": [1], }', '{"runs": [,1]}', '{runs: [1]}']) {
      assert.throws(() => split(bad), (err: unknown) => err instanceof JsonShapeError || err instanceof SyntaxError, bad);
    }
    // An element that is not valid JSON is JSON.parse's to refuse (the scan only finds where it ends).
    assert.throws(() => split('{"runs": [{"a": tru}]}'), SyntaxError);
  });

  it('scans one element per step: the elements before a broken one are given first', () => {
    const got: string[] = [];
    assert.throws(() => { for (const t of new ArrayElements('{"runs": [{"a": 1}, {"b": 2}, {"c": "no end}]}', 'runs')) got.push(t); }, JsonShapeError);
    assert.deepEqual(got, ['{"a": 1}', '{"b": 2}']);
  });
});
