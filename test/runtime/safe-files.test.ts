/**
 * cmdc's files are private and never reached through a link (issue 12, items 3 and 4), in the
 * TS runtime and in cmdc's bash library alike:
 *   - created 0600 (state files, run records, lock files, owner-index entries, checkpoints,
 *     errors.jsonl) and directories 0700, under a umask of 000;
 *   - a state file, run record or error log replaced by a symlink is refused (the link target
 *     is never written), so is a file owned by another user or writable by group/others, with
 *     the reason;
 *   - `cmdc state list` warns about existing files with wider modes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createState, loadState, openState } from '../../runtime/store/state.js';
import { logError } from '../../runtime/store/error-log.js';
import { saveCheckpoint } from '../../runtime/store/checkpoint.js';
import { acquireLock } from '../../runtime/store/lock.js';
import { UnsafeFileError } from '../../runtime/store/errors.js';
import { createStore } from '../../runtime/runner/instances.js';
import { runRecordPath } from '../../runtime/store/paths.js';
import { modeWarningLines } from '../../cli/state.js';
import { tempDir } from '../helpers/tmp.js';

const ROOT = resolve(import.meta.dirname, '../..');
const LIB = join(ROOT, 'runtime/lib/state-persistence.sh');
const mode = (p: string) => lstatSync(p).mode & 0o777;
const isRoot = process.getuid?.() === 0;

/** Every file and directory under `dir` with its mode. */
function modes(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      out.set(p, mode(p));
      if (lstatSync(p).isDirectory()) walk(p);
    }
  };
  out.set(dir, mode(dir));
  walk(dir);
  return out;
}

function assertPrivate(dir: string, atLeast: number): void {
  const all = modes(dir);
  assert.ok(all.size >= atLeast, `${dir} holds ${all.size} entries`);
  for (const [p, m] of all) {
    const want = lstatSync(p).isDirectory() ? 0o700 : 0o600;
    assert.is(m.toString(8), want.toString(8), `${p}`);
  }
}

test('TS runtime: files 0600 and directories 0700 under umask 000', () => {
  const old = process.umask(0);
  try {
    const base = tempDir('modes-ts');
    const dir = join(base, 'proj', '.claude', 'tmp');
    const logs = join(base, 'logs');
    const s = createState('modes', { dir, owner: 'o' });
    s.append('KEY', 'sk-secret');
    s.setStatus('paused');
    saveCheckpoint(s.id, 'plan', { a: 1 }, { dir });
    const store = createStore({ env: { CMDC_STATE_DIR: dir, CMDC_OWNER: 'o' }, cwd: base });
    store.create('modes', ['arg']);
    acquireLock(join(dir, '.cmdc', 'locks', 'held.lock')); // left held: its mode counts too
    logError({ command: '/modes', error_type: 'state_error', message: 'x' }, { dir: logs });
    assertPrivate(dir, 12);
    assertPrivate(logs, 2);
    assert.is(mode(join(base, 'proj', '.claude')), 0o700); // created by cmdc, so private too
  } finally {
    process.umask(old);
  }
});

test("bash library: files 0600 and directories 0700 under umask 000", () => {
  const base = tempDir('modes-bash');
  const r = spawnSync(
    'bash',
    ['--norc', '-c', `umask 000; source ${JSON.stringify(LIB)}; init_workflow_state modes_1765352600123456789_V1StGXR8_Z5jdHi6B-myT >/dev/null && append_workflow_state KEY sk-secret && set_workflow_status paused && save_json_checkpoint plan '{"a":1}' && log_command_error /modes "" "" state_error x && umask`],
    { cwd: base, encoding: 'utf8', env: { PATH: process.env.PATH, CMDC_STATE_DIR: join(base, 'state'), CMDC_LOG_DIR: join(base, 'logs'), CMDC_OWNER: 'o' } },
  );
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, '0000\n', 'the caller keeps its umask');
  assertPrivate(join(base, 'state'), 9);
  assertPrivate(join(base, 'logs'), 2);
});

/** A state dir with one instance, whose state file, run record and log are then swapped for links. */
function instanceWithLinks(kind: 'state' | 'record' | 'log') {
  const base = tempDir(`links-${kind}`);
  const dir = join(base, 'state');
  const logs = join(base, 'logs');
  const target = join(base, 'outside.txt');
  writeFileSync(target, 'untouched\n');
  const store = createStore({ env: { CMDC_STATE_DIR: dir, CMDC_OWNER: 'o', CMDC_LOG_DIR: logs }, cwd: base });
  const inst = store.create('links', []);
  const path = kind === 'state' ? inst.file : kind === 'record' ? runRecordPath(dir, inst.id) : join(logs, 'errors.jsonl');
  mkdirSync(logs, { recursive: true });
  if (existsSync(path)) renameSync(path, `${path}.orig`);
  symlinkSync(target, path);
  return { base, dir, logs, target, inst, store, path };
}

