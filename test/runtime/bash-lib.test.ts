/**
 * Differential tests of the bash library (runtime/lib/*.sh) against the TS runtime: the same
 * calls made through real bash and through runtime/{state,quote,discover,checkpoint,errors,
 * state-machine}.ts must produce the same files, load identically on both sides (TS parser and
 * bash `source`), and never execute anything in a value.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fc from 'fast-check';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, appendFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { quote } from '../../runtime/store/format.js';
import { isTransientProcess } from '../../runtime/store/owner.js';
import { createState, loadState, openState, repairState } from '../../runtime/store/state.js';
import { discoverInstance } from '../../runtime/store/discover.js';
import { loadCheckpoint, saveCheckpoint } from '../../runtime/store/checkpoint.js';
import { isWorkflowId, parseWorkflowId } from '../../runtime/store/ids.js';
import { logError, readErrorLog, serializeErrorEntry, makeErrorEntry } from '../../runtime/store/error-log.js';
import {
  isAllowedTransition,
  smInit,
  smToVars,
  smTransition,
  smTransitionVars,
  STATES,
  WORKFLOW_TYPES,
  InvalidTransitionError,
} from '../../runtime/store/state-machine.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const LIB = join(root, 'runtime/lib');
const PRELUDE =
  `source ${JSON.stringify(join(LIB, 'state-persistence.sh'))} || exit 90\n` +
  `source ${JSON.stringify(join(LIB, 'workflow-state-machine.sh'))} || exit 91\n` +
  // dump NAME...: kind\0name\0value\0 (S scalar, U unset) or A\0name\0count\0v...\0
  `dump() { local k v; for k in "$@"; do declare -n r=$k; if [[ \${r@a} == *a* ]]; then printf 'A\\0%s\\0%s\\0' "$k" "\${#r[@]}"; ` +
  `for v in "\${r[@]}"; do printf '%s\\0' "$v"; done; elif [[ -v r ]]; then printf 'S\\0%s\\0%s\\0' "$k" "$r"; else printf 'U\\0%s\\0' "$k"; fi; unset -n r; done; }\n`;

interface Run {
  status: number | null;
  stdout: Buffer;
  out: string;
  err: string;
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'cmdc-bashlib-'));
}

/** Runs `script` in real bash with the libraries sourced; extra args become "$@". */
function bash(script: string, o: { cwd: string; env?: Record<string, string>; args?: string[] }): Run {
  const r = spawnSync('bash', ['-c', PRELUDE + script, 'bash', ...(o.args ?? [])], {
    cwd: o.cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8', HOME: o.cwd, ...o.env },
    maxBuffer: 1 << 30,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, out: r.stdout.toString(), err: r.stderr.toString() };
}

/** Parses dump output into scalars and arrays (exact bytes). */
function parseDump(out: Buffer): { vars: Map<string, Buffer>; arrays: Map<string, Buffer[]>; unset: Set<string> } {
  const vars = new Map<string, Buffer>();
  const arrays = new Map<string, Buffer[]>();
  const unset = new Set<string>();
  let pos = 0;
  const next = () => {
    const end = out.indexOf(0, pos);
    if (end < 0) throw new Error('truncated dump');
    const b = out.subarray(pos, end);
    pos = end + 1;
    return b;
  };
  while (pos < out.length) {
    const kind = next().toString();
    const name = next().toString();
    if (kind === 'S') vars.set(name, next());
    else if (kind === 'U') unset.add(name);
    else {
      const n = Number(next().toString());
      arrays.set(name, Array.from({ length: n }, next));
    }
  }
  return { vars, arrays, unset };
}

/** The injection corpus of issue 3, plus a few more awkward byte strings. */
const CORPUS: [string, Buffer][] = [
  ['SUBST', Buffer.from('value with $(touch SENTINEL) inside')],
  ['BACKTICK', Buffer.from('a `touch SENTINEL` b')],
  ['SQUOTE', Buffer.from("it's")],
  ['DQUOTE', Buffer.from('say "hi"')],
  ['BACKSLASH', Buffer.from('C:\\dir\\ \\n \\x41 \\')],
  ['NEWLINES', Buffer.from('line one\nline two\n\nline four\n\n')],
  ['CTRL', Buffer.from('\x01\x02\x1b[31m\x7f\r\t')],
  ['BANG', Buffer.from('wow! !! !$ !-1')],
  ['UNICODE', Buffer.from('héllo wörld ✓ — 日本 🦀 \u2028')],
  ['NOT_UTF8', Buffer.from([0xff, 0xfe, 0x80, 0x41, 0xc3])],
  ['EMPTY', Buffer.alloc(0)],
  ['SPACES', Buffer.from('  lead and trail  ')],
  ['META', Buffer.from("'; } touch SENTINEL; { X=$'")],
  ['GLOB', Buffer.from('* ? [a-z] ~ ~root $HOME ${HOME} $((1+1)) <(ls) >x')],
  ['BIG', Buffer.from('0123456789abcdef$(x)`y`\'"\\\né'.repeat(1024 * 1024 / 27 + 1)).subarray(0, 1024 * 1024)],
];

/** Writes values to a NUL-separated file that bash reads with read -d ''. */
function valuesFile(dir: string, values: Buffer[]): string {
  const f = join(dir, 'values.bin');
  writeFileSync(f, Buffer.concat(values.flatMap((v) => [v, Buffer.from([0])])));
  return f;
}
// (read -d '' under a UTF-8 locale swallows a NUL after an incomplete multibyte sequence: read bytes in C)
const READ_VALUES = `readvals() { local LC_ALL=C v; VALS=(); while IFS= read -r -d '' v; do VALS+=("$v"); done < "$1"; }; readvals "$1"\n`;

test('cmdc_quote writes exactly what quote.ts writes (corpus and 300 random byte strings)', () => {
  const dir = tmp();
  const random = fc.sample(fc.uint8Array({ minLength: 0, maxLength: 64 }), { numRuns: 300, seed: 42 });
  const bigRandom = fc.sample(fc.uint8Array({ minLength: 20000, maxLength: 30000 }), { numRuns: 2, seed: 7 });
  const values = [...CORPUS.map(([, v]) => v), ...[...random, ...bigRandom].map((a) => Buffer.from(a.filter((b) => b !== 0)))];
  const r = bash(READ_VALUES + `for v in "\${VALS[@]}"; do cmdc_quote q "$v"; printf '%s\\n' "$q"; done`, {
    cwd: dir,
    args: [valuesFile(dir, values)],
  });
  assert.is(r.status, 0, r.err);
  const lines = r.out.split('\n').slice(0, -1);
  assert.is(lines.length, values.length);
  values.forEach((v, i) => assert.is(lines[i], quote(v), `value ${i}`));
  rmSync(dir, { recursive: true });
});

/** Replaces the `created` header value and owner-independent bits so two files can be compared. */
function normalise(text: string): string {
  return text.replace(/^# cmdc:created=\$'[^']*'$/m, "# cmdc:created=$'<created>'");
}

test('the same calls through bash and TS write byte-identical state files that load identically on both sides', () => {
  const dir = tmp();
  const id = 'implement_1765352600123456789_V1StGXR8_Z5jdHi6B-myT';
  const env = { CMDC_OWNER: 'owner-1', CMDC_LOG_DIR: join(dir, 'logs') };
  // bash side
  const bashDir = join(dir, 'bash-state');
  const script =
    READ_VALUES +
    `COMMAND_NAME=/implement\n` +
    `init_workflow_state ${id} >/dev/null || exit 1\n` +
    `i=0; for k in ${CORPUS.map(([k]) => k).join(' ')}; do append_workflow_state "$k" "\${VALS[i]}" || exit 2; i=$((i+1)); done\n` +
    `append_workflow_state_array FILES "\${VALS[0]}" "\${VALS[5]}" "\${VALS[9]}" "" || exit 3\n` +
    `append_workflow_state_array NONE || exit 4\n` +
    `append_workflow_state BANG overwritten || exit 5\n` +
    `sm_init "a plan" /implement full-implementation 2 '[]' || exit 6\n` +
    `sm_transition research && sm_transition plan && sm_transition implement || exit 7\n` +
    `set_workflow_block 3 && set_workflow_status paused || exit 8\n`;
  const b = bash(script, { cwd: dir, env: { ...env, CMDC_STATE_DIR: bashDir }, args: [valuesFile(dir, CORPUS.map(([, v]) => v))] });
  assert.is(b.status, 0, b.err);
  // TS side, same calls
  const tsDir = join(dir, 'ts-state');
  const st = createState(id, { dir: tsDir, command: '/implement', owner: 'owner-1' });
  for (const [k, v] of CORPUS) st.append(k, v);
  st.appendArray('FILES', [CORPUS[0]![1], CORPUS[5]![1], CORPUS[9]![1], '']);
  st.appendArray('NONE', []);
  st.append('BANG', 'overwritten');
  let m = smInit('full-implementation');
  st.appendMany(smToVars(m));
  for (const s of ['research', 'plan', 'implement'] as const) {
    m = smTransition(m, s);
    st.appendMany(smTransitionVars(m));
  }
  st.setBlock(3);
  st.setStatus('paused');

  const bashFile = join(bashDir, `workflow_${id}.sh`);
  const tsFile = join(tsDir, `workflow_${id}.sh`);
  assert.is(normalise(readFileSync(bashFile, 'latin1')), normalise(readFileSync(tsFile, 'latin1')));
  // the owner index entries are the same too
  assert.equal(readdirSync(join(bashDir, '.cmdc/owners')), readdirSync(join(tsDir, '.cmdc/owners')));

  // TS loads both identically
  const lb = loadState(bashFile);
  const lt = loadState(tsFile);
  assert.equal(lb.varBytes, lt.varBytes);
  assert.equal(lb.arrayBytes, lt.arrayBytes);
  assert.equal({ ...lb.meta, created: '' }, { ...lt.meta, created: '' });
  for (const [k, v] of CORPUS) if (k !== 'BANG') assert.ok(lb.varBytes[k]!.equals(v), k);
  assert.is(lb.vars.BANG, 'overwritten');
  assert.is(lb.vars.CURRENT_STATE, 'implement');
  assert.equal(lb.arrays.COMPLETED_STATES, ['initialize', 'research', 'plan']);
  assert.is(lb.meta.status, 'paused');
  assert.is(lb.meta.block, 3);

  // bash loads both identically (load_workflow_state = source), nothing executed
  const keys = [...CORPUS.map(([k]) => k), 'FILES', 'NONE', 'CURRENT_STATE', 'WORKFLOW_TYPE', 'TERMINAL_STATE', 'COMPLETED_STATES', 'WORKFLOW_ID'];
  const loads = [bashDir, tsDir].map((d) => {
    const r = bash(`load_workflow_state ${id} false || exit 1; dump ${keys.join(' ')}`, { cwd: dir, env: { ...env, CMDC_STATE_DIR: d } });
    assert.is(r.status, 0, r.err);
    return parseDump(r.stdout);
  });
  assert.equal(loads[0], loads[1]);
  for (const k in lb.varBytes) assert.ok(loads[0]!.vars.get(k)!.equals(lb.varBytes[k]!), `bash ${k}`);
  for (const k in lb.arrayBytes) assert.equal(loads[0]!.arrays.get(k), lb.arrayBytes[k], `bash ${k}`);
  assert.not.ok(existsSync(join(dir, 'SENTINEL')), 'SENTINEL never created');
  rmSync(dir, { recursive: true });
});

test('bad key names are rejected by both sides, with nothing written', () => {
  const dir = tmp();
  const id = 'research_1765352600123456789';
  const st = createState(id, { dir, owner: 'o' });
  const before = readFileSync(st.path, 'latin1');
  for (const key of ['1ABC', 'A-B', 'A B', '', 'PATH', 'IFS', 'BASH_ENV', 'LD_PRELOAD', 'CMDC_OWNER', 'a$(x)', 'K\nX']) {
    const r = bash('append_workflow_state "$1" v; echo "rc=$?"', { cwd: dir, env: { CMDC_STATE_DIR: dir, WORKFLOW_ID: id }, args: [key] });
    assert.match(r.out, /rc=2/, key);
    assert.match(r.err, /invalid state key/, key);
    assert.throws(() => st.append(key, 'v'), /invalid state key/, key);
  }
  assert.is(readFileSync(st.path, 'latin1'), before);
  rmSync(dir, { recursive: true });
});

test('concurrent appends from bash and TS processes into one instance: all 200 keys survive, file loads on both sides', async () => {
  const dir = tmp();
  const st = createState('stress', { dir, owner: 'o' });
  const env = { ...process.env, CMDC_STATE_DIR: dir, CMDC_OWNER: 'o' };
  const t0 = Date.now();
  const procs: Promise<number | null>[] = [];
  for (let w = 0; w < 4; w++) {
    procs.push(
      new Promise((resolve) => {
        const c = spawn('bash', ['-c', PRELUDE + `for i in $(seq 0 24); do append_workflow_state "B${w}_$i" "bash ${w} $i \\$(touch SENTINEL) '"$'\\n' || exit 1; done`], {
          cwd: dir,
          env: { ...env, WORKFLOW_ID: st.id },
          stdio: ['ignore', 'inherit', 'inherit'],
        });
        c.on('close', resolve);
      }),
    );
    procs.push(
      new Promise((resolve) => {
        const c = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/helpers/bash-lib-appender.ts'), st.id, String(w), '25'], {
          cwd: root,
          env,
          stdio: ['ignore', 'inherit', 'inherit'],
        });
        c.on('close', resolve);
      }),
    );
  }
  assert.equal(await Promise.all(procs), Array(8).fill(0));
  const ms = Date.now() - t0;
  const l = loadState(st.path);
  const keys = Object.keys(l.vars).filter((k) => /^[BT]\d_\d+$/.test(k));
  assert.is(keys.length, 200);
  assert.is(l.vars.B3_24, "bash 3 24 $(touch SENTINEL) '\n");
  assert.is(l.vars.T3_24, "ts 3 24 $(touch SENTINEL) '\n");
  const r = bash(`source "$1" && dump B0_0 T0_0 B3_24`, { cwd: dir, args: [st.path] });
  assert.is(r.status, 0, r.err);
  assert.is(parseDump(r.stdout).vars.get('B3_24')!.toString(), l.vars.B3_24);
  assert.not.ok(existsSync(join(dir, 'SENTINEL')));
  console.log(`  4 bash + 4 TS appenders x 25: ${ms} ms`);
  rmSync(dir, { recursive: true });
});

