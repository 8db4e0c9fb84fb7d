/**
 * Byte fidelity (issue 12 item 14): bytes that are not valid UTF-8 in arguments and state values
 * come out exactly as they went in (runtime/lang/bytes.ts surrogate escapes inside, the same
 * bytes outside): through the argv of a real process, a state file written by the TS runtime or
 * by cmdc's bash library and read by the other, the next block's `source`, and the JSON run
 * record. Each block also prints the value (printf to stdout, echo to stderr): the same bytes come out. A
 * command file with such bytes is refused with a located diagnostic (compiler/source-bytes.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundleCommand } from '../helpers/command-bundle.js';
import { childEnv } from '../helpers/child-env.js';
import { compile } from '../../compiler/index.js';
import { lintPaths } from '../../cli/lint.js';
import { formatDiagnostic } from '../../compiler/diagnostics.js';
import { exactArgs } from '../../runtime/runner/argv.js';
import { createState, loadState } from '../../runtime/store/state.js';
import { decode, encode } from '../../runtime/lang/bytes.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TMP = mkdtempSync(join(tmpdir(), 'cmdc-bytes-'));
const PROJ = join(TMP, 'proj');
const STATE = join(PROJ, '.claude', 'tmp');

const SOURCE = `---
description: bytes test
---

# /bytes

## Block 1: Init

\`\`\`bash
source "$CLAUDE_PROJECT_DIR/.claude/lib/core/state-persistence.sh"
WORKFLOW_ID=$(generate_unique_workflow_id bytes)
init_workflow_state "$WORKFLOW_ID" >/dev/null
append_workflow_state A "$1"
printf '%s' "$1"
\`\`\`

## Block 2: Use

\`\`\`bash
source "$CLAUDE_PROJECT_DIR/.claude/lib/core/state-persistence.sh"
source "$CMDC_STATE_FILE"
append_workflow_state B "$A"
printf '[%s]' "$A"; echo "$A" >&2
\`\`\`
`;

/** Arguments no UTF-8 decoder keeps: a lone 0xff, a cut-off euro sign, a bare continuation byte, valid + invalid. */
const VARIANTS: Buffer[] = [
  Buffer.from([0x61, 0xff, 0x62]),
  Buffer.from([0xe2, 0x82]),
  Buffer.from([0x80]),
  Buffer.concat([Buffer.from('é'), Buffer.from([0xfe, 0x20, 0xc0, 0xaf])]),
];

let BUNDLE = '';
test.before(() => {
  BUNDLE = bundleCommand('bytes', SOURCE);
});
test.after(() => rmSync(TMP, { recursive: true, force: true }));

const ENV = childEnv({ home: TMP, project: PROJ, owner: 'bytes-test' }, { CMDC_GC: '0' });
/** printf's octal escapes for `b` (bash builds the raw argument: Node cannot pass non-UTF-8 argv). */
const octal = (b: Buffer) => [...b].map((x) => `\\${x.toString(8).padStart(3, '0')}`).join('');

test('an argument with invalid UTF-8 reaches the state file, the next block and the run record byte for byte', () => {
  for (const v of VARIANTS) {
    rmSync(PROJ, { recursive: true, force: true });
    mkdirSync(PROJ, { recursive: true });
    const r1 = spawnSync('bash', ['-c', `exec "$1" "$2" --block 1 "$(printf '${octal(v)}')"`, 'bash', process.execPath, BUNDLE], { cwd: PROJ, env: ENV });
    assert.is(r1.status, 0, String(r1.stderr));
    assert.equal([...r1.stdout], [...v], "the block's printf '%s' \"$1\" wrote the argument's bytes");
    const file = readdirSync(STATE).find((f) => /^workflow_bytes_.*\.sh$/.test(f))!;
    const st = loadState(join(STATE, file));
    assert.equal([...encode(st.vars.A!)], [...v], 'the state file holds the bytes');
    // bash itself sources it to the same bytes
    const b = spawnSync('bash', ['-c', 'source "$1"; printf %s "$A"', 'bash', join(STATE, file)]);
    assert.equal([...b.stdout], [...v], 'bash reads the same bytes');
    // the run record keeps them (JSON with escaped surrogates)
    const id = file.slice('workflow_'.length, -'.sh'.length);
    const rec = JSON.parse(readFileSync(join(STATE, '.cmdc', 'runs', `${id}.json`), 'utf8')) as { args: string[] };
    assert.equal([...encode(rec.args[0]!)], [...v], 'the run record holds the bytes');
    const r2 = spawnSync(process.execPath, [BUNDLE, '--block', '2'], { cwd: PROJ, env: ENV });
    assert.is(r2.status, 0, String(r2.stderr));
    assert.equal([...r2.stdout], [...Buffer.concat([Buffer.from('['), v, Buffer.from(']')])], 'block 2 printed the value from state byte for byte');
    assert.ok(r2.stderr.includes(Buffer.concat([v, Buffer.from('\n')])), 'echo to stderr kept the bytes');
    assert.equal([...encode(loadState(join(STATE, file)).vars.B!)], [...v], 'block 2 read the bytes back and wrote them again');
  }
});

