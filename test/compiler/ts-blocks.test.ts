/**
 * ```ts cmdc blocks in the compiler: which fences are steps (the marker; plain ```ts stays prose,
 * with a hint when it reads like a step), numbering with the bash blocks, the module's shape
 * (code as written, imports hoisted, template literals not re-indented), and tsc errors in a
 * block's code reported at their .md line:col with a code frame.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolve } from 'node:path';
import { compile, createTypecheckCache } from '../../compiler/index.js';
import { formatDiagnostics } from '../../compiler/diagnostics.js';
import { parseCommandMarkdown } from '../../compiler/markdown.js';
import { isTsStepInfo } from '../../compiler/ts-blocks/fence.js';
import { appendedKeys, layoutUserCode, splitImports } from '../../compiler/ts-blocks/code.js';

const ROOT = resolve(import.meta.dirname, '../..');

function compileText(text: string, file = 'test/fixtures/tsblocks/virtual.md') {
  const r = compile([file], { root: ROOT, outDir: 'test/fixtures/tsblocks/out', readFile: () => text });
  return { r, res: r.results[0]!, frames: formatDiagnostics(r.diagnostics, () => text, { color: false }) };
}

test('the marker: ts cmdc / typescript cmdc are steps, plain ts fences are not', () => {
  for (const info of ['ts cmdc', 'TS cmdc', 'typescript cmdc', 'ts {cmdc}', 'ts title="x" cmdc']) assert.ok(isTsStepInfo(info), info);
  for (const info of ['ts', 'typescript', 'tsx cmdc', 'js cmdc', 'ts cmdcx', 'bash cmdc', '']) assert.not.ok(isTsStepInfo(info), info);
});

test('steps in order: bash and ts blocks share the numbering; plain ts is prose', () => {
  const md = parseCommandMarkdown(
    ['# x', '```bash', 'echo 1', '```', 'Example:', '```ts', 'const x = 1;', '```', '```ts cmdc', 'sh.out("2\\n");', '```', 'prose', '```sh', 'echo 3', '```'].join('\n'),
    'x.md',
  );
  assert.equal(md.steps.map((s) => s.kind), ['agent', 'bash', 'agent', 'ts', 'agent', 'bash']);
  const ts = md.steps[3]!;
  assert.ok(ts.kind === 'ts');
  if (ts.kind === 'ts') {
    assert.is(ts.ordinal, 1);
    assert.is(ts.line, 10);
    assert.is(ts.code, 'sh.out("2\\n");');
  }
  // the bash blocks keep their own bash numbering (placeholders and lint use it)
  assert.equal(md.steps.flatMap((s) => (s.kind === 'bash' ? [s.index] : [])), [0, 1]);
});

test('a plain ```ts fence that reads like a step gets a hint, an example does not', () => {
  const { r } = compileText(['# x', '```bash', 'echo 1', '```', 'Then:', '```ts', 'await sh.cmd(["ls"]);', '```', '```ts', 'const n: number = 1;', '```'].join('\n'));
  const hints = r.diagnostics.filter((d) => d.id === 'ts-fence-not-a-step');
  assert.equal(hints.map((d) => [d.line, d.col]), [[6, 1]]);
  assert.is(r.failed, false);
});

test('a type error in a ts block is reported at its .md line:col with a code frame', () => {
  const text = ['---', 'description: x', '---', '', '## Block 1', '', '```bash', 'source "${CLAUDE_PROJECT_DIR:-$(pwd)}/.claude/lib/core/state-persistence.sh"', 'append_workflow_state "COUNT" "$((1 + 1))"', '```', '', '## Block 2', '', '- in a list:', '  ```ts cmdc', '  const { COUNT } = wf.view();', '  const n: string = COUNT;', '  const { COUNTS } = wf.view();', '  ```', ''].join('\n');
  const { r, res, frames } = compileText(text);
  assert.is(r.failed, true);
  const errs = r.diagnostics.filter((d) => d.id === 'ts-type-error');
  // COUNT is an integer key (bash appends $((…))): a number, not a string; COUNTS is no key of State
  assert.equal(errs.map((d) => [d.line, d.col]), [[17, 9], [18, 11]]);
  assert.match(errs[0]!.message, /TS2322: Type 'number \| undefined' is not assignable to type 'string'/);
  assert.match(errs[1]!.message, /TS2339: Property 'COUNTS' does not exist/);
  assert.match(frames, /virtual\.md:17:9: error\[ts-type-error\]/);
  assert.match(frames, />\s*17 \|\s+const n: string = COUNT;\n\s*\|\s+\^/);
});

test('watch mode\'s type-check cache: an edit that breaks, then fixes, a ts block is seen each time', () => {
  const cache = createTypecheckCache();
  const md = (line: string) => ['---', 'description: x', '---', '', '## Block 1', '', '```ts cmdc', line, 'await ts.echo(`${n}`);', '```', ''].join('\n');
  const run = (text: string) =>
    compile(['test/fixtures/tsblocks/virtual.md'], { root: ROOT, outDir: 'test/fixtures/tsblocks/out', readFile: () => text, typecheckCache: cache })
      .diagnostics.filter((d) => d.id === 'ts-type-error')
      .map((d) => `${d.line}:${d.col} ${d.message.slice(0, 7)}`);
  assert.equal(run(md('const n: number = 1;')), []);
  assert.ok(cache.files.size > 10, 'disk files (libs, node types, the runtime) kept');
  assert.ok(cache.program, 'the program kept for the next compile');
  assert.equal(run(md('const n: number = "one";')), ['8:7 TS2322:']);
  assert.equal(run(md('const n: string = "one";')), []);
  assert.equal(run(md('const n = v.X.valu;')), ['8:15 TS2551:']);
});

test('the module: code as written in the block function, imports hoisted, templates kept', () => {
  const text = ['## Go', '', '```ts cmdc', "import { join } from 'node:path';", 'const s = `a', '  b`;', 'if (s) {', "  sh.out(join('x', s) + '\\n');", '}', '```', ''].join('\n');
  const { r, res } = compileText(text);
  assert.is(r.failed, false, r.diagnostics.map((d) => d.message).join('\n'));
  const code = res.code!;
  assert.match(code, /\nimport \{ join \} from 'node:path';\n/);
  assert.match(code, /export async function go\(sh: Shell\): Promise<void> \{\n  const \{ \$, v, ts, wf \} = await tsScope\(sh, command\);\n/);
  assert.match(code, /\n  const s = `a\n  b`;\n  if \(s\) \{\n    sh\.out\(join\('x', s\) \+ '\\n'\);\n  \}\n\}/);
  assert.match(code, /\{ kind: 'bash', lang: 'ts', name: 'go', heading: 'Go', line: 4, endLine: 10, run: tsBlock\(go, \{ source: 'test\/fixtures\/tsblocks\/virtual\.md', line: 4, endLine: 10 \}\) \}/);
});

test('a ts block with a closure that binds its own typed scope (as eject writes a function or subshell body) type-checks: typed is imported', () => {
  const text = ['## Go', '', '```ts cmdc', 'await sh.top(4).subshell(async (sh) => {', '  const { ts } = typed<State>(sh);', '  await ts.at(5).echo("sub");', '});', '```', ''].join('\n');
  const { r, res } = compileText(text);
  assert.is(r.failed, false, r.diagnostics.map((d) => d.message).join('\n'));
  assert.match(res.code!, /^import \{ [^}]*\btyped\b[^}]* \} from /m);
});

test('code helpers: imports split, template lines kept, appended keys and kinds', () => {
  assert.equal(splitImports("import a from 'a';\n// c\nimport { b } from 'b';\nconst x = 1;"), { imports: "import a from 'a';\n// c\nimport { b } from 'b';", body: 'const x = 1;', rows: 3 });
  assert.equal(splitImports('const x = 1;'), { imports: '', body: 'const x = 1;', rows: 0 });
  assert.equal(layoutUserCode('const t = `x\ny ${1}\nz`;\nf();').added, [2, 0, 0, 2]);
  assert.equal(appendedKeys('wf.append({ A: 1, B: "x", C: [a], D_JSON: {}, E: n - 1, F: xs.length, G: Number(s), "H": s });'), {
    A: 'integer', B: 'string', C: 'array', D_JSON: 'json', E: 'integer', F: 'integer', G: 'integer', H: 'string',
  });
});

test.run();
