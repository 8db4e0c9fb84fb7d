/**
 * Precompiled entries for the per-block path: bundles each `commands/<name>.ts` (its generated
 * module and the runtime) with esbuild into one self-contained ESM file `<out>/<name>.mjs`, so a
 * block runs with bare `node` instead of paying `npx` + tsx start-up per block. A bundle must not
 * contain compiler code (ts-morph, mvdan-sh, compiler/): that is checked on esbuild's metafile.
 * Bash islands source runtime/lib/*.sh; a bundle refers to the lib of the checkout it was built
 * from by absolute path (.cmdc/ is per-checkout build output).
 *
 * Bash text met at run time (sourced files not compiled with the command, eval text, trap
 * strings) is compiled on a cache miss by the compiler, which a runtime bundle must not contain:
 * `cmdc build` also writes the compiler bundle `<out>/cmdc-compiler.mjs` (compiler/dynamic.ts),
 * and each command bundle finds it through the define `__CMDC_COMPILER__` (runtime/code/
 * compiler-link.ts), with the compiler's fingerprint as `__CMDC_CODE_VERSION__`.
 */
import { build, buildSync, type Metafile } from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import writeFileAtomic from 'write-file-atomic';
import { makeCmdcDir } from '../runtime/store/ignore.js';
import { fingerprintOf } from '../runtime/code/compiler-link.js';

export interface BundleOptions {
  /** Project root (holds commands/). */
  root: string;
  /** Command names (`implement` for commands/implement.ts); default: every commands/*.ts. */
  names?: readonly string[];
  /** Output directory, relative to root (default `.cmdc/bin`). */
  out?: string;
  /** Where the `<name>.ts` entries are, relative to root (default `commands`; tests bundle generated entries). */
  commandsDir?: string;
  /** The bash library islands source (default: this checkout's runtime/lib). */
  libDir?: string;
}

export interface BundledEntry {
  name: string;
  entry: string;
  outFile: string;
  bytes: number;
}

/** Inputs a runtime bundle must not pull in. */
const FORBIDDEN = [/node_modules[\\/]mvdan-sh[\\/]/, /node_modules[\\/]ts-morph[\\/]/, /node_modules[\\/]@ts-morph[\\/]/, /^compiler[\\/]/];

/**
 * CommonJS dependencies bundled into ESM call esbuild's `__require` shim, which needs a real
 * `require` in scope for Node built-ins.
 */
export const BANNER = "import { createRequire as __cmdcCreateRequire } from 'node:module';\nconst require = __cmdcCreateRequire(import.meta.url);";

export class BundleError extends Error {}

/**
 * The cmdc checkout this module belongs to (holds compiler/ and runtime/lib): not the project
 * being built, which only holds its commands.
 */
export function cmdcRoot(): string {
  return fileURLToPath(new URL('..', import.meta.url));
}

/** File name of the compiler bundle next to the command bundles. */
export const COMPILER_BUNDLE = 'cmdc-compiler.mjs';

/**
 * The esbuild defines of a runtime bundle built from the checkout at `root`: its bash library
 * directory (default the checkout's runtime/lib), the compiler bundle at `compilerFile`, and the
 * compiler's fingerprint.
 */
export function runtimeDefines(root: string, compilerFile: string, libDir = join(root, 'runtime', 'lib')): Record<string, string> {
  return {
    __CMDC_LIB_DIR__: JSON.stringify(libDir + sep),
    __CMDC_COMPILER__: JSON.stringify(compilerFile),
    __CMDC_CODE_VERSION__: JSON.stringify(fingerprintOf(root)),
  };
}

/** esbuild options of the compiler bundle (compiler/dynamic.ts and mvdan-sh, one ESM file). */
export function compilerBuildOptionsFor(root: string, outFile: string) {
  return {
    entryPoints: [join(root, 'compiler', 'dynamic.ts')],
    absWorkingDir: root,
    bundle: true,
    platform: 'node' as const,
    target: 'node20',
    format: 'esm' as const,
    banner: { js: BANNER },
    outfile: outFile,
    logLevel: 'silent' as const,
    legalComments: 'none' as const,
    // compiler/parse.ts loads mvdan-sh (CommonJS, GopherJS) with createRequire(import.meta.url):
    // resolve it from the checkout, as __CMDC_LIB_DIR__ does for the bash library
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(join(root, 'compiler', 'parse.ts')).href) },
  };
}

