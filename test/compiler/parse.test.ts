/**
 * compiler/parse.ts: every mvdan operator maps to our string unions, node shapes, positions in
 * the .md file (indented fences, unicode), parse-error diagnostics for the broken blocks real
 * files contain, heredoc spans, brace expansion, and a fast-check property that parseBash never
 * throws and always returns consistent positions.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as A from '../../compiler/ast.js';
import { parseBash, parseBashBlock } from '../../compiler/parse.js';
import { braceExpand } from '../../compiler/translate/word/brace.js';
import { parseCommandMarkdown, type BashBlock } from '../../compiler/markdown.js';

const parse = (src: string) => {
  const r = parseBash(src, { file: 't.md' });
  if (!r.ast) throw new Error(`does not parse: ${src}: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return r.ast;
};
const cmd = (src: string) => parse(src).stmts[0]!.cmd!;

/** Depth-first search for the first node of a kind. */
function find<K extends A.NodeKind>(node: unknown, kind: K): Extract<A.Node, { kind: K }> {
  const stack: unknown[] = [node];
  while (stack.length) {
    const n = stack.shift();
    if (Array.isArray(n)) stack.unshift(...n);
    else if (n && typeof n === 'object') {
      if ((n as { kind?: string }).kind === kind) return n as Extract<A.Node, { kind: K }>;
      for (const [k, v] of Object.entries(n)) if (k !== 'pos' && k !== 'end') stack.push(v);
    }
  }
  throw new Error(`no ${kind}`);
}

/** Every node in a tree, for invariants. */
function nodes(root: unknown): A.Node[] {
  const out: A.Node[] = [];
  const visit = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(visit);
    else if (n && typeof n === 'object') {
      if (typeof (n as { kind?: unknown }).kind === 'string') out.push(n as A.Node);
      for (const [k, v] of Object.entries(n)) if (k !== 'pos' && k !== 'end') visit(v);
    }
  };
  visit(root);
  return out;
}

// --- operators ------------------------------------------------------------------------------

const opCases: [string, readonly string[], (op: string) => string, A.NodeKind][] = [
  ['binary command', A.BINARY_CMD_OPS, (o) => `a ${o} b`, 'BinaryCmd'],
  ['redirect', A.REDIRECT_OPS, (o) => (o.startsWith('<<') && o !== '<<<' ? `a ${o}EOF\nx\nEOF\n` : `a ${o}x`), 'Redirect'],
  ['case', A.CASE_OPS, (o) => `case a in b) c ${o} esac`, 'CaseItem'],
  ['binary test', A.BINARY_TEST_OPS, (o) => `[[ a ${o} b ]]`, 'BinaryTest'],
  ['unary test', A.UNARY_TEST_OPS, (o) => `[[ ${o} b ]]`, 'UnaryTest'],
  ['binary arithmetic', A.BINARY_ARITHM_OPS, (o) => `(( a ${o} b ))`, 'BinaryArithm'],
  ['unary arithmetic', A.UNARY_ARITHM_OPS, (o) => `(( ${o}a ))`, 'UnaryArithm'],
  ['process substitution', A.PROC_SUBST_OPS, (o) => `diff ${o}a)`, 'ProcSubst'],
  ['extglob', A.EXT_GLOB_OPS, (o) => `ls ${o}a|b)`, 'ExtGlob'],
];
for (const [name, ops, sample, kind] of opCases) {
  test(`every ${name} operator maps`, () => {
    for (const o of ops) {
      const n = find(parse(sample(o)), kind) as { op: string };
      assert.is(n.op, o, sample(o));
    }
  });
}

test('every parameter expansion operator maps', () => {
  for (const o of A.PARAM_EXP_OPS) {
    const p = find(parse(`echo \${a${o}Q}`), 'ParamExp');
    assert.is(p.exp?.op, o, o);
    assert.is((p.exp?.word?.parts[0] as A.Lit).value, 'Q');
  }
});

