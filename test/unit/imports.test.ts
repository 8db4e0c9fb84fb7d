/**
 * The import rules of the source tree (DESIGN.md "Layout"), read from the code: every
 * import / export-from / import() specifier of every .ts file under runtime/, compiler/ and cli/,
 * resolved to a file of the project and checked against the rules below. Packages and node:
 * builtins are not project code and are not constrained here.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Edge {
  /** Importing file, relative to the root (posix). */
  from: string;
  /** Imported file, relative to the root (posix), `.js` spelled `.ts`. */
  to: string;
  /** `import()` rather than a static import/export. */
  dynamic: boolean;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...walk(rel));
    else if (e.name.endsWith('.ts')) out.push(rel);
  }
  return out;
}

/** The project-internal imports of one file (relative specifiers only). */
function edgesOf(file: string, text: string): Edge[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: Edge[] = [];
  const add = (spec: string, dynamic: boolean) => {
    if (!spec.startsWith('.')) return;
    const to = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, '.ts');
    out.push({ from: file, to, dynamic });
  };
  const visit = (n: ts.Node): void => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
      add(n.moduleSpecifier.text, false);
    } else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const a = n.arguments[0];
      if (a && ts.isStringLiteralLike(a)) add(a.text, true);
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
      add(n.argument.literal.text, false);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

const under = (p: string, dir: string) => p.startsWith(`${dir}/`);

/** A rule: the edges it forbids, with why. */
interface Rule {
  name: string;
  forbids(e: Edge): boolean;
}

const RULES: Rule[] = [
  {
    name: 'runtime/store imports nothing from runtime/shell, runtime/runner or runtime/statelib',
    forbids: (e) => under(e.from, 'runtime/store') && ['runtime/shell', 'runtime/runner', 'runtime/statelib'].some((d) => under(e.to, d)),
  },
  {
    name: 'runtime/shell imports nothing from runtime/store, runtime/runner or runtime/statelib',
    forbids: (e) => under(e.from, 'runtime/shell') && ['runtime/store', 'runtime/runner', 'runtime/statelib'].some((d) => under(e.to, d)),
  },
  {
    name: 'runtime/lang imports nothing outside runtime/lang',
    forbids: (e) => under(e.from, 'runtime/lang') && !under(e.to, 'runtime/lang'),
  },
  {
    name: 'nothing in runtime/ but the runner and the test kit (runtime/testing) imports runtime/runner',
    forbids: (e) => under(e.from, 'runtime') && !under(e.from, 'runtime/runner') && !under(e.from, 'runtime/testing') && under(e.to, 'runtime/runner') && e.from !== 'runtime/index.ts',
  },
  {
    name: 'compiler imports from runtime only runtime/index.ts, runtime/command.ts and runtime/lang/*',
    forbids: (e) => under(e.from, 'compiler') && under(e.to, 'runtime')
      && e.to !== 'runtime/index.ts' && e.to !== 'runtime/command.ts' && !under(e.to, 'runtime/lang'),
  },
  {
    name: 'runtime imports nothing from compiler/ or cli/ statically',
    forbids: (e) => under(e.from, 'runtime') && !e.dynamic && (under(e.to, 'compiler') || under(e.to, 'cli')),
  },
  {
    name: 'compiler imports nothing from cli/',
    forbids: (e) => under(e.from, 'compiler') && under(e.to, 'cli'),
  },
];

function violations(edges: readonly Edge[]): string[] {
  const out: string[] = [];
  for (const e of edges) {
    for (const r of RULES) if (r.forbids(e)) out.push(`${e.from} → ${e.to}${e.dynamic ? ' (dynamic)' : ''}: ${r.name}`);
  }
  return out;
}

const FILES = ['runtime', 'compiler', 'cli'].flatMap(walk);
const EDGES = FILES.flatMap((f) => edgesOf(f, fs.readFileSync(path.join(ROOT, f), 'utf8')));

test('the scan sees the tree (files, edges, every import form)', () => {
  assert.ok(FILES.length > 100, `${FILES.length} files`);
  assert.ok(EDGES.length > 300, `${EDGES.length} edges`);
  const forms = edgesOf('runtime/x/a.ts', [
    "import { a } from './a.js';",
    "import type { B } from '../shell/shell.js';",
    "export * from '../store/state.js';",
    "export { c } from './c.js';",
    "import 'zx';",
    "const m = await import('../../compiler/index.js');",
    "type T = import('../runner/run.js').X;",
  ].join('\n'));
  assert.equal(forms.map((e) => [e.to, e.dynamic]), [
    ['runtime/x/a.ts', false], ['runtime/shell/shell.ts', false], ['runtime/store/state.ts', false],
    ['runtime/x/c.ts', false], ['compiler/index.ts', true], ['runtime/runner/run.ts', false],
  ]);
  // every edge points at a file that exists (a stale path would make a rule vacuous)
  const missing = EDGES.filter((e) => !fs.existsSync(path.join(ROOT, e.to))).map((e) => `${e.from} → ${e.to}`);
  assert.equal(missing, []);
});

test('each rule catches a violation of it', () => {
  const bad: Edge[] = [
    { from: 'runtime/store/state.ts', to: 'runtime/shell/shell.ts', dynamic: false },
    { from: 'runtime/shell/exec.ts', to: 'runtime/store/paths.ts', dynamic: true },
    { from: 'runtime/lang/quote.ts', to: 'runtime/store/format.ts', dynamic: false },
    { from: 'runtime/statelib/util.ts', to: 'runtime/runner/run.ts', dynamic: false },
    { from: 'compiler/emit.ts', to: 'runtime/shell/shell.ts', dynamic: false },
    { from: 'runtime/runner/run.ts', to: 'compiler/index.ts', dynamic: false },
    { from: 'compiler/index.ts', to: 'cli/main.ts', dynamic: false },
  ];
  const hit = RULES.map((r) => bad.filter((e) => r.forbids(e)).length);
  assert.equal(hit, RULES.map(() => 1));
  // and what is allowed stays allowed
  const good: Edge[] = [
    { from: 'runtime/runner/run.ts', to: 'runtime/shell/shell.ts', dynamic: false },
    { from: 'runtime/statelib/util.ts', to: 'runtime/store/ids.ts', dynamic: false },
    { from: 'compiler/emit.ts', to: 'runtime/command.ts', dynamic: false },
    { from: 'compiler/arguments.ts', to: 'runtime/lang/arguments.ts', dynamic: false },
    { from: 'runtime/runner/run.ts', to: 'compiler/index.ts', dynamic: true },
    { from: 'cli/state.ts', to: 'runtime/store/state.ts', dynamic: false },
  ];
  assert.equal(violations(good), []);
});

test('the tree keeps the import rules', () => {
  assert.equal(violations(EDGES), []);
});

test('runtime/ root holds only index.ts and command.ts', () => {
  const root = fs.readdirSync(path.join(ROOT, 'runtime'), { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort();
  assert.equal(root, ['command.ts', 'index.ts']);
});

test.run();
