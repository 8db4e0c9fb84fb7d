/**
 * Property test of the typed tier (compiler/typed): fast-check builds blocks from the statements
 * the typed tier covers (assignments of literals, "$X", $( ) of `$` commands and text glued to one; echo "…$X…"
 * and >&2; `[ -z/-n/= ]` in if, && and ||; external commands and pipelines with simple
 * redirects; exit, export, source, { }; loop, case, function, subshell, group and pipeline-stage
 * bodies made of those; set -e and an ERR trap around them) and each block runs
 * in real bash, compiled exact and compiled typed: both tiers must give bash's stdout, stderr,
 * status and variables. Fixed seed (CMDC_TYPED_SEED / CMDC_TYPED_RUNS explore others). A
 * divergence found here becomes a row of test/differential/rows.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { runTable, same, describe as show, type Row } from './harness.js';

const SEED = Number(process.env.CMDC_TYPED_SEED ?? 14);
const RUNS = Number(process.env.CMDC_TYPED_RUNS ?? 60);

const value = fc.constantFrom('', 'a', 'a b', '-n', 'x*y', "it's", '$HOME', 'ünï', 'A-b', '  two  spaces ', 'line\nnext');
const dq = (s: string) => `"${s.replace(/[\\"$`]/g, '\\$&')}"`;
const name = fc.constantFrom('A', 'B', 'C');
const ref = name.map((n) => `"$${n}"`);
/** A double-quoted word mixing text and references. */
const text = fc.oneof(
  value.map(dq),
  ref,
  fc.tuple(fc.constantFrom('x: ', 'pre-', '[', "'q' "), name, fc.constantFrom('', ' post', '!', ':')).map(([a, n, b]) => `"${a}$${n}${b}"`),
);
const external = fc.oneof(
  fc.constant('cat'),
  fc.constant('tr a-z A-Z'),
  fc.constant('wc -c'),
  fc.constant("sed -e 's/a/<&>/g'"),
  fc.constant('head -c 5'),
  fc.constant('sort'),
);
const source = fc.oneof(
  text.map((t) => `/bin/echo ${t}`),
  fc.constant('cat data.txt'),
  fc.constant('printenv A'),
  fc.constant('cat missing.txt'),
  fc.constant('ls nope'),
);
const pipeline = fc.tuple(source, fc.array(external, { maxLength: 2 }), fc.constantFrom('', ' 2>/dev/null', ' >&2', ' >out.txt', ' >/dev/null'))
  .map(([s, xs, r]) => [s, ...xs].join(' | ') + r);