test('test aliases: -a is -e, -h is -L', () => {
  assert.is(find(parse('[[ -a f ]]'), 'UnaryTest').op, '-e');
  assert.is(find(parse('[[ -h f ]]'), 'UnaryTest').op, '-L');
});

test('postfix and ternary arithmetic', () => {
  const u = find(parse('(( i++ ))'), 'UnaryArithm');
  assert.equal([u.op, u.post], ['++', true]);
  const t = find(parse('echo $(( a ? b : c ))'), 'TernaryArithm');
  assert.equal([t.cond, t.then, t.else].map((x) => x.src), ['a', 'b', 'c']);
});

test('declaration variants', () => {
  for (const v of ['declare', 'local', 'export', 'readonly', 'typeset'] as const) {
    const d = cmd(`${v} -r X=1 Y "$z"`);
    assert.is(d.kind, 'DeclClause', v);
    if (d.kind !== 'DeclClause') continue;
    assert.is(d.variant, v);
    assert.equal(d.opts.map((w) => w.src), ['-r']);
    assert.equal(d.assigns.map((a) => [a.name, a.naked, a.value?.src ?? null]), [
      ['X', false, '1'],
      ['Y', true, null],
    ]);
  }
});

// --- node shapes ----------------------------------------------------------------------------

const shapes: [string, (c: A.Command) => unknown, unknown][] = [
  ['A=1 B+=2 echo "$A" x', (c) => c.kind === 'CallExpr' && [c.assigns.map((a) => [a.name, a.append]), c.args.map((w) => w.src)], [[['A', false], ['B', true]], ['echo', '"$A"', 'x']]],
  ['if a; then b; elif c; then d; elif e; then f; else g; fi', (c) => c.kind === 'IfClause' && [c.cond[0]!.src, c.elifs.map((e) => [e.cond[0]!.src, e.then[0]!.src]), c.else?.map((s) => s.src)], ['a;', [['c;', 'd;'], ['e;', 'f;']], ['g;']]],
  ['if a; then b; fi', (c) => c.kind === 'IfClause' && [c.elifs.length, c.else], [0, null]],
  ['while read -r line; do echo "$line"; done < f', (c) => c.kind === 'WhileClause' && [c.until, c.cond.length, c.body.length], [false, 1, 1]],
  ['until false; do :; done', (c) => c.kind === 'WhileClause' && c.until, true],
  ['for f in a "b c" *.md; do echo $f; done', (c) => c.kind === 'ForClause' && c.loop.kind === 'WordIter' && [c.loop.name, c.loop.items?.map((w) => w.src)], ['f', ['a', '"b c"', '*.md']]],
  ['for f; do echo $f; done', (c) => c.kind === 'ForClause' && c.loop.kind === 'WordIter' && c.loop.items, null],
  ['for f in; do echo $f; done', (c) => c.kind === 'ForClause' && c.loop.kind === 'WordIter' && c.loop.items, []],
  ['for ((i=0; i<3; i++)); do :; done', (c) => c.kind === 'ForClause' && c.loop.kind === 'CStyleLoop' && [c.loop.init?.src, c.loop.cond?.src, c.loop.post?.src], ['i=0', 'i<3', 'i++']],
  ['for ((;;)); do break; done', (c) => c.kind === 'ForClause' && c.loop.kind === 'CStyleLoop' && [c.loop.init, c.loop.cond, c.loop.post], [null, null, null]],
  ['case "$x" in a|b) echo ab ;; *) echo other ;& esac', (c) => c.kind === 'CaseClause' && c.items.map((i) => [i.patterns.map((p) => p.src), i.op]), [[['a', 'b'], ';;'], [['*'], ';&']]],
  ['{ a; b; }', (c) => c.kind === 'Block' && c.stmts.length, 2],
  ['( cd x && y )', (c) => c.kind === 'Subshell' && c.stmts.length, 1],
  ['f() { echo hi; }', (c) => c.kind === 'FuncDecl' && [c.name, c.keyword, c.body.cmd?.kind], ['f', false, 'Block']],
  ['function g { :; }', (c) => c.kind === 'FuncDecl' && [c.name, c.keyword], ['g', true]],
  ['[[ -f "$f" && ! ( $x == y* ) ]]', (c) => c.kind === 'TestClause' && c.expr.kind === 'BinaryTest' && [c.expr.op, c.expr.x.kind, c.expr.y.kind], ['&&', 'UnaryTest', 'UnaryTest']],
  ['[[ $a =~ ^x(y)$ ]]', (c) => c.kind === 'TestClause' && c.expr.kind === 'BinaryTest' && c.expr.y.src, '^x(y)$'],
  ['(( n += 2 ))', (c) => c.kind === 'ArithmCmd' && c.expr.kind === 'BinaryArithm' && c.expr.op, '+='],
  ['let a=1 b++', (c) => c.kind === 'LetClause' && c.exprs.length, 2],
  ['time -p sleep 0', (c) => c.kind === 'TimeClause' && [c.posix, c.stmt?.src], [true, 'sleep 0']],
  ['coproc worker { cat; }', (c) => c.kind === 'CoprocClause' && c.name, 'worker'],
  ['arr=(a [3]=b "c d")', (c) => c.kind === 'CallExpr' && c.assigns[0]!.array?.map((e) => [e.src, e.index?.src ?? null, e.value?.src ?? null]), [['a', null, 'a'], ['[3]=b', '3', 'b'], ['"c d"', null, '"c d"']]],
  ['m[key]=v', (c) => c.kind === 'CallExpr' && [c.assigns[0]!.name, c.assigns[0]!.index?.src, c.assigns[0]!.value?.src], ['m', 'key', 'v']],
  ['x=', (c) => c.kind === 'CallExpr' && c.assigns[0]!.value, null],
];
test('node shapes', () => {
  for (const [src, get, want] of shapes) assert.equal(get(cmd(src)), want, src);
});