test('a torn tail is repaired by bash exactly as by TS (cut a torn record, terminate a complete one)', () => {
  const dir = tmp();
  const cases = [
    { tail: "{ A=$'1'; B=$'; }", torn: true },
    { tail: "{ A=$'x\\'", torn: true },
    { tail: "# cmdc:status=$'do", torn: true },
    { tail: "{ A=$'1'; }", torn: false },
    { tail: "# cmdc:status=$'done'", torn: false },
  ];
  for (const [i, c] of cases.entries()) {
    const id = `torn_176535260012345678${i}`;
    const st = createState(id, { dir: join(dir, 'a'), owner: 'o' });
    st.append('X', 'x');
    appendFileSync(st.path, c.tail);
    mkdirSync(join(dir, 'b'), { recursive: true });
    const copy = join(dir, 'b', `workflow_${id}.sh`);
    copyFileSync(st.path, copy);
    assert.is(repairState(copy), c.torn ? 'truncated' : 'newline');
    const r = bash(`append_workflow_state AFTER after`, { cwd: dir, env: { CMDC_STATE_DIR: join(dir, 'a'), WORKFLOW_ID: id } });
    assert.is(r.status, 0, r.err);
    openState(copy).append('AFTER', 'after');
    assert.is(readFileSync(st.path, 'latin1'), readFileSync(copy, 'latin1'), c.tail);
    assert.is(loadState(st.path).vars.AFTER, 'after');
  }
  rmSync(dir, { recursive: true });
});