test('TS runtime: a state file, run record or error log that is a symlink is refused; the target is never written', () => {
  const st = instanceWithLinks('state');
  assert.throws(() => openState(st.inst.id, { dir: st.dir }).append('A', '1'), (e: unknown) => e instanceof UnsafeFileError && /symbolic link/.test((e as Error).message));
  assert.throws(() => loadState(st.inst.id, { dir: st.dir }), (e: unknown) => e instanceof UnsafeFileError);
  assert.throws(() => st.store.append(st.inst, 'AGENT_OUTPUT_1', 'x'), (e: unknown) => e instanceof UnsafeFileError);
  assert.is(readFileSync(st.target, 'utf8'), 'untouched\n');

  const rec = instanceWithLinks('record');
  assert.throws(() => rec.store.get('links', rec.inst.id), (e: unknown) => e instanceof UnsafeFileError);
  assert.is(readFileSync(rec.target, 'utf8'), 'untouched\n');

  const log = instanceWithLinks('log');
  assert.throws(() => logError({ command: '/x', error_type: 'state_error', message: 'secret' }, { dir: log.logs }), (e: unknown) => e instanceof UnsafeFileError);
  assert.is(readFileSync(log.target, 'utf8'), 'untouched\n');
});

test('TS runtime: a state file writable by group or others, or owned by another user, is refused with the reason', () => {
  const dir = join(tempDir('unsafe-ts'), 'state');
  const s = createState('unsafe', { dir, owner: 'o' });
  s.append('A', '1');
  chmodSync(s.path, 0o664);
  assert.throws(() => loadState(s.path), /group or others can write it \(mode 0664\)/);
  assert.throws(() => s.append('B', '2'), /group or others can write it/);
  chmodSync(s.path, 0o644); // readable by others: still used (state list warns)
  assert.is(loadState(s.path).vars.A, '1');
  if (isRoot) {
    chmodSync(s.path, 0o600);
    chownSync(s.path, 65534, 65534);
    assert.throws(() => loadState(s.path), /owned by uid 65534, not by you \(uid 0\)/);
  }
});

test("bash library: symlinked, group-writable or foreign state files and logs are refused; targets untouched", () => {
  const base = tempDir('unsafe-bash');
  const target = join(base, 'outside.txt');
  writeFileSync(target, 'untouched\n');
  const ID = 'unsafe_1765352600123456789_V1StGXR8_Z5jdHi6B-myT';
  const env = { PATH: process.env.PATH, CMDC_STATE_DIR: join(base, 'state'), CMDC_LOG_DIR: join(base, 'logs'), CMDC_OWNER: 'o' };
  const bash = (text: string) => spawnSync('bash', ['--norc', '-c', `source ${JSON.stringify(LIB)}\n${text}`], { cwd: base, encoding: 'utf8', env });
  assert.is(bash(`init_workflow_state ${ID} >/dev/null && append_workflow_state A 1`).status, 0);
  const file = join(base, 'state', `workflow_${ID}.sh`);
  // group-writable: load and append refuse
  chmodSync(file, 0o664);
  let r = bash(`load_workflow_state ${ID}; echo "s=$? A=\${A-unset}"; append_workflow_state B 2; echo "s=$?"`);
  assert.is(r.stdout, 's=1 A=unset\ns=1\n');
  assert.match(r.stderr, new RegExp(`refusing ${file}: group or others can write it \\(mode 0664\\)`));
  chmodSync(file, 0o600);
  if (isRoot) {
    chownSync(file, 65534, 65534);
    r = bash(`load_workflow_state ${ID}; echo "s=$?"`);
    assert.is(r.stdout, 's=1\n');
    assert.match(r.stderr, /owned by uid 65534, not by you \(uid 0\)/);
    chownSync(file, 0, 0);
  }
  // a symlink: load, append and discovery refuse, the target is untouched
  renameSync(file, `${file}.orig`);
  symlinkSync(target, file);
  r = bash(`load_workflow_state ${ID}; echo "s=$?"; STATE_FILE=${file}; append_workflow_state B 2; echo "s=$?"; unset STATE_FILE; discover_latest_state_file unsafe; echo "s=$?"`);
  assert.is(r.stdout, 's=1\ns=1\ns=1\n', r.stderr);
  assert.match(r.stderr, /it is a symbolic link/);
  // the error log
  mkdirSync(join(base, 'logs'), { recursive: true });
  symlinkSync(target, join(base, 'logs', 'errors.jsonl'));
  r = bash(`log_command_error /x "" "" state_error secret; echo "s=$?"`);
  assert.is(r.stdout, 's=1\n');
  assert.match(r.stderr, /refusing .*errors\.jsonl: it is a symbolic link/);
  assert.is(readFileSync(target, 'utf8'), 'untouched\n');
});

test('cmdc state list warns about state files and directories others can read', () => {
  const dir = join(tempDir('warn'), 'state');
  const s = createState('warn', { dir, owner: 'o' });
  assert.equal(modeWarningLines(dir), []);
  chmodSync(s.path, 0o644);
  chmodSync(dir, 0o755);
  const lines = modeWarningLines(dir);
  assert.ok(lines.some((l) => l.includes(`${s.path} is mode 0644: group and others can read it`)), lines.join('\n'));
  assert.ok(lines.some((l) => l.includes(`${dir} is mode 0755`)), lines.join('\n'));
  assert.match(lines[lines.length - 1]!, new RegExp(`fix: chmod -R go-rwx ${dir}`));
});

test.run();