test('statement flags: negated, background, redirect-only', () => {
  const [a, b, c] = parse('! grep -q x f\nsleep 1 &\n> out').stmts;
  assert.is(a!.negated, true);
  assert.is(b!.background, true);
  assert.is(c!.cmd, null);
  assert.is(c!.redirs[0]!.op, '>');
});

const words: [string, (p: A.WordPart) => unknown, unknown][] = [
  ["'it''s'", (p) => p.kind === 'SglQuoted' && [p.value, p.dollar], ['it', false]],
  ["$'a\\nb'", (p) => p.kind === 'SglQuoted' && [p.value, p.dollar], ['a\\nb', true]],
  ['"a $b ${c}"', (p) => p.kind === 'DblQuoted' && p.parts.map((q) => q.kind), ['Lit', 'ParamExp', 'Lit', 'ParamExp']],
  ['$x', (p) => p.kind === 'ParamExp' && [p.short, p.param], [true, 'x']],
  ['${#x}', (p) => p.kind === 'ParamExp' && p.length, true],
  ['${!x}', (p) => p.kind === 'ParamExp' && [p.excl, p.names], [true, null]],
  ['${!pre@}', (p) => p.kind === 'ParamExp' && [p.excl, p.names, p.param], [true, '@', 'pre']],
  ['${A[@]}', (p) => p.kind === 'ParamExp' && p.index?.src, '@'],
  ['${#A[@]}', (p) => p.kind === 'ParamExp' && [p.length, p.index?.src], [true, '@']],
  ['${x:1:2}', (p) => p.kind === 'ParamExp' && [p.slice?.offset.src, p.slice?.length?.src], ['1', '2']],
  ['${x: -3}', (p) => p.kind === 'ParamExp' && [p.slice?.offset.src, p.slice?.length], ['-3', null]],
  ['${x/a/b}', (p) => p.kind === 'ParamExp' && p.repl && [p.repl.all, p.repl.anchor, p.repl.orig.src, p.repl.with?.src], [false, null, 'a', 'b']],
  ['${x//a}', (p) => p.kind === 'ParamExp' && p.repl && [p.repl.all, p.repl.with], [true, null]],
  ['${x/#a/b}', (p) => p.kind === 'ParamExp' && p.repl && [p.repl.anchor, p.repl.orig.parts.map((q) => (q as A.Lit).value)], ['#', ['a']]],
  ['${x/%a/b}', (p) => p.kind === 'ParamExp' && p.repl && [p.repl.anchor, p.repl.orig.parts.map((q) => (q as A.Lit).value)], ['%', ['a']]],
  ['${x:-}', (p) => p.kind === 'ParamExp' && [p.exp?.op, p.exp?.word], [':-', null]],
  ['${x%%.*}', (p) => p.kind === 'ParamExp' && [p.exp?.op, p.exp?.word?.src], ['%%', '.*']],
  ['$(echo hi)', (p) => p.kind === 'CmdSubst' && [p.backquotes, p.stmts.length], [false, 1]],
  ['`echo hi`', (p) => p.kind === 'CmdSubst' && p.backquotes, true],
  ['$((1 + 2))', (p) => p.kind === 'ArithmExp' && [p.bracket, p.expr.kind], [false, 'BinaryArithm']],
  ['$[1]', (p) => p.kind === 'ArithmExp' && p.bracket, true],
];
test('word parts', () => {
  for (const [src, get, want] of words) {
    const c = cmd(`echo ${src}`);
    assert.ok(c.kind === 'CallExpr');
    assert.equal(get(c.args[1]!.parts[0]!), want, src);
  }
});