test('discovery: bash and TS pick the same instance, or both refuse (none / ambiguous / other owner / done)', () => {
  const dir = tmp();
  const env = (owner: string) => ({ CMDC_STATE_DIR: dir, CMDC_OWNER: owner });
  const discoverBash = (owner: string, prefix: string, extra: Record<string, string> = {}) =>
    bash(`discover_latest_state_file ${prefix}`, { cwd: dir, env: { ...env(owner), ...extra } });
  const discoverTs = (owner: string, prefix: string): string | Error => {
    try {
      return discoverInstance({ dir, prefix, owner }).path;
    } catch (e) {
      return e as Error;
    }
  };
  const same = (owner: string, prefix: string) => {
    const b = discoverBash(owner, prefix);
    const t = discoverTs(owner, prefix);
    if (t instanceof Error) {
      assert.is.not(b.status, 0, `bash must refuse too: ${t.message}`);
      assert.is(b.out, '');
    } else {
      assert.is(b.status, 0, b.err);
      assert.is(b.out.trim(), t);
    }
    return { b, t };
  };
  // A's instance created by bash, B's by TS
  const a1 = bash('init_workflow_state "$(generate_unique_workflow_id plan)"', { cwd: dir, env: env('A') }).out.trim();
  const b1 = createState('plan', { dir, owner: 'B' }).path;
  assert.is(same('A', 'plan').b.out.trim(), a1);
  assert.is(same('B', 'plan').b.out.trim(), b1);
  assert.match(same('C', 'plan').b.err, /no running or paused "plan" workflow for owner C/);
  same('A', 'implement');
  // a second instance for A: both refuse, bash names both ids and the flag
  const a2 = createState('plan', { dir, owner: 'A' });
  const amb = same('A', 'plan');
  assert.match(amb.b.err, /2 running\/paused "plan" workflows belong to owner A; pass --workflow-id/);
  assert.ok(amb.b.err.includes(a2.id) && amb.b.err.includes(parseWorkflowId(a1.split('workflow_')[1]!.slice(0, -3)).id));
  // done instances are not candidates (status set by bash on one, TS on the other)
  a2.setStatus('done');
  assert.is(same('A', 'plan').b.out.trim(), a1);
  bash('set_workflow_status failed', { cwd: dir, env: { ...env('A'), STATE_FILE: a1 } });
  same('A', 'plan');
  assert.is(discoverBash('A', 'plan').status, 1);
  // the runner's CMDC_WORKFLOW_ID wins over discovery when its prefix matches
  assert.is(discoverBash('Z', 'plan', { CMDC_WORKFLOW_ID: a2.id }).out.trim(), a2.path);
  // an index rebuilt by bash (marker missing) is what TS reads
  rmSync(join(dir, '.cmdc'), { recursive: true });
  const b2 = createState('plan', { dir, owner: 'B' }); // re-indexes only itself
  assert.match(discoverBash('B', 'plan').err, /2 running\/paused/); // rebuilt: b1 and b2
  assert.ok(existsSync(join(dir, '.cmdc/index-v1')));
  assert.ok(discoverTs('B', 'plan') instanceof Error);
  b2.setStatus('done');
  assert.is(same('B', 'plan').b.out.trim(), b1);
  rmSync(dir, { recursive: true });
});

