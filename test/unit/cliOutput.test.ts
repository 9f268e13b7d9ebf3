// What the CLI prints when runs carry hostile or unusual names: escaped in the terminal, exact in JSON and CSV,
// inherited object property names treated as ordinary names, and filters too deep for the stack refused.
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { MAX_FILTER_DEPTH } from '../../src/core/filterLanguage';
import { REPO_ROOT, runId, Workspace } from './workspaceFixture';

const CLI = join(REPO_ROOT, 'out', 'src', 'cli.js');

function cli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A log line written as JSON text, so that keys like `__proto__` stay ordinary keys. */
function line(fields: Array<[string, unknown]>): string {
  return `{${fields.map(([k, v]) => `${JSON.stringify(k)}:${typeof v === 'string' && v.startsWith('{') ? v : JSON.stringify(v)}`).join(',')}}\n`;
}
function objectText(entries: Array<[string, unknown]>): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
}

function writeRun(ws: Workspace, id: string, o: { name: string; experiment?: string; t0: number; params?: Array<[string, unknown]>;
  metrics?: Array<Array<[string, number | string]>> }): void {
  ws.appendRaw(id, line([['v', 1], ['t', 'run_start'], ['ts', o.t0], ['run_id', id], ['experiment', o.experiment ?? 'demo'], ['name', o.name],
    ['config', objectText(o.params ?? [])], ['tags', []], ['notes', ''], ['lineage', { user: 'ada', host: 'box' }]]));
  (o.metrics ?? []).forEach((values, step) => {
    ws.appendRaw(id, line([['v', 1], ['t', 'metrics'], ['ts', o.t0 + 1 + step], ['step', step], ['values', objectText(values)]]));
  });
  ws.appendRaw(id, line([['v', 1], ['t', 'run_end'], ['ts', o.t0 + 100], ['status', 'finished']]));
}