test('braces stay text in the parse, with exact positions; the translator expands them as bash', () => {
  const c = cmd('echo x{a,"b c"}y {1..3} "{q,r}" v={s,t} \\{d,e\\} $p{1,2}');
  assert.ok(c.kind === 'CallExpr');
  const [, w1, w2, w3, w4, w5, w6] = c.args;
  // no BraceExp parts: mvdan's SplitBraces is not bash's rule (escaped braces, quoted commas)
  assert.equal(w1!.parts.map((p) => [p.kind, p.src, p.pos.col]), [
    ['Lit', 'x{a,', 6],
    ['DblQuoted', '"b c"', 10],
    ['Lit', '}y', 15],
  ]);
  const words = (w: A.Word) => braceExpand(w.parts).map((ps) => ps.map((p) => p.src).join(''));
  assert.equal(words(w1!), ['xay', 'x"b c"y']);
  assert.equal(words(w2!), ['1', '2', '3']);
  assert.equal(words(w3!), ['"{q,r}"']); // quoted: not expanded
  assert.equal(words(w4!), ['v=s', 'v=t']); // an argument, so bash does expand it
  assert.equal(words(w5!).length, 1); // escaped braces are literal
  assert.equal(words(w6!), ['$p1', '$p2']); // the name takes the text that came from the brace
  const asg = cmd('v={s,t}');
  assert.ok(asg.kind === 'CallExpr');
  assert.is(asg.assigns[0]!.value!.parts[0]!.kind, 'Lit'); // assignments are not brace-expanded
});

// --- heredocs ---------------------------------------------------------------------------------

test('heredocs: body, quoting, <<- tabs, statement src covers the body', () => {
  const f = parse('cat <<EOF >out\nhello $name\nEOF\necho next');
  const s = f.stmts[0]!;
  assert.is(s.src, 'cat <<EOF >out\nhello $name\nEOF');
  const r = s.redirs[0]!;
  assert.equal([r.op, r.word.src, r.hdocQuoted, r.hdoc!.src], ['<<', 'EOF', false, 'hello $name\n']);
  assert.equal(r.hdoc!.parts.map((p) => p.kind), ['Lit', 'ParamExp', 'Lit']);
  assert.is(f.stmts[1]!.src, 'echo next');

  const q = parse("cat <<'EOF'\n$not expanded\nEOF\n").stmts[0]!.redirs[0]!;
  assert.equal([q.hdocQuoted, q.hdoc!.parts.map((p) => p.kind)], [true, ['Lit']]);

  const d = parse('cat <<-EOF\n\tone $x\n\t\ttwo\n\tEOF\n').stmts[0]!.redirs[0]!;
  assert.equal(d.hdoc!.parts.filter((p): p is A.Lit => p.kind === 'Lit').map((p) => p.value), ['one ', '\ntwo\n']);

  const e = parse('cat <<EOF\nEOF\necho after');
  assert.is(e.stmts[0]!.src, 'cat <<EOF\nEOF');
  assert.equal(e.stmts[0]!.redirs[0]!.hdoc!.parts, []);

  const chain = parse('cat <<EOF | wc -l && echo ok\na\nEOF\n').stmts[0]!;
  assert.is(chain.src, 'cat <<EOF | wc -l && echo ok\na\nEOF');

  const two = parse('cat <<A <<B\na\nA\nb\nB\n').stmts[0]!;
  assert.is(two.src, 'cat <<A <<B\na\nA\nb\nB');
});