test('owner resolution without CMDC_OWNER: bash and a TS child of the same shell agree', () => {
  const dir = tmp();
  const r = bash(
    `cmdc_resolve_owner o; echo "$o"; node --import tsx ${JSON.stringify(join(root, 'test/helpers/bash-lib-owner.ts'))}`,
    { cwd: root, env: {} },
  );
  assert.is(r.status, 0, r.err);
  const [b, t] = r.out.trim().split('\n');
  assert.match(b!, /^proc:\d+:\d+$/);
  assert.is(b, t);
  const s = bash('cmdc_resolve_owner o; echo "$o"', { cwd: dir, env: { CLAUDE_CODE_SESSION_ID: 'abc' } });
  assert.is(s.out.trim(), 'session:abc');
  rmSync(dir, { recursive: true });
});

test('launcher detection (which ancestors are skipped when looking for the owner) agrees with owner.ts', () => {
  const dir = tmp();
  const samples: [string, string[]][] = [
    ['bash', ['bash', '-c', 'echo hi']],
    ['bash', ['-bash']],
    ['bash', ['/bin/bash', '--login']],
    ['bash', ['bash', '-lc', 'x']],
    ['bash', ['bash', 'script.sh']],
    ['zsh', ['zsh', '-l']],
    ['sh', ['sh', '+x', 'script']],
    ['node', ['node', '--import', 'tsx', 'test/x.test.ts']],
    ['node', ['node', '/usr/lib/node_modules/npm/bin/npx-cli.js', 'tsx', 'a.ts']],
    ['node', ['node', '/work/node_modules/tsx/dist/cli.mjs', 'a.ts']],
    ['node', ['node', '/work/node_modules/.bin/tsx', 'a.ts']],
    ['node', ['node', '-e', 'tsx']],
    ['node', ['node', '--', 'tsx']],
    ['node', ['node', '--inspect', 'server.js']],
    ['node', ['node']],
    ['MainThread', ['/usr/bin/node', 'tsx']],
    ['npm exec tsx', ['npm exec tsx a.ts']],
    ['timeout', ['timeout', '5', 'bash', '-c', 'x']],
    ['claude', ['claude', '--resume']],
    ['python3', ['python3', 'x.py']],
    ['env', ['/usr/bin/env', 'bash']],
  ];
  const lines = samples.map(([comm, argv]) => `_cmdc_is_transient ${quote(comm)} ${argv.map((a) => quote(a)).join(' ')}; echo $?`);
  const r = bash(lines.join('\n'), { cwd: dir });
  assert.equal(
    r.out.trim().split('\n'),
    samples.map(([comm, argv]) => (isTransientProcess(comm, argv) ? '0' : '1')),
  );
  rmSync(dir, { recursive: true });
});

