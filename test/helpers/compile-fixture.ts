/** Compile a fixture command (.md, relative to the repo root) into a temp dir and import its module. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compile } from '../../compiler/index.js';
import type { CommandModule } from '../../runtime/command.js';

const ROOT = resolve(import.meta.dirname, '../..');

export async function compileFixture<S = Record<string, string | undefined>>(file: string): Promise<{ command: CommandModule<S>; outFile: string }> {
  const out = mkdtempSync(join(tmpdir(), 'cmdc-fixture-'));
  // an ES module like generated/ (else tsx loads it as CommonJS, with a second copy of the runtime)
  writeFileSync(join(out, 'package.json'), '{"type":"module"}\n');
  const r = compile([file], { root: ROOT, outDir: out });
  const res = r.results[0]!;
  if (r.failed || res.code === null) throw new Error(`${file} does not compile: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  writeFileSync(res.outFile, res.code);
  const mod = (await import(pathToFileURL(res.outFile).href)) as { command: CommandModule<S> };
  return { command: mod.command, outFile: res.outFile };
}