// --- positions ------------------------------------------------------------------------------

test('positions are .md positions: line offset, per-line column offsets, unicode', () => {
  const f = parseBash('echo "é$x" ok\n  next', { file: 'f.md', lineOffset: 9, colOffset: [3, 3] }).ast!;
  const [s1, s2] = f.stmts;
  assert.equal(s1!.pos, { line: 10, col: 4 });
  const c = s1!.cmd as A.CallExpr;
  const dq = c.args[1]!.parts[0] as A.DblQuoted;
  assert.equal(dq.parts.map((p) => [p.src, p.pos.col]), [['é', 10], ['$x', 11]]);
  assert.equal(c.args[2]!.pos, { line: 10, col: 15 });
  assert.equal(s2!.pos, { line: 11, col: 6 });
  const astral = parse('echo "😀" $y');
  assert.is((astral.stmts[0]!.cmd as A.CallExpr).args[2]!.src, '$y');
});

const LIST_MD = [
  '# Doc', //                                             1
  '',
  '1. First step:', //                                    3
  '',
  '   ```bash', //                                         5
  '   STATE=$(cat "$F")', //                               6
  '   if [ -n "$STATE" ]; then', //                        7
  '     echo "$STATE" >&2', //                             8
  '   fi',
  '   ```',
  '',
  '   > ```sh', //                                          12
  '   > echo quoted', //                                    13
  '   > ```',
].join('\n');

test('an indented fence inside a list: nodes at their .md line:col', () => {
  const md = parseCommandMarkdown(LIST_MD, 'list.md');
  const blocks = md.steps.filter((s): s is BashBlock => s.kind === 'bash');
  assert.is(blocks.length, 2);
  const f = parseBashBlock(blocks[0]!, 'list.md').ast!;
  assert.equal(f.stmts.map((s) => [s.pos.line, s.pos.col]), [[6, 4], [7, 4]]);
  const subst = find(f.stmts[0], 'CmdSubst');
  assert.equal(subst.pos, { line: 6, col: 10 });
  const echo = find(find(f.stmts[1], 'IfClause').then, 'CallExpr');
  assert.equal(echo.pos, { line: 8, col: 6 });
  const redir = (find(f.stmts[1], 'IfClause').then[0]!).redirs[0]!;
  assert.equal([redir.op, redir.pos], ['>&', { line: 8, col: 20 }]);
  const q = parseBashBlock(blocks[1]!, 'list.md').ast!;
  assert.equal(q.stmts[0]!.pos, { line: 13, col: 6 });
  // A code frame line shows the same text at that column.
  const line13 = LIST_MD.split('\n')[12]!;
  assert.is(line13.slice(5, 9), 'echo');
});

// --- diagnostics ------------------------------------------------------------------------------

const BROKEN_MD = [
  '## Block 1', //                          1
  '```bash', //                             2
  'echo start', //                          3
  '  fi', //                                4: stray fi
  '```',
  '## Block 2', //                          6
  '- item',
  '  ```bash', //                           8
  '  COUNT=${#ITEMS[@]:-0}', //             9
  '  ```',
  '## Block 3',
  '```bash', //                             12
  'git checkout -b <branch-name>', //       13
  '```',
].join('\n');