test('ids: generated ids parse in TS; validate_workflow_id agrees with TS on good and bad ids', () => {
  const dir = tmp();
  const gen = bash('for i in 1 2 3 4 5; do generate_unique_workflow_id create-plan; done; generate_unique_workflow_id bad_prefix; echo "rc=$?"', { cwd: dir });
  const ids = gen.out.trim().split('\n');
  assert.is(ids.pop(), 'rc=2');
  assert.is(new Set(ids).size, 5);
  for (const id of ids) assert.is(parseWorkflowId(id).prefix, 'create-plan');
  const samples = [
    ids[0]!,
    'debug_1765352600123456789',
    'create_plan_1765352600123456789',
    'debug_1765352600',
    'debug_1765352600123456789_short',
    '../etc_1765352600123456789',
    '1debug_1765352600123456789',
    '',
    'debug_1765352600123456789_V1StGXR8_Z5jdHi6B-myT',
    'de bug_1765352600123456789',
  ];
  const v = bash(READ_VALUES + `for x in "\${VALS[@]}"; do validate_workflow_id "$x" >/dev/null 2>&1; echo $?; done`, {
    cwd: dir,
    args: [valuesFile(dir, samples.map((s) => Buffer.from(s)))],
  });
  assert.equal(v.out.trim().split('\n'), samples.map((s) => (isWorkflowId(s) ? '0' : '1')));
  const p = bash('validate_workflow_id debug_1765352600123456789 debug && validate_workflow_id debug_1765352600123456789 plan; echo "rc=$?"', { cwd: dir });
  assert.match(p.out, /^debug_1765352600123456789\nrc=1\n$/);
  rmSync(dir, { recursive: true });
});

