/**
 * Property: random bash from a small grammar → parse → translateBlock never throws, and the
 * emitted code type-checks (one `tsc`-equivalent check per batch, via ts-morph's checker).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import * as path from 'node:path';
import { Project } from 'ts-morph';
import { parseBash } from '../../compiler/parse.js';
import { createContext } from '../../compiler/context.js';
import { translateBlock } from '../../compiler/translate/index.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

const name = fc.constantFrom('x', 'y', 'FILE', 'A', 'i');
const lit = fc.constantFrom('a', 'hello', '*.md', '-n', '1', 'a b', '');
const word: fc.Arbitrary<string> = fc.oneof(
  lit.map((s) => (s.includes(' ') || s === '' ? `"${s}"` : s)),
  name.map((n) => `$${n}`),
  name.map((n) => `"\${${n}}"`),
  fc.tuple(name, fc.constantFrom(':-', ':=', '#', '%%', '/', ':+'), lit).map(([n, op, l]) => `"\${${n}${op}${l.replace(/[ *]/g, '')}}"`),
  name.map((n) => `\${#${n}}`),
  name.map((n) => `"\${${n}[@]}"`),
  fc.constantFrom('$(echo a)', '"$(date +%s)"', '$((1 + 2))', '$((i * 2))', "'q'", "$'\\n'", '~/x', '{a,b}', '<(ls)'),
);
const words = fc.array(word, { minLength: 0, maxLength: 3 }).map((ws) => ws.join(' '));
const simple = fc.oneof(
  fc.tuple(fc.constantFrom('echo', 'printf "%s\\n"', 'grep -q', 'cat', 'true', 'ls'), words).map(([c, w]) => `${c} ${w}`),
  fc.tuple(name, word).map(([n, w]) => `${n}=${w}`),
  fc.tuple(fc.constantFrom('local', 'export', 'declare -a', 'readonly'), name, word).map(([d, n, w]) => `${d} ${n}=${w}`),
  fc.tuple(name, words).map(([n, w]) => `${n}=(${w})`),
  fc.constantFrom('[ -f "$FILE" ]', '[[ $x == a* ]]', '[[ $x =~ ^a(.*)$ ]]', '(( i++ ))', 'let i=i+1', 'set -euo pipefail', 'exit 1', 'return 0', 'break', 'shift', 'read -r x', 'trap \'echo bye\' EXIT', 'coproc cat', 'time ls', 'cmd &'),
);
const redir = fc.constantFrom('', ' >&2', ' 2>/dev/null', ' 2>&1', ' &>/dev/null', ' > out.txt', ' >> log', ' < in.txt', ' <<< "$x"');
const stmt: fc.Arbitrary<string> = fc.letrec<{ s: string }>((tie) => ({
  s: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(simple, redir).map(([a, r]) => a + r),
    fc.tuple(tie('s'), fc.constantFrom(' && ', ' || ', ' | ', ' |& '), tie('s')).map(([a, op, b]) => a + op + b),
    fc.tuple(tie('s'), tie('s')).map(([c, t]) => `if ${c}; then ${t}; fi`),
    fc.tuple(tie('s'), tie('s'), tie('s')).map(([c, t, e]) => `if ${c}; then ${t}; elif ${t}; then :; else ${e}; fi`),
    fc.tuple(tie('s'), tie('s')).map(([c, b]) => `while ${c}; do ${b}; done`),
    fc.tuple(name, words, tie('s')).map(([n, w, b]) => `for ${n} in ${w}; do ${b}; done`),
    tie('s').map((b) => `for ((i=0; i<3; i++)); do ${b}; done`),
    fc.tuple(word, tie('s')).map(([w, b]) => `case ${w} in a|b) ${b};; *) :;; esac`),
    tie('s').map((b) => `{ ${b}; }`),
    tie('s').map((b) => `( ${b} )`),
    tie('s').map((b) => `f() { ${b}; }`),
    tie('s').map((b) => `! ${b}`),
    tie('s').map((b) => `x=$(${b})`),
  ),
})).s;
const block = fc.array(stmt, { minLength: 1, maxLength: 4 }).map((ss) => ss.join('\n'));

test('translateBlock never throws and its output type-checks', () => {
  const samples = fc.sample(block, { numRuns: 150, seed: 42 });
  const fns: string[] = [];
  const imports = new Set<string>();
  let parsed = 0;
  samples.forEach((src, i) => {
    const r = parseBash(src, { file: 'p.md' });
    const ctx = createContext({ file: 'p.md', source: src });
    if (!r.ast) return;
    parsed++;
    let out;
    try {
      out = translateBlock(r.ast, ctx);
    } catch (e) {
      assert.unreachable(`translateBlock threw on:\n${src}\n${(e as Error).stack}`);
      return;
    }
    out.imports.forEach((n) => imports.add(n));
    fns.push(`export async function b${i}(sh: Shell): Promise<void> {\n${out.body}\n}`);
  });
  assert.ok(parsed > 100, `only ${parsed} samples parsed`);
  const project = new Project({ tsConfigFilePath: path.join(root, 'tsconfig.json'), skipAddingFilesFromTsConfig: true });
  const file = path.join(root, 'test/compiler/.property-batch.ts');
  project.addSourceFileAtPath(path.join(root, 'runtime/index.ts'));
  const sf = project.createSourceFile(file, `import { type Shell, ${[...imports].sort().join(', ')} } from '../../runtime/index.js';\n\n${fns.join('\n\n')}\n`, { overwrite: true });
  const diags = sf.getPreEmitDiagnostics();
  const text = project.formatDiagnosticsWithColorAndContext(diags.slice(0, 5));
  assert.is(diags.length, 0, text);
});

test('random blocks from real-file constructs parse→translate without throwing (1000 runs)', () => {
  fc.assert(
    fc.property(block, (src) => {
      const r = parseBash(src, { file: 'p.md' });
      if (!r.ast) return true;
      translateBlock(r.ast, createContext({ file: 'p.md', source: src }));
      return true;
    }),
    { numRuns: 1000, seed: 7 },
  );
});

test.run();
