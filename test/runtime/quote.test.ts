/**
 * Quoting and the state-file parser (runtime/store/format.ts): what the writer emits, what the parser
 * accepts (including hand-written and seed-style lines) and rejects, and torn-tail detection
 * at every possible cut point, checked against real bash where it matters.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assertKeyName,
  formatArrayAssignment,
  formatAssignment,
  formatMetaLine,
  formatRecordLine,
  keyNameProblem,
  parseStateText,
  quote,
  quoteBytes,
  valueBytes,
} from '../../runtime/store/format.js';
import { InvalidKeyError, InvalidValueError, StateParseError } from '../../runtime/store/errors.js';
import { tempDir } from '../helpers/tmp.js';

const B = (s: string) => Buffer.from(s, 'utf8');
const tmp = tempDir('quote');

/** What bash makes of `VAR=<word>`: the value bytes, via printf '%s'. */
function bashValue(word: string): Buffer {
  const f = join(tmp, 'w.sh');
  writeFileSync(f, `V=${word}\n`);
  const r = spawnSync('bash', ['-c', 'source "$1"; printf %s "$V"', 'b', f], { cwd: tmp, env: { PATH: process.env.PATH, LC_ALL: 'C' } });
  assert.is(r.status, 0, r.stderr.toString());
  return r.stdout;
}

test('quoteBytes: printable ASCII literal, \\\\ and \\\' escaped, \\n \\t \\r, everything else \\xHH', () => {
  const cases: [string | Buffer, string][] = [
    ['', "$''"],
    ['plain text 123', "$'plain text 123'"],
    ["it's", "$'it\\'s'"],
    ['a\\b', "$'a\\\\b'"],
    ['$(x) `y` "z" !w', "$'$(x) `y` \"z\" !w'"],
    ['a\nb\tc\rd', "$'a\\nb\\tc\\rd'"],
    ['\x01\x1f\x7f', "$'\\x01\\x1f\\x7f'"],
    ['é', "$'\\xc3\\xa9'"],
    [Buffer.from([0xff, 0x41, 0x31]), "$'\\xffA1'"],
    ['\x0aA', "$'\\nA'"],
    ['\x1bfoo', "$'\\x1bfoo'"],
  ];
  for (const [v, q] of cases) assert.is(quoteBytes(typeof v === 'string' ? B(v) : v), q, JSON.stringify(v));
  // every output is pure printable ASCII on one line
  const all = Buffer.from(Array.from({ length: 255 }, (_, i) => i + 1));
  assert.match(quoteBytes(all), /^[\x20-\x7e]+$/);
});

test('every byte 1..255 round-trips through the parser and through bash', () => {
  const all = Buffer.from(Array.from({ length: 255 }, (_, i) => i + 1));
  const word = quoteBytes(all);
  const parsed = parseStateText(B(`V=${word}\n`));
  assert.ok((parsed.records[0] as { value: Buffer }).value.equals(all));
  assert.ok(bashValue(word).equals(all));
});

test('parser reads what bash reads: a table of hand-written and seed-style words', () => {
  const words = [
    "$'a\\x41\\x4g\\x'", // \x41 -> A, \x4 then g, bare \x kept
    "$'\\101\\0101\\7'", // octal
    "$'\\a\\b\\e\\E\\f\\v\\?\\\"\\z'", // simple escapes, unknown \z kept
    "$'\\cA\\ca'", // control chars
    "'single $(x) `y` \\'", // plain single quotes
    '"double \\" \\\\ \\$ \\` $ x"', // legacy double quotes, escapes only
    'bare/path:with@chars%+,=-1.2',
    "pre$'mid'post'sq'\"dq\"", // concatenation
    "''",
    '',
  ];
  for (const w of words) {
    const parsed = parseStateText(B(`V=${w}\n`), 't');
    const got = (parsed.records[0] as { value: Buffer }).value;
    const want = bashValue(w);
    assert.ok(got.equals(want), `${w}: parser ${JSON.stringify(got.toString('latin1'))} bash ${JSON.stringify(want.toString('latin1'))}`);
  }
});