/** C0 and C1 controls and bidirectional overrides, except the newlines that end lines. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe('command line: run-supplied text in the terminal', () => {
  let ws: Workspace;
  const evil = runId(60);
  const plain = runId(61);
  const title = '\u001b]0;pwned\u0007';
  const clear = '\u001b[2J\u001b[H';
  const fakeRow = '\r\nFAKE-ROW  demo  finished';
  beforeEach(() => {
    ws = new Workspace();
    writeRun(ws, evil, { name: `evil${title}${clear}${fakeRow}`, experiment: `exp\u202eliam`, t0: 1_795_743_612,
      params: [['opt', `adam${clear}`]], metrics: [[[`m${title}`, 1]]] });
    writeRun(ws, plain, { name: 'plain', t0: 1_795_743_700, params: [['opt', 'sgd']], metrics: [[['loss', 0.5]]] });
    // A metric value the format refuses: the warning quotes the run-supplied metric name.
    ws.appendRaw(plain, line([['v', 1], ['t', 'metrics'], ['ts', 1_795_743_701], ['step', 1], ['values', objectText([[`bad${clear}`, 'oops']])]]));
  });
  afterEach(() => ws.dispose());

  it('escapes control characters in table cells, headers and warnings, one line per run', () => {
    const r = cli('runs', '--dir', ws.root, '--sort', 'name', '--columns', `opt,m${title}`);
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.out, RAW_CONTROL, 'stdout holds no raw control character');
    assert.doesNotMatch(r.err, RAW_CONTROL, 'stderr holds no raw control character');
    const lines = r.out.trimEnd().split('\n');
    assert.equal(lines.length, 3, 'a header and one line per run: no fake rows');
    assert.ok(lines[1]!.includes('evil\\x1b]0;pwned\\x07\\x1b[2J\\x1b[H\\r\\nFAKE-ROW  demo  finished'), lines[1]);
    assert.ok(lines[1]!.includes('exp\\u202eliam'));
    assert.ok(lines[1]!.includes('adam\\x1b[2J\\x1b[H'));
    assert.ok(lines[0]!.includes('M\\x1b]0;PWNED\\x07'), `the column header: ${lines[0]}`);
    assert.match(lines[1]!, /\s1$/, 'the metric with the hostile name is found and shown');
    assert.match(r.err, /metric "bad\\x1b\[2J\\x1b\[H" must be a number/, 'the warning quotes the name escaped');
  });

  it('keeps names exact in --json', () => {
    const r = cli('runs', '--dir', ws.root, '--json', '--quiet');
    assert.equal(r.code, 0, r.err);
    const rows = JSON.parse(r.out) as Array<{ id: string; name: string; experiment: string; params: Record<string, unknown> }>;
    const row = rows.find((x) => x.id === evil);
    assert.equal(row?.name, `evil${title}${clear}${fakeRow}`);
    assert.equal(row?.experiment, 'exp\u202eliam');
    assert.equal(row?.params.opt, `adam${clear}`);
  });

  it('escapes control characters in error messages that quote what was typed', () => {
    let r = cli('runs', '--dir', ws.root, '--filter', `name = "x${clear}" ;`, '--quiet');
    assert.equal(r.code, 2);
    assert.doesNotMatch(r.err, RAW_CONTROL);
    assert.match(r.err, /name = "x\\x1b\[2J\\x1b\[H" ;\n {2}\s+\^/);
    r = cli('series', '--dir', ws.root, '--run', `nope${title}`, '--metric', 'loss', '--quiet');
    assert.equal(r.code, 1);
    assert.equal(r.err, 'trialbook: no run nope\\x1b]0;pwned\\x07\n');
    r = cli(`frob${clear}`);
    assert.equal(r.code, 2);
    assert.match(r.err, /^trialbook: unknown command "frob\\x1b\[2J\\x1b\[H"/);
    r = cli('runs', `--bo${clear}gus`);
    assert.equal(r.code, 2);
    assert.doesNotMatch(r.err, RAW_CONTROL);
    r = cli('runs', '--dir', join(ws.root, `missing${clear}`));
    assert.equal(r.code, 2);
    assert.match(r.err, /no \.trialbook folder at .*missing\\x1b\[2J\\x1b\[H/);
  });
});

describe('command line: names that objects inherit', () => {
  const names = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'];
  let ws: Workspace;
  const low = runId(70);
  const high = runId(71);
  const none = runId(72);
  beforeEach(() => {
    ws = new Workspace();
    writeRun(ws, low, { name: 'low', t0: 1_795_743_612, params: names.map((n) => [n, `p-${n}`]), metrics: [names.map((n) => [n, 1])] });
    writeRun(ws, high, { name: 'high', t0: 1_795_743_650, metrics: [names.map((n) => [n, 2])] });
    writeRun(ws, none, { name: 'none', t0: 1_795_743_700, metrics: [[['loss', 1]]] });
  });
  afterEach(() => ws.dispose());

  it('sorts, filters and shows columns by them like any other name', () => {
    for (const n of names) {
      let r = cli('runs', '--dir', ws.root, '--sort', n, '--json', '--quiet');
      assert.equal(r.code, 0, `--sort ${n}: ${r.err}`);
      assert.deepEqual((JSON.parse(r.out) as Array<{ name: string }>).map((x) => x.name), ['low', 'high', 'none'], `--sort ${n}`);
      r = cli('runs', '--dir', ws.root, '--sort', `-${n}`, '--json', '--quiet');
      assert.deepEqual((JSON.parse(r.out) as Array<{ name: string }>).map((x) => x.name), ['high', 'low', 'none'], `--sort -${n}`);
      r = cli('runs', '--dir', ws.root, '--filter', `"${n}" > 1.5 or param.${n} = "p-${n}"`, '--json', '--quiet');
      assert.equal(r.code, 0, `--filter on ${n}: ${r.err}`);
      assert.deepEqual((JSON.parse(r.out) as Array<{ name: string }>).map((x) => x.name), ['high', 'low'], `--filter on ${n}`);
      r = cli('runs', '--dir', ws.root, '--sort', 'name', '--columns', `${n},param.x`, '--quiet');
      assert.equal(r.code, 0, `--columns ${n}: ${r.err}`);
      const lines = r.out.trimEnd().split('\n');
      assert.match(lines[0]!, new RegExp(`DURATION\\s+${n.toUpperCase()}\\s+PARAM\\.X$`), `--columns ${n}`);
      assert.match(lines[1]!, /^\S+\s+demo\s+high\s+.*\s2$/, `${n} of high`);
      assert.match(lines[2]!, /^\S+\s+demo\s+low\s+.*\s1$/, `${n} of low`);
      assert.match(lines[3]!, /^\S+\s+demo\s+none\s+finished\s+\S+ \S+\s+\S+( \S+)?$/, `no ${n} on none`);
      r = cli('series', '--dir', ws.root, '--run', `${low},${none}`, '--metric', n, '--quiet');
      assert.equal(r.code, 0, `series ${n}: ${r.err}`);
      assert.deepEqual(r.out.trimEnd().split('\n'), ['run,metric,x,y', `${low},${n},0,1`], `series ${n}`);
    }
  });

  it('answers help for such a topic with the main help', () => {
    for (const n of names) {
      const r = cli('help', n);
      assert.equal(r.code, 0, `help ${n}: ${r.err}`);
      assert.match(r.out, /^Trialbook command line/);
    }
  });
});

describe('command line: filters too deep for the stack', () => {
  let ws: Workspace;
  beforeEach(() => {
    ws = new Workspace();
    writeRun(ws, runId(80), { name: 'a', t0: 1_795_743_612, params: [['lr', 0.1]] });
  });
  afterEach(() => ws.dispose());

  it('refuses them with the column and exit code 2', () => {
    let r = cli('runs', '--dir', ws.root, '--quiet', '--filter', `${'('.repeat(2500)}lr < 1${')'.repeat(2500)}`);
    assert.equal(r.code, 2, r.err.slice(0, 300));
    assert.match(r.err, new RegExp(`^trialbook: Invalid filter at column ${MAX_FILTER_DEPTH + 1}: the filter nests deeper than ${MAX_FILTER_DEPTH} levels`));
    assert.ok(r.err.length < 600, 'the pointer shows the expression around the column only');
    r = cli('runs', '--dir', ws.root, '--quiet', '--filter', `${'not '.repeat(30000)}lr < 1`);
    assert.equal(r.code, 2, r.err.slice(0, 300));
    assert.match(r.err, new RegExp(`column ${MAX_FILTER_DEPTH * 4 + 1}: the filter nests deeper`));
  });
});

describe('command line: series as CSV', () => {
  let ws: Workspace;
  const id = runId(90);
  const keys = ['plain', 'a,b', 'say "hi"', 'line\nbreak', 'cr\rreturn', 'crlf\r\nend', 'tab\there', '\u001b[31mred', ' spaced ', 'trailing,', '"'];
  beforeEach(() => {
    ws = new Workspace();
    writeRun(ws, id, { name: 'csv', t0: 1_795_743_612, metrics: [keys.map((k, i) => [k, i]), keys.map((k, i) => [k, i + 0.5])] });
  });
  afterEach(() => ws.dispose());

  it('quotes as RFC 4180 says, so a real CSV parser reads every name back exactly', () => {
    // --metric is itself a CSV list: a name with a comma, quote or surrounding spaces is quoted there.
    const list = keys.map((k) => `"${k.replace(/"/g, '""')}"`).join(',');
    const r = cli('series', '--dir', ws.root, '--run', id, '--metric', list, '--quiet');
    assert.equal(r.code, 0, r.err);
    const rows = parseCsv(r.out);
    assert.deepEqual(rows[0], ['run', 'metric', 'x', 'y']);
    const expected = keys.flatMap((k, i) => [[id, k, '0', String(i)], [id, k, '1', String(i + 0.5)]]);
    assert.deepEqual(rows.slice(1).sort(), expected.sort());
    assert.ok(r.out.includes(`${id},plain,0,0\n`), 'a field that needs no quotes is written as it is');
    assert.ok(r.out.includes(`${id},"say ""hi""",0,2\n`), 'quotes are doubled inside quotes');
    assert.ok(r.out.includes(`${id},"a,b",0,1\n`));
    assert.ok(r.out.includes(`${id},"""",0,10\n`));
    assert.ok(r.out.includes(`${id},\u001b[31mred,0,7\n`), 'nothing else is escaped: CSV is data, like --json');
    assert.ok(r.out.includes(`${id}, spaced ,0,8\n`), 'spaces are kept as they are');
  });

  it('reads --metric as a CSV list: plain names, quoted names, and a clear error for an open quote', () => {
    const r = cli('series', '--dir', ws.root, '--run', id, '--metric', ' plain , "a,b"', '--quiet');
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(parseCsv(r.out).slice(1).map((row) => row[1]), ['plain', 'plain', 'a,b', 'a,b']);
    const bad = cli('series', '--dir', ws.root, '--run', id, '--metric', '"a,b', '--quiet');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--metric: a quoted name is not closed/);
  });
});

/** Python's csv module: a real, independent CSV reader. */
function parseCsv(text: string): string[][] {
  const script = 'import csv, io, json, sys\n'
    + 'print(json.dumps(list(csv.reader(io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", newline="")))))';
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { input: text, encoding: 'utf8' })) as string[][];
}
