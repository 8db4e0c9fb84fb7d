/**
 * The typed tier's emitter (compiler/typed): which statements get a typed form and which fall
 * back to the exact tier (the equivalence rules of compiler/typed/analyze.ts), the printer's
 * shapes and .md line map, the per-tier counts, and `cmdc compile --emit typed` on the project's
 * commands (≥ 60% typed; block 1a of /implement appends its state in one typed call).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolve, join } from 'node:path';
import { parseBash } from '../../compiler/parse.js';
import { createContext } from '../../compiler/context.js';
import { translateBlockTyped } from '../../compiler/typed/index.js';
import { compile } from '../../compiler/index.js';

const ROOT = resolve(import.meta.dirname, '../..');

function typed(bash: string): { body: string; typed: number; exact: number; forms: Record<string, number>; fallbacks: Record<string, number> } {
  const parsed = parseBash(bash, { file: 'x.md' });
  assert.ok(parsed.ast, 'parses');
  const ctx = createContext({ file: 'x.md', source: bash });
  const r = translateBlockTyped(parsed.ast!, ctx);
  return { body: r.body, typed: r.tiers.typed, exact: r.tiers.exact, forms: r.tiers.forms, fallbacks: r.tiers.fallbacks };
}

test('typed forms: $ commands, echo, test conditions, state appends, library calls', () => {
  const r = typed([
    'PLAN_TITLE=$(head -1 "$PLAN_FILE" | sed -e \'s/^# *//\')',
    'if [ -z "$USER_ARGS" ]; then',
    '  echo "ERROR: usage" >&2',
    '  exit 1',
    'fi',
    'grep -c x "$F" 2>/dev/null',
    'sm_transition implement >/dev/null',
    'append_workflow_state A "$A"',
    'append_workflow_state B "$B"',
    'append_workflow_state C "lit"',
    'echo "Plan: $PLAN_TITLE"',
  ].join('\n'));
  assert.match(r.body, /^const \{ \$, v, ts, wf \} = typed<State>\(sh\);/);
  assert.match(r.body, /ts\.top\(1(?:, "(?:[^"\\]|\\.)*")?\)\.set\(\{ PLAN_TITLE: ts\.text\(\$`head -1 \$\{v\.PLAN_FILE\}`\.pipe\(\$`sed -e \$\{'s\/\^# \*\/\/'\}`\)\) \}\)/);
  assert.match(r.body, /if \(ts\.top\(2(?:, "(?:[^"\\]|\\.)*")?\)\.is\(v\.USER_ARGS\.value === ''\)\) \{/);
  assert.match(r.body, /ts\.at\(3(?:, "(?:[^"\\]|\\.)*")?\)\.echo\("ERROR: usage", 2\)/);
  assert.match(r.body, /ts\.at\(4(?:, "(?:[^"\\]|\\.)*")?\)\.exit\(1\)/);
  assert.match(r.body, /ts\.top\(6(?:, "(?:[^"\\]|\\.)*")?\)\.run\(\$`grep -c x \$\{v\.F\}`\.quiet\(\)\)/);
  assert.match(r.body, /ts\.top\(7(?:, "(?:[^"\\]|\\.)*")?\)\.run\(wf\.transition\("implement"\)\.silent\(\)\)/);
  assert.match(r.body, /wf\.top\(8\)\.append\(\{ A: v\.A, B: v\.B, C: "lit" \}\)/);
  assert.match(r.body, /ts\.top\(11(?:, "(?:[^"\\]|\\.)*")?\)\.echo\(`Plan: \$\{v\.PLAN_TITLE\}`\)/);
  // each typed simple statement whose $BASH_COMMAND differs from its words carries it (as the exact tier does)
  assert.ok(r.body.includes(`ts.top(1, "PLAN_TITLE=$(head -1 \\"$PLAN_FILE\\" | sed -e 's/^# *//')")`), r.body);
  assert.ok(r.body.includes(`ts.at(3, "echo \\"ERROR: usage\\" 1>&2")`), r.body);
  assert.ok(r.body.includes('ts.at(4).exit(1)'), r.body);
  assert.is(r.exact, 0);
  assert.is(r.typed, 10);
});

test('fallbacks: what bash would split, glob, or run elsewhere stays exact', () => {
  for (const bash of [
    'echo $X',                      // unquoted: split + glob
    'cat *.md',                     // glob
    'echo -n "x"',                  // echo option
    '[ -z "$X" ]',                  // a test as a statement: set -e / ERR apply
    'X="$A" Y="$X"',                // a later assignment reads an earlier one
    'ls ~/x',                       // tilde
    'echo "${X:-d}"',               // parameter operator
    'echo a{b,c}',                  // brace expansion
    'X=1 cmd',                      // prefix assignment
    'cat <<EOF\nhi\nEOF',           // heredoc
    'f() { echo "in" >&3; }',       // a function body with nothing typed stays exact whole
    '( echo -n "sub" )',            // likewise a subshell
    'select x in a; do echo "$x"; done', // select: an island
    'for x in a; do echo "$x"; done &', // a background loop
    'append_workflow_state "$K" v', // dynamic key
    'helper_cmd "x"',               // a name with _ may be a library function
  ]) {
    const r = typed(bash);
    assert.is(r.typed, 0, `${bash}\n${r.body}`);
    assert.not.match(r.body, /typed</, bash);
  }
});

test('a function the file defines is not a $ command; [ ] is not a test when [ is a function', () => {
  assert.is(typed('grep() { :; }\ngrep x "$F"').typed, 0);
  assert.is(typed('test() { :; }\nif [ -z "$X" ]; then :; fi').forms['[ ] test'], undefined);
});

test('compound bodies are walked: loops and case use the enclosing scope, forks and functions bind their own', () => {
  const r = typed([
    'for f in a "b c"; do',
    '  echo "item $f"',
    'done',
    'while [ -n "$X" ]; do X=""; done < in.txt',
    'case "$Y" in a*) echo "A" ;; *) ls -l "$Y" ;; esac',
    'f() {',
    '  echo "in f"',
    '}',
    '( echo "sub"; cd /tmp )',
    '{ echo "grp"; } > out.txt',
    'grep x "$F" | while read -r l; do echo "line"; done',
  ].join('\n'));
  assert.ok(r.body.startsWith('const { $, v, ts } = typed<State>(sh);\n'), r.body);
  assert.match(r.body, /await sh\.top\(1\)\.for\("f", \["a", "b c"\], \(sh\) => ts\.at\(2, [^)]*\)\.echo\(`item \$\{v\.f\}`\)\);/);
  assert.match(r.body, /await sh\.top\(4\)\.while\(async \(\) => ts\.at\(4\)\.is\(v\.X\.value !== ''\), \(sh\) => ts\.at\(4, "X=\\"\\""\)\.set\(\{ X: "" \}\), r\("<", "in\.txt"\)\);/);
  assert.match(r.body, /switch \(await sh\.top\(5\)\.case\(dq\(param\("Y"\)\), \[glob\("a\*"\)\], \[glob\("\*"\)\]\)\) \{\n  case 0:\n    await ts\.at\(5, [^)]*\)\.echo\("A"\);\n    break;/);
  // a function and a subshell bind their own scope to the shell they are given (a fork, or the caller's)
  assert.match(r.body, /await sh\.top\(6\)\.fn\("f", async \(sh\) => \{\n  const \{ ts \} = typed<State>\(sh\);\n  await ts\.at\(7, [^)]*\)\.echo\("in f"\);\n\}\);/);
  assert.match(r.body, /await sh\.top\(9\)\.subshell\(async \(sh\) => \{\n  const \{ ts \} = typed<State>\(sh\);\n  await ts\.at\(9, [^)]*\)\.echo\("sub"\);\n  await sh\.at\(9\)\.cmd\(\["cd", "\/tmp"\]\);/);
  assert.match(r.body, /await sh\.top\(10\)\.group\(\(sh\) => ts\.at\(10, [^)]*\)\.echo\("grp"\), r\(">", "out\.txt"\)\);/);
  // each pipeline stage runs on a fork: its own scope
  assert.match(r.body, /await sh\.top\(11\)\.pipe\(async \(sh\) => \{\n  const \{ \$, v, ts \} = typed<State>\(sh\);\n  await ts\.at\(11, [^)]*\)\.run\(\$`grep x \$\{v\.F\}`\);\n\}, async \(sh\) => \{\n  const \{ ts \} = typed<State>\(sh\);/);
  assert.is(r.exact, 2, r.body); // cd, read
  assert.is(r.typed, 10, r.body);
});

test('text glued to one $(…): ts.word(…) of literals, variables and ts.text($`…`); two substitutions or an operator fall back', () => {
  const r = typed(['ID="implement_$(date +%s)"', 'X=a"$B"$(cat f | wc -l)\'z\'', 'Y="$(date)$(date)"', 'Z="${A:-x}$(date)"', 'W=1 V="a$(date)"'].join('\n'));
  assert.match(r.body, /ts\.top\(1, "(?:[^"\\]|\\.)*"\)\.set\(\{ ID: ts\.word\("implement_", ts\.text\(\$`date \+%s`\)\) \}\)/);
  assert.match(r.body, /ts\.top\(2, "(?:[^"\\]|\\.)*"\)\.set\(\{ X: ts\.word\("a", v\.B, ts\.text\(\$`cat f`\.pipe\(\$`wc -l`\)\), "z"\) \}\)/);
  assert.is(r.forms['assign text+$(…)'], 2);
  assert.is(r.exact, 3, r.body);
});

test('every exact statement gets the reason it has no typed form (cmdc compile --stats)', () => {
  const cases: [string, string][] = [
    ['echo $X', 'unquoted $x or $( ) in a command word (split + glob)'],
    ['cat *.md', 'glob pattern'],
    ['read -r line', 'builtin read'],
    ['X="${Y:-d}"', 'assignment value: ${x…} operator (default, length, slice, pattern)'],
    ['S=$(discover_latest_state_file "x")', 'assignment value: $( ) of a typed library call (only $ commands are substituted)'],
    ['N=$(grep -c x f || true)', 'assignment value: $( ) of a || list'],
    ['[[ -n "$X" ]]', '[[ ]]'],
    ['local v=1', 'declaration (local)'],
    ['X=1 cmd', 'prefix assignment (VAR=x cmd)'],
    ['cat <<EOF\nhi\nEOF', 'heredoc or here-string'],
    ['helper_cmd "x"', 'name with _ (a library function, not a $ command)'],
    ['! grep -q x f', '! negation'],
    ['for x in a; do echo "$x"; done &', 'inside … &'],
    ['echo "$1"', '$N positional parameter'],
    ['A=(1 2)', 'array assignment'],
  ];
  for (const [bash, why] of cases) {
    const r = typed(bash);
    assert.equal(r.fallbacks, { [why]: 1 }, bash);
  }
});

test('appends merge only on consecutive lines, in order, without repeating a key', () => {
  const r = typed('append_workflow_state A "$A"\n\nappend_workflow_state B "$B"\nappend_workflow_state B x');
  assert.match(r.body, /wf\.top\(1\)\.append\(\{ A: v\.A \}\)/);
  assert.match(r.body, /wf\.top\(3\)\.append\(\{ B: v\.B \}\)/);
  assert.match(r.body, /wf\.top\(4\)\.append\(\{ B: "x" \}\)/);
});

test('cmdc compile --emit typed: ≥ 60% of the project commands typed; block 1a reads as typed calls', () => {
  const files = ['commands/implement.md', 'commands/research.md'].map((f) => join(ROOT, f));
  const r = compile(files, { root: ROOT, emit: 'typed' });
  assert.is(r.failed, false);
  const typedN = r.results.reduce((n, x) => n + x.stats.typed, 0);
  const exactN = r.results.reduce((n, x) => n + x.stats.exact, 0);
  assert.ok(typedN / (typedN + exactN) >= 0.6, `${typedN}/${typedN + exactN} typed`);
  const impl = r.results.find((x) => x.file === 'commands/implement.md')!.code!;
  const block1a = impl.slice(impl.indexOf('export async function block1aSetup'), impl.indexOf('export async function block1b'));
  assert.match(block1a, /await wf\.top\(\d+\)\.append\(\{ COMMAND_NAME: v\.COMMAND_NAME, USER_ARGS: v\.USER_ARGS, PLAN_FILE: v\.PLAN_FILE/);
  assert.match(block1a, /\$`head -1 \$\{v\.PLAN_FILE\}`/);
  const exact = compile(files, { root: ROOT, emit: 'exact' });
  assert.is(exact.results.reduce((n, x) => n + x.stats.typed, 0), 0);
  assert.is(exact.results.reduce((n, x) => n + x.stats.exact, 0), typedN + exactN);
});

test.run();