const test_ = fc.oneof(
  text.map((t) => `[ -z ${t} ]`),
  text.map((t) => `[ -n ${t} ]`),
  fc.tuple(text, fc.constantFrom('=', '==', '!='), text).map(([a, op, b]) => `[ ${a} ${op} ${b} ]`),
);
const simple: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(name, text).map(([n, t]) => `${n}=${t}`) },
  { weight: 1, arbitrary: fc.tuple(name, value).map(([n, v]) => `${n}='${v.replace(/'/g, `'\\''`)}'`) },
  { weight: 2, arbitrary: fc.tuple(name, pipeline.filter((p) => !/[>]/.test(p))).map(([n, p]) => `${n}=$(${p})`) },
  { weight: 2, arbitrary: fc.tuple(name, fc.constantFrom('pre-', '"a b "', '"$A"', "'q'", ''), pipeline.filter((p) => !/[>]/.test(p)), fc.constantFrom('', '-post', '" $B"', "'*'"))
    .filter(([, a, , b]) => a !== '' || b !== '')
    .map(([n, a, p, b]) => `${n}=${a}$(${p})${b}`) },
  { weight: 1, arbitrary: fc.tuple(name, text, pipeline.filter((p) => !/[>]/.test(p))).map(([n, t, p]) => `${n}="${t.slice(1, -1)}:$(${p})"`) },
  { weight: 3, arbitrary: fc.tuple(text, fc.boolean()).map(([t, e]) => `echo ${t}${e ? ' >&2' : ''}`) },
  { weight: 3, arbitrary: pipeline },
  { weight: 1, arbitrary: name.map((n) => `export ${n}`) },
  { weight: 1, arbitrary: fc.constant('source lib.sh') },
  { weight: 1, arbitrary: fc.constant('source missing.sh 2>/dev/null') },
  { weight: 1, arbitrary: fc.constantFrom('exit 3', 'exit 0', 'exit') },
);
/** Two statements as a body (one per line, indented). */
const body = fc.tuple(simple, simple).map(([a, b]) => `  ${a}\n  ${b}`);
/** Compound commands whose bodies the typed tier walks (compiler/typed/compound.ts). */
const compound: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom('1 "2 3"', '"$A" "$B"', ''), body).map(([items, b]) => `for i in ${items}; do\n${b}\ndone`),
  fc.tuple(test_, body).map(([c, b]) => `n=""\nwhile [ "$n" != "xx" ]; do\n  n="\${n}x"\n${b}\n  if ${c}; then break; fi\ndone`),
  fc.tuple(body, fc.constantFrom('', ' >&2')).map(([b, r]) => `while read -r l; do\n  echo "got $l"${r}\n${b}\ndone < data.txt`),
  fc.tuple(source, simple).map(([c, a]) => `${c} | while read -r l; do\n  echo "piped $l"\n  ${a}\ndone`),
  fc.tuple(name, body, simple).map(([n, b, c]) => `case "$${n}" in\n  a|"a b")\n${b}\n    ;;\n  *) ${c} ;;\nesac`),
  fc.tuple(body, fc.constantFrom('f', 'f | cat', 'f >&2', 'X=$(f)', 'f; f')).map(([b, call]) => `f() {\n${b}\n}\n${call}`),
  body.map((b) => `(\n${b}\n)`),
  fc.tuple(body, fc.constantFrom('>grp.txt', '2>&1', '>/dev/null')).map(([b, r]) => `{\n${b}\n} ${r}`),
);
const stmt: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: simple },
  { weight: 2, arbitrary: fc.tuple(test_, simple, fc.option(simple)).map(([c, a, b]) => `if ${c}; then\n  ${a}\n${b === null ? '' : `else\n  ${b}\n`}fi`) },
  { weight: 2, arbitrary: fc.tuple(test_, fc.constantFrom('&&', '||'), simple).map(([c, op, a]) => `${c} ${op} ${a}`) },
  { weight: 1, arbitrary: fc.tuple(source, simple).map(([c, a]) => `${c} || { ${a}; echo failed >&2; }`) },
  { weight: 3, arbitrary: compound },
);
const prelude = fc.constantFrom('', 'set -e', "trap 'echo \"ERR $?\" >&2' ERR", "set -e; trap 'echo \"ERR $?\"' ERR");
const block = fc.tuple(prelude, fc.array(fc.tuple(name, value), { maxLength: 3 }), fc.array(stmt, { minLength: 2, maxLength: 6 }))
  .map(([p, init, ss]) => [p, ...init.map(([n, v]) => `${n}=${dq(v)}`), ...ss, 'echo "end $A|$B|$C"'].filter(Boolean).join('\n'));

const programs = fc.sample(block, { numRuns: RUNS, seed: SEED });
const rows: Row[] = programs.map((bash, i) => ({
  name: `typed property ${i}`,
  bash,
  files: { 'data.txt': 'alpha\nbeta\n', 'lib.sh': 'LIBVAR=1\necho "lib sourced $A"\n' },
  vars: ['A', 'B', 'C', 'LIBVAR', 'i', 'n', 'l'],
}));

const exact = await runTable(rows, { profile: 'script', emit: 'exact' });
const typed = await runTable(rows, { profile: 'script', emit: 'typed' });
const bad = [...exact, ...typed].filter((c) => !same(c));
console.log(`typed property: ${programs.length} blocks (seed ${SEED}); exact ${exact.length - exact.filter((c) => !same(c)).length}/${exact.length}, ` +
  `typed ${typed.length - typed.filter((c) => !same(c)).length}/${typed.length} identical to bash`);

for (const c of exact) test(`[exact] bash ≡ compiled: ${c.row.name}`, () => { if (!same(c)) assert.unreachable(show(c)); });
for (const c of typed) test(`[typed] bash ≡ compiled: ${c.row.name}`, () => { if (!same(c)) assert.unreachable(show(c)); });

test('the typed tier covers most generated blocks', () => {
  assert.ok(typed.length >= programs.length * 0.9, `${typed.length}/${programs.length} blocks have typed statements`);
});
void bad;

test.run();