test('JSON checkpoints: saved by bash, loaded by TS and back', () => {
  const dir = tmp();
  const id = 'lean-plan_1765352600123456789_V1StGXR8_Z5jdHi6B-myT';
  const value = { phases: [{ n: 1, title: 'héllo "x" $(y)\n' }], empty: {}, list: [], ok: true, n: null };
  const env = { CMDC_STATE_DIR: dir, WORKFLOW_ID: id };
  const s = bash('save_json_checkpoint plan "$1"', { cwd: dir, env, args: [JSON.stringify(value)] });
  assert.is(s.status, 0, s.err);
  assert.equal(loadCheckpoint(id, 'plan', { dir }), value);
  const path = saveCheckpoint(id, 'ts', value, { dir });
  const l = bash('load_json_checkpoint ts', { cwd: dir, env });
  assert.is(l.out, readFileSync(path, 'utf8'));
  assert.equal(JSON.parse(l.out), value);
  // bash formats like saveCheckpoint (jq --indent 2 = JSON.stringify(v, null, 2) for this value)
  assert.is(readFileSync(join(dir, '.cmdc/checkpoints', id, 'plan.json'), 'utf8'), readFileSync(path, 'utf8'));
  assert.is(bash('load_json_checkpoint missing; echo "rc=$?"', { cwd: dir, env }).out, 'rc=1\n');
  assert.match(bash('save_json_checkpoint bad "{not json"; echo "rc=$?"', { cwd: dir, env }).out, /rc=2/);
  assert.match(bash('save_json_checkpoint ../x "{}"; echo "rc=$?"', { cwd: dir, env }).out, /rc=2/);
  rmSync(dir, { recursive: true });
});

