/**
 * Source maps of generated modules (compiler/ir/source-map.ts): every line of a block's code
 * maps to the .md line it came from, other lines to themselves; an error thrown inside a
 * generated block shows `commands/<name>.md:LINE` in its stack, under tsx (this process) and
 * from an esbuild bundle (inline map); `cmdc check` sees a stale map as stale output.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { compile } from '../../compiler/index.js';
import { decodeLines, readInlineMap, sourceMap, vlq } from '../../compiler/ir/source-map.js';

const ROOT = resolve(import.meta.dirname, '../..');

const MD = [
  '---', //                                   1
  'description: boom', //                     2
  '---', //                                   3
  '# Boom', //                                4
  '', //                                      5
  '```bash', //                               6
  'X=1', //                                   7
  'if [ "$X" = 1 ]; then', //                 8
  '  Y=2 # trailing', //                      9
  'fi', //                                   10
  'echo "one $X"', //                        11
  '```', //                                  12
  '', //                                     13
  '```bash', //                              14
  'for i in 1 2; do', //                     15
  '  j=1', //                                16
  '  echo "$i" | cat', //                    17
  'done', //                                 18
  '```', //                                  19
  '', //                                     20
  '```bash', //                              21
  'false || { # why', //                     22
  '  X=3; Y=4 # both', //                    23
  '}', //                                    24
  'Z=$(echo z) # after the substitution', // 25
  '```', //                                  26
].join('\n') + '\n';

/** A shell whose `cmd` and `pipe` throw (an error raised inside generated code); the rest no-ops. */
function throwingShell(): unknown {
  const sh: Record<string, unknown> = {};
  const self = new Proxy(sh, {
    get(_t, name) {
      if (name === 'then') return undefined;
      if (name === 'cmd' || name === 'pipe') return () => { throw new Error(`boom in ${String(name)}`); };
      if (name === 'cond') return async () => true;
      if (name === 'for') return async (_n: string, items: string[], body: (s: unknown) => Promise<number>) => { for (const _ of items) await body(self); return 0; };
      return () => self;
    },
  });
  return self;
}

function project(): { dir: string; gen: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cmdc-srcmap-'));
  mkdirSync(join(dir, 'commands'));
  writeFileSync(join(dir, 'commands/boom.md'), MD);
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const r = compile(['commands/boom.md'], { root: dir, emit: 'exact', runtimeEntry: join(ROOT, 'runtime/index.ts') });
  assert.is(r.failed, false, JSON.stringify(r.diagnostics));
  const gen = join(dir, 'generated/boom.ts');
  mkdirSync(join(dir, 'generated'));
  writeFileSync(gen, r.results[0]!.code!);
  return { dir, gen };
}

/** The bash blocks' functions of a loaded module, in order. */
function blocksOf(mod: unknown): ((sh: unknown) => Promise<void>)[] {
  const steps = (mod as { command: { steps: { kind: string; run?: (sh: unknown) => Promise<void> }[] } }).command.steps;
  return steps.filter((s) => s.kind === 'bash').map((s) => s.run!);
}

/** The .md line of the first stack frame in the generated module (`boom.md:N` or `boom.ts:N`). */
function frame(e: unknown): string {
  const stack = String((e as Error).stack);
  const m = /\((?:[^()]*\/)?(commands\/boom\.md|generated\/boom\.ts):(\d+):\d+\)/.exec(stack);
  return m ? `${m[1]}:${m[2]}` : `no frame in: ${stack}`;
}

test('vlq and the line decoder agree (negative, zero, multi-digit deltas)', () => {
  assert.is(vlq(0), 'A');
  assert.is(vlq(1), 'C');
  assert.is(vlq(-1), 'D');
  assert.is(vlq(16), 'gB');
  const origins = [1, 2, 900, 3, 3, 40].map((line, i) => ({ source: (i % 2) as 0 | 1, line }));
  const json = JSON.parse(sourceMap('x.ts', ['x.md', 'x.ts'], origins)) as { mappings: string; version: number };
  assert.is(json.version, 3);
  assert.equal(decodeLines(json.mappings), origins);
});

test('each line of a block maps to its .md line; a trailing comment stays on its line', () => {
  const { dir, gen } = project();
  try {
    const code = compile(['commands/boom.md'], { root: dir, emit: 'exact', runtimeEntry: join(ROOT, 'runtime/index.ts') }).results[0]!.code!;
    const map = readInlineMap(code)!;
    assert.equal(map.sources, ['../commands/boom.md', 'boom.ts']);
    const lines = code.split('\n');
    const at = (needle: string) => {
      const i = lines.findIndex((l) => l.includes(needle));
      assert.ok(i >= 0, needle);
      return map.lines[i];
    };
    assert.equal(at('.assign({ X: "1" })'), { source: 0, line: 7 });
    assert.equal(at('.assign({ Y: "2" })'), { source: 0, line: 9 });
    assert.equal(at('// trailing'), { source: 0, line: 9 });
    assert.equal(at('dq("one ", param("X"))'), { source: 0, line: 11 });
    assert.equal(at('.assign({ j: "1" })'), { source: 0, line: 16 });
    assert.equal(at('.pipe('), { source: 0, line: 17 });
    assert.equal(at('export const command'), { source: 1, line: lines.findIndex((l) => l.includes('export const command')) + 1 });
    // a trailing comment stays on its line; `a || { … }` has one pair of braces
    assert.ok(lines.some((l) => l.trimEnd().endsWith('.assign({ Y: "2" }); // trailing')), code);
    assert.ok(lines.some((l) => l.trimEnd().endsWith('.assign({ Y: "4" }); // both')), code);
    assert.ok(lines.some((l) => /\.assign\(\{ Z: .*\); \/\/ after the substitution$/.test(l)), code);
    assert.not.match(code, /\{\n\s*\{/);
    assert.equal(at('// why'), { source: 0, line: 22 });
    void gen;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an error thrown inside a generated block shows the .md line (tsx)', async () => {
  const { dir, gen } = project();
  try {
    const blocks = blocksOf(await import(pathToFileURL(gen).href));
    let e1: unknown;
    await blocks[0]!(throwingShell()).catch((e: unknown) => (e1 = e));
    assert.is(frame(e1), 'commands/boom.md:11');
    let e2: unknown;
    await blocks[1]!(throwingShell()).catch((e: unknown) => (e2 = e));
    assert.is(frame(e2), 'commands/boom.md:17');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an esbuild bundle of the module keeps the map: the stack shows the .md line', async () => {
  const { dir, gen } = project();
  try {
    const out = join(dir, 'bundle.mjs');
    await build({ entryPoints: [gen], bundle: true, platform: 'node', format: 'esm', sourcemap: 'inline', outfile: out, logLevel: 'silent' });
    const blocks = blocksOf(await import(pathToFileURL(out).href));
    let e: unknown;
    await blocks[1]!(throwingShell()).catch((x: unknown) => (e = x));
    assert.is(frame(e), 'commands/boom.md:17');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