test('parser: statement forms (records, export/declare, arrays, meta, comments, blank lines)', () => {
  const text = [
    '# a comment',
    '',
    "# cmdc:status=$'running'",
    "{ A=$'1'; B=($'x' $'y z'); }",
    'export C="c"',
    'declare -gx D=d',
    'E=e F=f; G=g',
    'H=(',
    "  'h1'",
    '  h2',
    ')',
    "I=()   # trailing comment",
    "# cmdc:status=$'done'",
    '',
  ].join('\n');
  const p = parseStateText(B(text), 't');
  assert.is(p.torn, false);
  assert.is(p.missingNewline, false);
  const shape = p.records.map((r) =>
    r.kind === 'array' ? `${r.name}=(${r.values.map(String).join(',')})` : r.kind === 'meta' ? `#${r.key}=${r.value}` : `${r.name}=${r.value}`,
  );
  assert.equal(shape, ['#status=running', 'A=1', 'B=(x,y z)', 'C=c', 'D=d', 'E=e', 'F=f', 'G=g', 'H=(h1,h2)', 'I=()', '#status=done']);
});

test('parser rejects anything that would be evaluated, with file:line', () => {
  const bad = [
    'A=$(touch X)',
    'A=`touch X`',
    'A=$B',
    'A="$(touch X)"',
    'A="`x`"',
    'A="${B}"',
    'A=~/x',
    'A=*',
    'touch X',
    'A=1 touch X',
    'A[1]=x',
    'A+=x',
    'A=(x [2]=y)',
    "{ A=$'1' }",
    'declare -n A=B',
    "A=$'\\u00e9'",
    "A=$'\\x00'",
    'A=x; rm -rf /',
  ];
  for (const line of bad) {
    try {
      parseStateText(B(`OK=1\n${line}\n`), 'f.sh');
      assert.unreachable(`accepted ${line}`);
    } catch (e) {
      assert.instance(e, StateParseError, line);
      assert.match((e as Error).message, /^f\.sh:2: /, line);
    }
  }
});

test('lenient mode: the statements strict mode refuses are skipped (their lines listed), the rest kept as in strict', () => {
  const shape = (text: string) => {
    const p = parseStateText(B(text), 'f.sh', { mode: 'lenient' });
    const recs = p.records.map((r) => (r.kind === 'array' ? `${r.name}=(${r.values.map(String).join(',')})` : r.kind === 'meta' ? `#${r.key}=${r.value}` : `${r.name}=${r.value}`));
    return { recs, skipped: p.skipped };
  };
  // one bad line of each kind the strict parser refuses, between good ones
  const bad = ['A=$(touch X)', 'A="${B}"', 'touch X', 'A=1 touch X', 'PATH=/tmp/evil', 'A[1]=x', 'A=x; rm -rf /', "A=$'\\x00'"];
  for (const line of bad) {
    assert.throws(() => parseStateText(B(`OK=1\n${line}\nNEXT='n'\n`), 'f.sh'), (e: unknown) => e instanceof StateParseError, line);
    assert.equal(shape(`OK=1\n${line}\nNEXT='n'\n`), { recs: ['OK=1', "NEXT=n"], skipped: [2] }, line);
  }
  // a multi-line statement that fails is skipped line by line; later good statements survive
  assert.equal(shape(`A="x\n$(evil)\n"\nexport B=b\n{ C=$'c'; D=($'d1' $'d2'); }\n`), {
    recs: ['B=b', 'C=c', 'D=(d1,d2)'], skipped: [1, 2, 3],
  });
  // a torn tail (even one strict mode calls an error) is skipped, not thrown
  assert.equal(shape(`OK=1\nT='unterminated`), { recs: ['OK=1'], skipped: [2] });
  assert.throws(() => parseStateText(B("OK=1\nX=$(y"), "f.sh"), (e: unknown) => e instanceof StateParseError);
  assert.equal(shape('OK=1\nX=$(y'), { recs: ['OK=1'], skipped: [2] });
  // on what the writer produces, lenient and strict agree record for record
  const good = formatMetaLine('status', 'running') + formatRecordLine([formatAssignment('A', B("x'y\\z\n\x01é")), formatArrayAssignment('R', [B('a b'), B('')])]) + "export S='s'\n";
  const strict = parseStateText(B(good), 't');
  const lenient = parseStateText(B(good), 't', { mode: 'lenient' });
  assert.equal(lenient.records, strict.records);
  assert.equal(lenient.skipped, []);
  assert.equal(strict.skipped, []);
});