test('error log: bash log_command_error lines equal logError lines (corpus values), bad types rejected', () => {
  const dir = tmp();
  const logs = join(dir, 'logs');
  const fields = CORPUS.filter(([k]) => k !== 'BIG' && k !== 'NOT_UTF8').map(([, v]) => v.toString('utf8'));
  const ctx = { file: 'plan.md', n: 3, nested: { list: [1, 'two'] } };
  const script =
    READ_VALUES +
    `for v in "\${VALS[@]}"; do log_command_error /implement "wf $v" "args $v" parse_error "msg $v" "implement.md:12" "$CTX" || exit 1; done\n` +
    `log_command_error /implement wf "" bogus_error x; echo "rc=$?"\n` +
    `log_command_error /implement wf "" agent_error "ctx not json" "" "not { json"\n`;
  const r = bash(script, { cwd: dir, env: { CMDC_LOG_DIR: logs, CTX: JSON.stringify(ctx, null, 2) }, args: [valuesFile(dir, fields.map((f) => Buffer.from(f)))] });
  assert.is(r.status, 0, r.err);
  assert.match(r.out, /rc=2/);
  assert.match(r.err, /invalid error_type 'bogus_error'/);
  const lines = readFileSync(join(logs, 'errors.jsonl'), 'utf8').split('\n').slice(0, -1);
  assert.is(lines.length, fields.length + 1);
  fields.forEach((f, i) => {
    const parsed = JSON.parse(lines[i]!);
    const expected = serializeErrorEntry(
      makeErrorEntry({
        timestamp: parsed.timestamp,
        command: '/implement',
        workflow_id: `wf ${f}`,
        user_args: `args ${f}`,
        error_type: 'parse_error',
        message: `msg ${f}`,
        source: 'implement.md:12',
        context: ctx,
      }),
    );
    assert.is(lines[i] + '\n', expected, `field ${i}`);
    assert.match(parsed.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(Math.abs(Date.parse(parsed.timestamp) - Date.now()) < 60_000);
  });
  assert.equal(JSON.parse(lines.at(-1)!).context, { raw: 'not { json' });
  const { entries, malformed } = readErrorLog({ dir: logs });
  assert.is(malformed, 0);
  assert.is(entries.length, fields.length + 1);
  rmSync(dir, { recursive: true });
});

test('error log rotation with bash and TS writers at once: no entry lost', async () => {
  const dir = tmp();
  const env = { ...process.env, CMDC_LOG_DIR: dir, CMDC_ERRORS_MAX_BYTES: '2048' };
  const procs: Promise<number | null>[] = [];
  const per = 60;
  for (let w = 0; w < 3; w++) {
    procs.push(
      new Promise((resolve) => {
        const c = spawn('bash', ['-c', PRELUDE + `for i in $(seq 0 ${per - 1}); do log_command_error /stress stress_b${w} "" execution_error "entry $i" x.md:1 "{\\"proc\\":\\"b${w}\\",\\"seq\\":$i}" || exit 1; done`], {
          env,
          stdio: ['ignore', 'inherit', 'inherit'],
        });
        c.on('close', resolve);
      }),
    );
    procs.push(
      new Promise((resolve) => {
        const c = spawn(process.execPath, ['--import', 'tsx', join(root, 'test/helpers/errors-writer.ts'), `${w}`, String(per)], {
          cwd: root,
          env,
          stdio: ['ignore', 'inherit', 'inherit'],
        });
        c.on('close', resolve);
      }),
    );
  }
  assert.equal(await Promise.all(procs), Array(6).fill(0));
  const files = readdirSync(dir);
  assert.ok(files.length > 5, `rotated into ${files.length} files`);
  const seen = new Set<string>();
  let lines = 0;
  for (const f of files) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (!line) continue;
      lines++;
      const e = JSON.parse(line);
      seen.add(`${e.context.proc}:${e.context.seq}`);
    }
  }
  assert.is(lines, 6 * per);
  assert.is(seen.size, 6 * per);
  rmSync(dir, { recursive: true });
});