test('broken blocks give parse-error diagnostics at the .md line:col', () => {
  const md = parseCommandMarkdown(BROKEN_MD, 'broken.md');
  const blocks = md.steps.filter((s): s is BashBlock => s.kind === 'bash');
  const diags = blocks.map((b) => parseBashBlock(b, 'broken.md'));
  for (const r of diags) assert.is(r.ast, undefined);
  const got = diags.map((r) => {
    const d = r.diagnostics[0]!;
    return [d.id, d.severity, d.file, d.line, d.col, d.endCol];
  });
  assert.equal(got, [
    ['parse-error', 'error', 'broken.md', 4, 3, 5],
    ['parse-error', 'error', 'broken.md', 9, 20, 23],
    ['parse-error', 'error', 'broken.md', 13, 17, 30],
  ]);
  assert.match(diags[0]!.diagnostics[0]!.message, /"fi" can only be used to end an if/);
  assert.match(diags[1]!.diagnostics[0]!.message, /cannot combine multiple parameter expansion operators/);
  assert.match(diags[2]!.diagnostics[0]!.hint!, /<branch-name> looks like a placeholder/);
  // The column points at the text named.
  const lines = BROKEN_MD.split('\n');
  assert.is(lines[3]!.slice(2, 4), 'fi');
  assert.is(lines[12]!.slice(16, 29), '<branch-name>');
});

test('other syntax errors are located too', () => {
  const cases: [string, number, number][] = [
    ['echo "unterminated', 1, 6],
    ['if true; then\n  echo x\n', 1, 1],
    ['x=$(( 1 +', 1, 3],
  ];
  for (const [src, line, col] of cases) {
    const r = parseBash(src, { file: 'e.md', lineOffset: 20 });
    assert.is(r.ast, undefined, src);
    const d = r.diagnostics[0]!;
    assert.is(d.id, 'parse-error');
    assert.is(d.line, line + 20, src);
    assert.ok(d.col >= col, `${src}: col ${d.col}`);
  }
});

test('extended globs in [[ ]]: a pattern operand of == != = =~ parses; bash rejects one anywhere else (checked against bash -c)', () => {
  // these parse in bash (extglob off, as bash -c): they must not become parse errors, or the
  // block (or a sourced library: cmdc's own has one) runs as an island
  const ok = [
    '[[ a == @(a|b) ]]',
    '[[ "$line" == *([ $\'\\t\'])"#"* ]] && continue',
    '[[ ( $x == @(a|b) ) && ! $y == +(c) ]]',
    '[[ $a != !(b) || $c = ?(d) ]]',
    '[[ $a =~ @(a) ]]',
  ];
  for (const src of ok) assert.equal(parseBash(src + '\n', { file: 't.md' }).diagnostics, [], src);
  const bad: [string, RegExp][] = [
    ['[[ @(a) ]]', /conditional binary operator expected/],
    ['[[ @(a) == x ]]', /conditional binary operator expected/],
    ['[[ ! @(a) ]]', /conditional binary operator expected/],
    ['[[ -n @(a) ]]', /syntax error in conditional expression/],
    ['[[ x < @(a) ]]', /syntax error in conditional expression/],
    ['[[ a == a && b > x@(c) ]]', /syntax error in conditional expression/],
  ];
  for (const [src, re] of bad) assert.match(parseBash(src + '\n', { file: 't.md' }).diagnostics[0]?.message ?? 'no diagnostic', re, src);
});