test('a record cut at every byte is torn (ignored, cleanLength before it), never misread', () => {
  const head = formatMetaLine('status', 'running') + formatRecordLine([formatAssignment('A', B('keep'))]);
  const tails = [
    formatRecordLine([formatAssignment('reboot', B("x'y\\z\n\x01é")), formatArrayAssignment('ARR', [B('a b'), B('')])]),
    formatMetaLine('status', 'done'),
    formatMetaLine('block', '12'),
  ];
  for (const tail of tails) {
    const full = B(head + tail);
    for (let cut = head.length + 1; cut < full.length; cut++) {
      const p = parseStateText(full.subarray(0, cut), 't');
      const complete = cut === full.length - 1; // only the final newline is missing
      const label = `cut ${cut} of ${JSON.stringify(tail)}`;
      assert.is(p.missingNewline, true);
      if (complete) {
        assert.is(p.torn, false, label);
        assert.ok(p.records.length > 2, label);
      } else {
        // a cut inside the "# cmdc:" tag leaves a plain comment: harmless to bash and parser alike
        const plainComment = tail.startsWith('#') && cut - head.length < 7;
        assert.is(p.torn, !plainComment, label);
        if (p.torn) assert.is(p.cleanLength, head.length, label);
        assert.is(p.records.length, 2, label);
      }
    }
  }
});

test('bash never runs any part of a torn record (cut at every byte of `{ reboot=...; }`)', () => {
  const rec = formatRecordLine([formatAssignment('touch', B('x')), formatAssignment('SENTINEL', B('y'))]);
  const f = join(tmp, 'torn.sh');
  for (let cut = 1; cut < rec.length - 1; cut++) {
    writeFileSync(f, "{ A=$'ok'; }\n" + rec.slice(0, cut));
    const r = spawnSync('bash', ['-c', 'source "$1"; echo "rc=$? A=$A touch=${touch-unset}"', 'b', f], { cwd: tmp });
    assert.is(r.stdout.toString().trim(), 'rc=2 A=ok touch=unset', `cut ${cut}: ${rec.slice(0, cut)}`);
  }
});

test('key names: bash names only, reserved names rejected with a clear reason', () => {
  for (const ok of ['A', '_x', 'PLAN_FILE', 'a1', '__proto__', 'constructor', 'WORKFLOW_ID', 'CLAUDE_PROJECT_DIR']) {
    assert.is(keyNameProblem(ok), undefined, ok);
  }
  const bad: [string, RegExp][] = [
    ['', /bash variable name/],
    ['1A', /bash variable name/],
    ['A-B', /bash variable name/],
    ['A B', /bash variable name/],
    ['A;rm', /bash variable name/],
    ['é', /bash variable name/],
    ['A\n', /bash variable name/],
    ['IFS', /reserved/],
    ['PATH', /reserved/],
    ['PS4', /reserved/],
    ['BASH_ENV', /reserved/],
    ['SHELLOPTS', /reserved/],
    ['BASHOPTS', /reserved/],
    ['LD_PRELOAD', /reserved/],
    ['LC_ALL', /reserved/],
    ['CMDC_OWNER', /reserved/],
    ['CLAUDE_CODE_SESSION_ID', /reserved/],
    ['_', /reserved/],
    ['UID', /reserved/],
  ];
  for (const [k, re] of bad) {
    try {
      assertKeyName(k);
      assert.unreachable(k);
    } catch (e) {
      assert.instance(e, InvalidKeyError);
      assert.match((e as Error).message, re, k);
      assert.match((e as Error).message, /invalid state key/);
    }
  }
});

test('values: NUL and lone surrogates rejected (bytes API for raw bytes), quote() of strings is UTF-8', () => {
  assert.throws(() => valueBytes('K', 'a\0b'), (e: unknown) => e instanceof InvalidValueError && /NUL/.test((e as Error).message));
  assert.throws(() => valueBytes('K', Buffer.from([1, 0])), (e: unknown) => e instanceof InvalidValueError);
  assert.throws(() => valueBytes('K', 'a\ud800b'), (e: unknown) => e instanceof InvalidValueError && /surrogate/.test((e as Error).message));
  assert.ok(valueBytes('K', '🦀').equals(B('🦀')));
  // a surrogate-escaped byte (runtime/lang/bytes.ts) is that byte; other lone low surrogates are refused
  assert.ok(valueBytes('K', 'a\udcffb\udc80').equals(Buffer.from([0x61, 0xff, 0x62, 0x80])));
  assert.throws(() => valueBytes('K', 'a\udc41'), (e: unknown) => e instanceof InvalidValueError);
  assert.is(quote('é'), "$'\\xc3\\xa9'");
});

test.run();
