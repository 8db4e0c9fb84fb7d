/**
 * Snapshots of generated output: every fixture command and every project command compiles to
 * exactly the module stored in test/snapshots/<dir>/<name>.ts.snap. Review a change, then
 * update with `UPDATE_SNAPSHOTS=1 node test/run.mjs snapshot`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compile } from '../../compiler/index.js';
import { createEmitter } from '../../compiler/emit.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SNAPSHOTS = join(ROOT, 'test/snapshots');
const update = process.env.UPDATE_SNAPSHOTS === '1';
const emitter = createEmitter();

const sets: [string, string, string][] = [
  ['fixtures', 'test/fixtures/commands', 'generated'],
  ['commands', 'commands', 'generated'],
];

for (const [label, dir, out] of sets) {
  const files = readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.md'))
    .sort();
  for (const f of files) {
    test(`${label}/${f}`, () => {
      const r = compile([join(dir, f)], { root: ROOT, outDir: out, emitter });
      const code = r.results[0]!.code;
      assert.ok(code, `${f} compiles`);
      const snap = join(SNAPSHOTS, label, f.replace(/\.md$/, '.ts.snap'));
      if (update || !existsSync(snap)) {
        mkdirSync(join(SNAPSHOTS, label), { recursive: true });
        writeFileSync(snap, code!);
        if (!update) console.log(`  wrote new snapshot ${snap}`);
        return;
      }
      assert.fixture(code!, readFileSync(snap, 'utf8'));
    });
  }
}

test('the committed generated/ modules are the snapshots of commands/', () => {
  for (const f of readdirSync(join(ROOT, 'commands')).filter((x) => x.endsWith('.md'))) {
    const gen = join(ROOT, 'generated', f.replace(/\.md$/, '.ts'));
    assert.ok(existsSync(gen), `${gen} exists (run: npx cmdc compile)`);
    const snap = join(SNAPSHOTS, 'commands', f.replace(/\.md$/, '.ts.snap'));
    if (existsSync(snap)) assert.fixture(readFileSync(gen, 'utf8'), readFileSync(snap, 'utf8'));
  }
});

test.run();