test('state machine: bash allows exactly the transitions TS allows, for every type and pair', () => {
  const dir = tmp();
  const r = bash(
    `for t in $CMDC_SM_WORKFLOW_TYPES; do for f in $CMDC_SM_STATES; do for to in $CMDC_SM_STATES; do ` +
      `[[ $f == "$to" ]] && continue; cmdc_sm_is_allowed "$t" "$f" "$to" && echo "$t $f $to"; done; done; done`,
    { cwd: dir },
  );
  const expected: string[] = [];
  for (const t of WORKFLOW_TYPES) for (const f of STATES) for (const to of STATES) if (f !== to && isAllowedTransition(t, f, to)) expected.push(`${t} ${f} ${to}`);
  assert.equal(r.out.trim().split('\n'), expected);
  rmSync(dir, { recursive: true });
});

test('state machine: an invalid transition fails the same way in bash and TS (message, log entry), state unchanged', () => {
  const dir = tmp();
  const logs = join(dir, 'logs');
  const id = 'research_1765352600123456789';
  const env = { CMDC_STATE_DIR: dir, CMDC_LOG_DIR: logs, CMDC_OWNER: 'o', COMMAND_NAME: '/research', USER_ARGS: 'topic', CMDC_SOURCE: 'research.md:30' };
  const r = bash(
    `init_workflow_state ${id} >/dev/null; sm_init topic /research research-only 1 '[]'; sm_transition research; ` +
      `sm_transition plan; echo "rc=$?"; sm_transition research; echo "self=$?"; sm_init x /r everything; echo "init=$?"`,
    { cwd: dir, env },
  );
  assert.match(r.out, /rc=1\nself=0\ninit=1/);
  let m = smTransition(smInit('research-only'), 'research');
  let err: InvalidTransitionError | undefined;
  try {
    smTransition(m, 'plan', { command: '/research', workflowId: id, userArgs: 'topic', source: 'research.md:30', log: { dir: join(dir, 'ts-logs') } });
  } catch (e) {
    err = e as InvalidTransitionError;
  }
  assert.ok(err);
  assert.ok(r.err.includes(`ERROR: ${err!.message}`), r.err);
  const [bashEntry, bashInit] = readErrorLog({ dir: logs }).entries;
  const [tsEntry] = readErrorLog({ dir: join(dir, 'ts-logs') }).entries;
  assert.equal({ ...bashEntry!, timestamp: '' }, { ...tsEntry!, timestamp: '' });
  assert.is(bashInit!.error_type, 'validation_error');
  // the failed transition left the persisted machine where it was
  const l = loadState(join(dir, `workflow_${id}.sh`));
  assert.is(l.vars.CURRENT_STATE, 'research');
  assert.equal(l.arrays.COMPLETED_STATES, ['initialize']);
  m = smTransition(m, 'complete');
  assert.is(m.currentState, 'complete');
  rmSync(dir, { recursive: true });
});

test('setup_bash_error_trap logs a failing command as execution_error with line and status', () => {
  const dir = tmp();
  const logs = join(dir, 'logs');
  const r = bash(`setup_bash_error_trap /trap trap_1765352600123456789 "a b"\nfalse\nls /nonexistent-cmdc 2>/dev/null\necho done`, {
    cwd: dir,
    env: { CMDC_LOG_DIR: logs },
  });
  assert.is(r.status, 0, r.err);
  const e = readErrorLog({ dir: logs }).entries;
  assert.is(e.length, 2);
  assert.is(e[0]!.error_type, 'execution_error');
  assert.is(e[0]!.workflow_id, 'trap_1765352600123456789');
  assert.is(e[0]!.user_args, 'a b');
  assert.equal(e[0]!.context, { exit_code: 1, line: 5, failed_command: 'false' });
  assert.is(e[1]!.context.exit_code, 2);
  rmSync(dir, { recursive: true });
});

test.run();