test('text bash accepts but mvdan-sh rejects is read through a repair; nodes keep the original text (compiler/parse-repair.ts)', () => {
  const word = (src: string, pick: (f: A.File) => unknown) => pick(parse(src)) as A.Word;
  const call = (f: A.File, i = 0) => f.stmts[i]!.cmd as A.CallExpr;
  const param = (f: A.File, arg = 1) => call(f).args[arg]!.parts[0] as A.ParamExp;
  // arithmetic bash only rejects when it runs it: one word of the original text
  let w = word('echo $((1+)); echo a', (f) => (call(f).args[1]!.parts[0] as A.ArithmExp).expr);
  assert.is(w.src, '1+');
  assert.equal(w.parts.map((p) => p.kind), ['Lit']);
  w = word('(( i 3 ))', (f) => (f.stmts[0]!.cmd as A.ArithmCmd).expr);
  assert.is(w.src, ' i 3 ');
  w = word('x=3; echo $(( $x + $(echo 2) 3 ))', (f) => (call(f, 1).args[1]!.parts[0] as A.ArithmExp).expr);
  assert.equal(w.parts.map((p) => [p.kind, p.src]), [['Lit', ' '], ['ParamExp', '$x'], ['Lit', ' + '], ['CmdSubst', '$(echo 2)'], ['Lit', ' 3 ']]);
  // subscripts: an associative key with spaces, an arithmetic error in an assignment's index
  w = word('echo ${m[a b]}', (f) => param(f).index);
  assert.is(w.src, 'a b');
  w = word('m[w $v]=2', (f) => call(f).assigns[0]!.index);
  assert.equal(w.parts.map((p) => [p.kind, p.src]), [['Lit', 'w '], ['ParamExp', '$v']]);
  w = word('a[x+]=3', (f) => call(f).assigns[0]!.index);
  assert.is(w.src, 'x+');
  // operators mvdan-sh 0.10 does not know
  assert.equal(param(parse('echo ${s~}')).exp?.op, '~');
  const toggle = param(parse('echo ${s~~[a-z]}')).exp!;
  assert.equal([toggle.op, toggle.word?.src], ['~~', '[a-z]']);
  const dq = (call(parse('echo "${a[@]@k}"')).args[1]!.parts[0] as A.DblQuoted).parts[0] as A.ParamExp;
  assert.equal([dq.exp?.op, (dq.exp?.word?.parts[0] as A.Lit).value], ['@', 'k']);
  // bash accepts every one of them (bash -n)
  for (const src of ['echo $((1+))', '(( i 3 ))', 'echo ${m[a b]}', 'm[w $v]=2', 'a[x+]=3', 'echo ${s~} ${s~~[a-z]}', 'echo "${a[@]@k}"']) {
    assert.is(spawnSync('bash', ['-n', '-c', src]).status, 0, src);
  }
  // real syntax errors stay errors
  for (const src of ['x=$(( 1 +', "echo $(( 'a' + ))", 'echo ${x!}']) assert.is(parseBash(src, { file: 't.md' }).ast, undefined, src);
});

test('the libraries cmdc ships parse without diagnostics (a parse error islands every file that sources them)', () => {
  for (const f of readdirSync('runtime/lib').filter((n) => n.endsWith('.sh'))) {
    assert.equal(parseBash(readFileSync(`runtime/lib/${f}`, 'utf8'), { file: f }).diagnostics, [], f);
  }
});

test('comments are collected in order', () => {
  const f = parse('# one\necho a # two\nif x; then\n  # three\n  y\nfi\n# four');
  assert.equal(f.comments.map((c) => [c.text, c.pos.line]), [[' one', 1], [' two', 2], [' three', 4], [' four', 7]]);
});

test('deterministic: the same input gives the same tree', () => {
  const src = 'for f in {a,b}; do echo "${f%.md}" | sed "s/x/y/" >> out; done\ncat <<EOF\n$x\nEOF';
  assert.equal(JSON.stringify(parse(src)), JSON.stringify(parse(src)));
});

test('fixture commands: no crash, every node src is the .md text at its pos', () => {
  const dir = new URL('../fixtures/commands/', import.meta.url);
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.md')) : [];
  for (const f of files) {
    const text = readFileSync(new URL(f, dir), 'utf8');
    const md = parseCommandMarkdown(text, f);
    for (const b of md.steps) {
      if (b.kind !== 'bash') continue;
      const r = parseBashBlock(b, f);
      assert.ok(r.ast || r.diagnostics.some((d) => d.id === 'parse-error'), `${f} block ${b.index}`);
      if (r.ast) checkSrcAtPos(r.ast, text.split('\n'), `${f} block ${b.index}`);
      else for (const d of r.diagnostics) assert.ok(d.line >= b.line && d.line < b.endLine, `${f}: diagnostic inside the block`);
    }
  }
});