/** Build the compiler bundle (synchronously: test harnesses build one per run). */
export function bundleCompilerSync(root: string, outFile: string): void {
  buildSync({ ...compilerBuildOptionsFor(resolve(root), outFile), write: true });
}

/** The command entry names under `<root>/<commandsDir>` (files `*.ts`), sorted. */
export function commandEntryNames(root: string, commandsDir = 'commands'): string[] {
  return readdirSync(resolve(root, commandsDir))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

/** Inputs of a metafile that a runtime bundle must not contain. */
export function forbiddenInputs(metafile: Metafile): string[] {
  return Object.keys(metafile.inputs).filter((i) => FORBIDDEN.some((re) => re.test(i)));
}

/**
 * Bundles the named entries; each output is written atomically, and only once every bundle has
 * been built and checked (nothing is written when one fails).
 */
export async function bundleCommands(opts: BundleOptions): Promise<BundledEntry[]> {
  const root = resolve(opts.root);
  const outDir = resolve(root, opts.out ?? '.cmdc/bin');
  const commandsDir = resolve(root, opts.commandsDir ?? 'commands');
  const shownDir = relative(root, commandsDir).split(sep).join('/') || '.';
  const names = opts.names?.length ? [...opts.names] : commandEntryNames(root, commandsDir);
  const available = new Set(commandEntryNames(root, commandsDir));
  const missing = names.filter((n) => !available.has(n));
  if (missing.length) throw new BundleError(`no such command entry: ${missing.map((n) => `${shownDir}/${n}.ts`).join(', ')}`);
  // the checkout's compiler and bash library (a project without its own copy of cmdc uses this one's)
  const cmdc = existsSync(join(root, 'compiler', 'dynamic.ts')) ? root : cmdcRoot();
  const libDir = opts.libDir ? resolve(opts.libDir) : join(cmdc, 'runtime', 'lib');

  const built: { name: string; entry: string; outFile: string; code: Uint8Array }[] = [];
  const compilerFile = join(outDir, COMPILER_BUNDLE);
  const defines = runtimeDefines(cmdc, compilerFile, libDir);
  for (const name of names) {
    const entry = join(commandsDir, `${name}.ts`);
    const r = await build({
      entryPoints: [entry],
      absWorkingDir: root,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      packages: 'bundle',
      banner: { js: BANNER },
      // islands source the bash libraries (libDir); misses of the code cache use the compiler bundle
      define: defines,
      metafile: true,
      write: false,
      outfile: join(outDir, `${name}.mjs`),
      logLevel: 'silent',
      legalComments: 'none',
    });
    const bad = forbiddenInputs(r.metafile);
    if (bad.length) throw new BundleError(`${shownDir}/${name}.ts: the bundle pulls in compiler code: ${bad.slice(0, 5).join(', ')}`);
    const file = r.outputFiles.find((f) => f.path.endsWith('.mjs'));
    if (!file) throw new BundleError(`${shownDir}/${name}.ts: esbuild produced no output`);
    built.push({ name, entry, outFile: file.path, code: file.contents });
  }
  let compiler: Uint8Array | null = null;
  if (built.length) {
    const r = await build({ ...compilerBuildOptionsFor(cmdc, compilerFile), write: false });
    const file = r.outputFiles.find((f) => f.path.endsWith('.mjs'));
    if (!file) throw new BundleError(`compiler/dynamic.ts: esbuild produced no output`);
    compiler = file.contents;
  }
  const out: BundledEntry[] = [];
  // under .cmdc/ (the default .cmdc/bin) the new directory is marked: git never shows it
  if (built.length) makeCmdcDir(outDir);
  if (compiler) await writeFileAtomic(compilerFile, Buffer.from(compiler), { mode: 0o644 });
  for (const b of built) {
    await writeFileAtomic(b.outFile, Buffer.from(b.code), { mode: 0o644 });
    out.push({ name: b.name, entry: relative(root, b.entry).split(sep).join('/'), outFile: b.outFile, bytes: b.code.length });
  }
  return out;
}