test('values with raw bytes: TS writer → bash, bash library writer → TS, exact', () => {
  const dir = join(TMP, 'st');
  mkdirSync(dir, { recursive: true });
  for (const v of VARIANTS) {
    const s = createState('raw', { dir, owner: 'o' });
    s.appendMany({ V: decode(v), W: [decode(v), 'x'] });
    const b = spawnSync('bash', ['-c', 'source "$1"; printf %s "$V"; printf "|%s" "${W[@]}"', 'bash', s.path]);
    assert.equal([...b.stdout], [...Buffer.concat([v, Buffer.from('|'), v, Buffer.from('|x')])]);
    // the bash library writes raw bytes; the TS reader returns them exactly
    const lib = join(ROOT, 'runtime', 'lib', 'state-persistence.sh');
    const w = spawnSync('bash', ['-c', `source "$1"; export CMDC_STATE_DIR="$2"; init_workflow_state "$(generate_unique_workflow_id raw)" >/dev/null; append_workflow_state B "$(printf '${octal(v)}')"`, 'bash', lib, dir], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: TMP, CMDC_OWNER: 'o' } });
    assert.is(w.status, 0, w.stderr);
    const files = readdirSync(dir).filter((f) => f.endsWith('.sh')).map((f) => loadState(join(dir, f))).filter((x) => x.vars.B !== undefined);
    assert.ok(files.length >= 1);
    assert.equal([...encode(files[files.length - 1]!.vars.B!)], [...v]);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }
});

test('exactArgs: bytes read back from the command line; refused with the position when they cannot be', () => {
  const cmdline = Buffer.concat([Buffer.from('node\0--import\0tsx\0/x/entry.mjs\0--block\0'), Buffer.from([0x61, 0xff, 0]), Buffer.from('ok\0')]);
  const lossy = ['--block', Buffer.from([0x61, 0xff]).toString('utf8'), 'ok'];
  const r = exactArgs(lossy, () => cmdline);
  assert.ok('args' in r);
  if ('args' in r) assert.equal([...encode(r.args[1]!)], [0x61, 0xff]);
  // no /proc: refused, naming the argument
  const no = exactArgs(lossy, () => {
    throw new Error('ENOENT');
  });
  assert.ok('error' in no && /argument 2 .*not valid UTF-8/.test(no.error));
  // a cmdline that does not match what node decoded (rewritten title) is not used
  const other = exactArgs(lossy, () => Buffer.from('node\0x\0--block\0b\0ok\0'));
  assert.ok('error' in other);
  // all UTF-8: untouched, cmdline never read
  assert.equal(exactArgs(['é', 'a\uFFFD'.slice(0, 1)], () => { throw new Error('read'); }), { args: ['é', 'a'] });
  // a real U+FFFD typed by the user is kept (its bytes are EF BF BD)
  const real = exactArgs(['\uFFFD'], () => Buffer.from('node\0e\0\xef\xbf\xbd\0', 'latin1'));
  assert.equal(real, { args: ['\uFFFD'] });
});

test('a command file with bytes that are not UTF-8: a located invalid-encoding error, nothing generated', () => {
  const dir = join(TMP, 'src');
  mkdirSync(dir, { recursive: true });
  const cases: { bytes: Buffer; line: number; col: number; byte: string }[] = [
    { bytes: Buffer.concat([Buffer.from('# /x\n\nSome pr'), Buffer.from([0xff]), Buffer.from('ose\n')]), line: 3, col: 8, byte: '0xff' },
    { bytes: Buffer.concat([Buffer.from('# /x\n\n```bash\necho "é'), Buffer.from([0xe2, 0x82]), Buffer.from('"\n```\n')]), line: 4, col: 8, byte: '0xe2' },
    { bytes: Buffer.concat([Buffer.from('---\ndescription: a'), Buffer.from([0x80]), Buffer.from('\n---\n# /x\n')]), line: 2, col: 15, byte: '0x80' },
  ];
  for (const [i, c] of cases.entries()) {
    const md = join(dir, `c${i}.md`);
    writeFileSync(md, c.bytes);
    const r = compile([md], { root: dir, outDir: join(dir, 'gen') });
    assert.ok(r.failed);
    const d = r.diagnostics.find((x) => x.id === 'invalid-encoding');
    assert.ok(d, JSON.stringify(r.diagnostics));
    assert.is(`${d!.line}:${d!.col}`, `${c.line}:${c.col}`);
    assert.match(d!.message, new RegExp(`byte ${c.byte} is not valid UTF-8`));
    assert.is(r.results[0]!.code, null);
    assert.match(formatDiagnostic(d!, r.results[0]!.source, { color: false }), new RegExp(`c${i}\\.md:${c.line}:${c.col}: error\\[invalid-encoding\\]`));
  }
});

test('cmdc lint --fix never rewrites a file that is not UTF-8 (it would write U+FFFD): the same located error', async () => {
  const dir = join(TMP, 'lint');
  mkdirSync(dir, { recursive: true });
  const bytes = Buffer.concat([Buffer.from('# /x\n\n```bash\nrm -rf $DIR/'), Buffer.from([0xff]), Buffer.from('\n```\n')]);
  const md = join(dir, 'x.md');
  writeFileSync(md, bytes);
  const run = await lintPaths([md], { fix: true }, dir);
  const d = run.results[0]!.diagnostics.find((x) => x.id === 'invalid-encoding');
  assert.ok(d, JSON.stringify(run.results[0]!.diagnostics));
  assert.is(`${d!.line}:${d!.col}`, '4:13');
  assert.ok(readFileSync(md).equals(bytes), 'the file is untouched');
});

test.run();
