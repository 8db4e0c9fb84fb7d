/**
 * A compiled command as a runnable esbuild bundle, for tests that run commands as real
 * processes (`node <bundle> --block 2`, `--resume`): the .md source is compiled into a temp
 * directory, its entry (`run(command, process.argv)`) bundled with the runtime into one .mjs,
 * so each run starts with bare `node` (~60 ms) instead of tsx (~500 ms).
 */
import { buildSync } from 'esbuild';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { compile } from '../../compiler/index.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** Compiles `source` (the .md text of command `name`) and bundles it; returns the bundle path. */
export function bundleCommand(name: string, source: string, opts: { argumentConvention?: 'positional' } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), `cmdc-cmd-${name}-`));
  mkdirSync(join(dir, 'src'), { recursive: true });
  const md = join(dir, 'src', `${name}.md`);
  writeFileSync(md, source);
  const r = compile([md], { root: dir, outDir: join(dir, 'gen'), runtimeEntry: join(ROOT, 'runtime/index.ts'), argumentConvention: opts.argumentConvention ?? 'positional' });
  if (r.failed) throw new Error(`compiling ${name}: ${JSON.stringify(r.diagnostics)}`);
  mkdirSync(join(dir, 'gen'), { recursive: true });
  writeFileSync(r.results[0]!.outFile, r.results[0]!.code!);
  const entry = join(dir, 'gen', `${name}.entry.ts`);
  writeFileSync(entry, `import { command } from './${name}.js';\nimport { run } from ${JSON.stringify(join(ROOT, 'runtime/runner/run.ts'))};\nawait run(command, process.argv);\n`);
  const out = join(dir, `${name}.mjs`);
  buildSync({
    entryPoints: [entry],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    banner: { js: "import { createRequire as __cmdcCreateRequire } from 'node:module';\nconst require = __cmdcCreateRequire(import.meta.url);" },
    define: { __CMDC_LIB_DIR__: JSON.stringify(join(ROOT, 'runtime', 'lib') + sep) },
  });
  return out;
}
