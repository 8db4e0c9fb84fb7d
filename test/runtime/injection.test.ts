/**
 * Injection corpus and random bytes: every value round-trips exactly through the TS parser
 * and through bash `source` (compared as bytes), nothing in a value is ever executed
 * (SENTINEL never appears), bad key names are rejected before anything is written.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createState, loadState } from '../../runtime/store/state.js';
import { InvalidKeyError, StateParseError } from '../../runtime/store/errors.js';
import { bashLoad } from '../helpers/bash-load.js';
import { tempDir } from '../helpers/tmp.js';

const cwd = tempDir('inj-cwd');
const SENTINEL = join(cwd, 'SENTINEL');
const env = { CMDC_STATE_DIR: tempDir('inj-state'), CMDC_OWNER: 'injection' };

const corpus: Record<string, string | Buffer> = {
  SUBST: '$(touch SENTINEL)',
  SUBST_ABS: `$(touch ${SENTINEL})`,
  BACKTICK: '`touch SENTINEL`',
  SQUOTE: "'",
  SQUOTE_BREAK: "'; touch SENTINEL; '",
  DQUOTE: '"',
  DQUOTE_BREAK: '"; touch SENTINEL; "',
  BACKSLASH: '\\',
  TRAILING_BACKSLASH: 'abc\\',
  BACKSLASH_QUOTE: "\\'",
  NEWLINE: '\n',
  NEWLINE_CMD: 'x\ntouch SENTINEL\n',
  CRLF: 'a\r\nb',
  CTRL_01: '\x01',
  CTRL_7F: '\x7f',
  CTRL_ALL: Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)).join(''),
  BANG: '!',
  BANGS: '!! !$ !-1 !touch',
  UNICODE: 'héllo wörld 日本語 🦀 \u2028 \u00a0 \ufeff',
  PARAM: '${IFS} $HOME ${PATH:0:1} $((1+1)) $0 $@',
  GLOB: '* ? [a-z] ~ ~root {a,b}',
  ANSI_C_LOOKALIKE: "$'\\x27' \\x41 \\n",
  ESC_SEQ: '\x1b[31mred\x1b[0m',
  SEMI: '; touch SENTINEL; # comment',
  BRACE_BREAK: "'; }; touch SENTINEL; { A=$'",
  EMPTY: '',
  SPACES: '  leading and trailing  ',
  HEREDOC: '<<EOF\ntouch SENTINEL\nEOF',
  NON_UTF8: Buffer.from([0xff, 0xfe, 0x80, 0xc3, 0x28, 0x27, 0x5c, 0x0a]),
  HIGH_BYTES: Buffer.from(Array.from({ length: 128 }, (_, i) => i + 128)),
  ONE_MB: 'x$(touch SENTINEL)\'"\\\n'.repeat(65_536).slice(0, 1 << 20),
};

const bytesOf = (v: string | Buffer) => (typeof v === 'string' ? Buffer.from(v, 'utf8') : v);

test('injection corpus: exact round-trip through TS and bash, SENTINEL never created', () => {
  const s = createState('inject', { env });
  s.appendMany(corpus); // one record
  for (const [k, v] of Object.entries(corpus)) s.append(`${k}_SINGLE`, v); // one record each
  s.appendArray('ARR', Object.values(corpus).filter((v) => typeof v === 'string' || true));
  const st = loadState(s.path);
  const keys: string[] = [];
  for (const [k, v] of Object.entries(corpus)) {
    for (const key of [k, `${k}_SINGLE`]) {
      keys.push(key);
      assert.ok(st.varBytes[key]!.equals(bytesOf(v)), `TS bytes ${key}`);
      if (typeof v === 'string') assert.is(st.vars[key], v, `TS string ${key}`);
    }
  }
  assert.is(st.arrayBytes.ARR!.length, Object.keys(corpus).length);
  Object.values(corpus).forEach((v, i) => assert.ok(st.arrayBytes.ARR![i]!.equals(bytesOf(v)), `TS ARR[${i}]`));

  const b = bashLoad(s.path, [...keys, 'ARR'], cwd);
  assert.is(b.status, 0, b.stderr);
  assert.is(b.stderr, '');
  for (const key of keys) assert.ok(b.vars.get(key)?.equals(st.varBytes[key]!), `bash ${key}`);
  const arr = b.arrays.get('ARR')!;
  assert.is(arr.length, st.arrayBytes.ARR!.length);
  arr.forEach((v, i) => assert.ok(v.equals(st.arrayBytes.ARR![i]!), `bash ARR[${i}]`));
  assert.not.ok(existsSync(SENTINEL), 'SENTINEL created');
  // the file is pure printable ASCII, one record per line
  const text = readFileSync(s.path);
  assert.ok(text.every((c) => c === 0x0a || (c >= 0x20 && c <= 0x7e)));
});

test('property: random byte strings (no NUL) round-trip exactly through TS and bash', () => {
  const arb = fc.uint8Array({ minLength: 0, maxLength: 300 }).map((a) => Buffer.from(a.map((x) => x || 1)));
  const samples = fc.sample(arb, 400);
  const strings = fc.sample(fc.string({ unit: 'grapheme', maxLength: 80 }), 200);
  const arrays = fc.sample(fc.array(arb, { maxLength: 6 }), 50);
  const s = createState('prop', { env });
  const rec: Record<string, Buffer | string | Buffer[]> = {};
  samples.forEach((b, i) => (rec[`B${i}`] = b));
  strings.forEach((x, i) => (rec[`S${i}`] = x));
  arrays.forEach((a, i) => (rec[`A${i}`] = a));
  // half in one record, half one by one
  const entries = Object.entries(rec);
  s.appendMany(Object.fromEntries(entries.slice(0, entries.length / 2)));
  for (const [k, v] of entries.slice(entries.length / 2)) {
    if (Array.isArray(v)) s.appendArray(k, v);
    else s.append(k, v);
  }
  const st = loadState(s.path);
  const b = bashLoad(s.path, Object.keys(rec), cwd);
  assert.is(b.status, 0, b.stderr);
  for (const [k, v] of entries) {
    if (Array.isArray(v)) {
      assert.is(st.arrayBytes[k]!.length, v.length, k);
      v.forEach((x, i) => assert.ok(st.arrayBytes[k]![i]!.equals(x), `TS ${k}[${i}]`));
      assert.is(b.arrays.get(k)!.length, v.length, k);
      v.forEach((x, i) => assert.ok(b.arrays.get(k)![i]!.equals(x), `bash ${k}[${i}]`));
    } else {
      const want = bytesOf(v);
      assert.ok(st.varBytes[k]!.equals(want), `TS ${k}`);
      assert.ok(b.vars.get(k)!.equals(want), `bash ${k}: ${JSON.stringify(want.toString('latin1'))}`);
      if (typeof v === 'string') assert.is(st.vars[k], v);
    }
  }
  assert.not.ok(existsSync(SENTINEL));
});

test('property (in process, many runs): quote then parse is the identity on bytes', () => {
  const s = createState('prop2', { env });
  let n = 0;
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (a) => {
      const v = Buffer.from(a.map((x) => x || 1));
      const key = `K${n++}`;
      s.append(key, v);
      return loadState(s.path, { repair: false }).varBytes[key]!.equals(v);
    }),
    { numRuns: 300 },
  );
});

test('bad key names are rejected with a clear error, and nothing of the record is written', () => {
  const s = createState('badkeys', { env });
  const before = readFileSync(s.path);
  for (const bad of ['1A', 'A-B', 'A B', '', '$(touch SENTINEL)', 'A=B', 'A;touch SENTINEL', 'IFS', 'PATH', 'BASH_ENV', 'PS4', 'LD_PRELOAD']) {
    try {
      s.appendMany({ GOOD: 'x', [bad]: 'y' });
      assert.unreachable(`accepted key ${JSON.stringify(bad)}`);
    } catch (e) {
      assert.instance(e, InvalidKeyError);
      assert.match((e as Error).message, /invalid state key/);
    }
    assert.throws(() => s.append(bad, 'v'), (e: unknown) => e instanceof InvalidKeyError);
    assert.throws(() => s.appendArray(bad, ['v']), (e: unknown) => e instanceof InvalidKeyError);
  }
  assert.ok(readFileSync(s.path).equals(before), 'file unchanged');
  assert.not.ok(existsSync(SENTINEL));
});

test('__proto__ and other Object.prototype names are ordinary keys', () => {
  const s = createState('proto', { env });
  s.appendMany({ __proto__x: '1' });
  s.append('__proto__', 'p');
  s.append('constructor', 'c');
  s.appendArray('hasOwnProperty', ['h']);
  const st = loadState(s.path);
  assert.is(st.vars.__proto__, 'p');
  assert.is(st.vars.constructor, 'c');
  assert.equal(st.arrays.hasOwnProperty, ['h']);
  assert.is(Object.getPrototypeOf(st.vars), null);
  const v = s.view<{ __proto__: string }>();
  assert.is(v.__proto__, 'p');
});

test('a hand-made state file with commands in it is refused by the TS reader, not run', () => {
  const f = join(env.CMDC_STATE_DIR, 'workflow_evil_1765352600123456789.sh');
  for (const line of [`touch ${SENTINEL}`, `A=$(touch ${SENTINEL})`, `A="\`touch ${SENTINEL}\`"`, `A=1 touch ${SENTINEL}`]) {
    writeFileSync(f, `B=1\n${line}\n`);
    assert.throws(() => loadState(f), (e: unknown) => e instanceof StateParseError && /:2: /.test((e as Error).message));
  }
  assert.not.ok(existsSync(SENTINEL));
});

test.run();