test('pathological nesting gives a diagnostic, not an exception', () => {
  for (const src of ['('.repeat(3000) + 'x' + ')'.repeat(3000), 'echo ' + '$('.repeat(2000) + 'x' + ')'.repeat(2000)]) {
    const r = parseBash(src, { file: 'deep.md' });
    assert.is(r.ast, undefined);
    assert.ok(['parse-error', 'parser-internal-error'].includes(r.diagnostics[0]!.id));
  }
  assert.ok(parseBash('echo ok', { file: 'after.md' }).ast, 'the parser still works afterwards');
});

// --- properties -------------------------------------------------------------------------------

/** Every node's src starts at its pos in the .md text (first line compared). */
function checkSrcAtPos(root: unknown, mdLines: string[], where: string): void {
  for (const n of nodes(root)) {
    const first = n.src.split('\n')[0]!;
    const at = mdLines[n.pos.line - 1]?.slice(n.pos.col - 1) ?? '';
    assert.ok(at.startsWith(first), `${where}: ${n.kind} at ${n.pos.line}:${n.pos.col}: ${JSON.stringify(first)} vs ${JSON.stringify(at)}`);
  }
}

function checkInvariants(src: string, lineOffset: number): void {
  const r = parseBash(src, { file: 'p.md', lineOffset, colOffset: 2 });
  const wellFormed = src.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  const md = [...Array<string>(lineOffset).fill(''), ...wellFormed.split('\n').map((l) => `  ${l}`)];
  assert.ok(r.ast || r.diagnostics.length > 0, 'either an ast or a diagnostic');
  for (const d of r.diagnostics) {
    assert.ok(d.line >= 1 + lineOffset && d.col >= 1, `diagnostic position ${d.line}:${d.col}`);
  }
  if (!r.ast) return;
  for (const n of nodes(r.ast)) {
    assert.ok(n.pos.line >= 1 + lineOffset && n.pos.col >= 3, `${n.kind} pos ${n.pos.line}:${n.pos.col}`);
    const ordered = n.end.line > n.pos.line || (n.end.line === n.pos.line && n.end.col >= n.pos.col);
    assert.ok(ordered, `${n.kind} end before pos`);
    assert.type(n.src, 'string');
  }
  checkSrcAtPos(r.ast, md, JSON.stringify(src));
}

test('property: parseBash never throws on random strings', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.nat(50), (s, off) => {
      checkInvariants(s, off);
    }),
    { numRuns: 300 },
  );
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => checkInvariants(s, 0)), { numRuns: 200 });
});

const TOKENS = [
  'echo', 'x', '"$a"', "'q'", '$(', ')', '`', '${', '}', '${#A[@]:-0}', '[[', ']]', '[', ']', 'if', 'then',
  'elif', 'else', 'fi', 'for', 'in', 'do', 'done', 'while', 'case', 'esac', ';;', ';', '&&', '||', '|',
  '&', '>', '>>', '<', '2>&1', '>&2', '<<EOF', '<<-EOF', 'EOF', '<<<', '\n', '\t', ' ', '{', '(', '((', '))',
  '=', 'A=1', 'A+=(x)', 'local', 'export', 'declare -A', '$((1+', '#', '# c', '\\', '"', "'", '$', '!',
  '=~', '<placeholder>', '{a,b}', '{1..3}', '@(x|y)', '<(', 'é', '😀', 'f()', 'function',
];
test('property: parseBash never throws on bash-ish token soup', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }), fc.nat(30), (toks, off) => {
      checkInvariants(toks.join(' '), off);
      checkInvariants(toks.join(''), off);
    }),
    { numRuns: 400 },
  );
});

test.run();
