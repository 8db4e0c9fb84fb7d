/**
 * Differential test harness: each row is a bash snippet run (a) by real bash and (b) compiled (parse → translateBlock → one TS module for
 * the whole table, bundled with esbuild and run by bare node, each row in a fresh Shell with its
 * own stdin/stdout/stderr files), in the same fresh directory with the same files, env and
 * stdin. Stdout, stderr (compared as bytes: both sides are decoded with runtime/lang/bytes.ts,
 * which loses no byte), exit status and the listed final variables must be identical. A missing
 * bash is a failure.
 *
 * Under each execution profile (runtime/lang/profile.ts) against its own oracle: `script` runs
 * `bash --norc --noprofile -c <row> bash <args>`; `claude-code` runs the exact command string of
 * Claude Code's Bash tool (`… && eval '<row>' < /dev/null && pwd -P >| <file>`, `$0` the shell
 * path, no arguments) and compares, besides the rest, the directory the next call would start in.
 * The compiled side gets the Shell options runtime/runner/profile.ts gives a block.
 *
 * Watchdog: a row that makes no progress for `rowTimeoutMs` (bash or compiled) is killed (its
 * whole process group) and reported as a failing `[hang]` row; the compiled side restarts with
 * the next row, so a hang never stalls the suite. A compiled process that dies mid-row gives a
 * failing `[crash]` row the same way.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { bundleCompilerSync, runtimeDefines } from '../../cli/bundle.js';
import { parseBash } from '../../compiler/parse.js';
import { createContext } from '../../compiler/context.js';
import { translateBlock } from '../../compiler/translate/index.js';
import { translateBlockTyped } from '../../compiler/typed/index.js';
import { decode } from '../../runtime/lang/bytes.js';
import { bashToolCommand, hasInputRedirect, type Profile } from '../../runtime/lang/profile.js';
import { blockLines, blockShellOptions, claudeShellPath } from '../../runtime/runner/profile.js';
import { pastedValue, splitArguments, substituteArguments } from '../../runtime/lang/arguments.js';
import { rewriteArgumentRefs } from '../../compiler/arguments.js';

export interface Row {
  name: string;
  bash: string;
  /** Files created in the row's directory before it runs. */
  files?: Record<string, string | Buffer>;
  stdin?: string | Buffer;
  args?: string[];
  /** Variables whose final values are compared (`<unset>` when unset). */
  vars?: string[];
  /** Environment additions. */
  env?: Record<string, string>;
  /** Only under these profiles (default both); say why in a comment next to the row. */
  profiles?: Profile[];
  /**
   * A known difference not fixed yet (the reason): the row still runs and must still differ, so
   * a fix that makes it identical fails until the marker is removed.
   */
  pending?: string;
  /**
   * Why this row runs (part of) its block as a bash island on purpose (bash rejects the text
   * too, or a construct kept as bash by design). Every other row must compile natively: a row
   * bash accepts but cmdc's parser rejects would run as an island in real bash and "match",
   * hiding the parser's mistake. A marked row must still have an island, so a fix shows up.
   */
  island?: string;
  /**
   * The argument string typed after `/name`. The oracle runs the text Claude Code makes of the
   * block (runtime/lang/arguments.ts substituteArguments: `$N` zero-based under claude-code,
   * only `$ARGUMENTS`… under script, whose positional parameters are the words); the compiled
   * block has its references rewritten (compiler/arguments.ts) and gets the values as data, as
   * the runner gives them. Equal whenever the argument does not break the block's quoting.
   */
  arguments?: string;
}

export interface Outcome {
  stdout: string;
  stderr: string;
  status: number;
  vars: Record<string, string>;
  /** claude-code: where the next Bash call starts, relative to the row's directory (`<kept>` when the block failed). */
  cwd?: string;
}

export interface Compared {
  row: Row;
  bash: Outcome;
  ts: Outcome;
  code: string;
  islands: number;
  ms: number;
}

export interface TableOptions {
  /** Execution profile (default script). */
  profile?: Profile;
  /** Watchdog: a row with no result after this long is a `[hang]` (default 10 s, env CMDC_DIFF_ROW_TIMEOUT_MS). */
  rowTimeoutMs?: number;
  /**
   * The tier rows are compiled in (compiler/typed): `typed` runs only the rows that have at least
   * one statement in the typed tier (the others would repeat the exact run). Default exact.
   */
  emit?: 'exact' | 'typed';
}

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

function baseEnv(extra?: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/tmp',
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    ...extra,
  };
}

function seed(dir: string, files: Record<string, string | Buffer> = {}): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const [f, c] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), c);
  }
}

function varDump(vars: string[]): string {
  // printed to fd 9 at exit: NAME \0 value-or-<unset> \0
  const items = vars.map((v) => `"\${${v}-<unset>}"`).join(' ');
  return `trap 'printf "%s\\0" ${items} >&9' EXIT\n`;
}

function readText(file: string): string {
  return fs.existsSync(file) ? decode(fs.readFileSync(file)) : '';
}

function timeoutMs(o: TableOptions): number {
  return o.rowTimeoutMs ?? Number(process.env.CMDC_DIFF_ROW_TIMEOUT_MS ?? 10_000);
}

/** What the next Bash call's directory is, relative to the row's (claude-code). */
function cwdOutcome(dir: string, final: string | null): string {
  if (final === null) return '<kept>';
  return path.relative(fs.realpathSync(dir), final) || '.';
}

function realOrSelf(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/** The stdin a row's block sees: claude-code gives /dev/null unless it redirects input itself. */
function rowStdin(row: Row, profile: Profile): string | Buffer {
  return profile === 'claude-code' && !hasInputRedirect(row.bash) ? '' : row.stdin ?? '';
}

const SESSION = 'sess-1';

/** The block as the oracle runs it: with `arguments`, the text Claude Code makes of it. */
function oracleText(row: Row, profile: Profile, dir: string): string {
  if (row.arguments === undefined) return row.bash;
  return substituteArguments(row.bash, row.arguments, {
    convention: profile === 'script' ? 'positional' : 'zero-based', sessionId: SESSION, projectDir: dir, effort: '',
    ...(profile === 'script' ? { pasted: false } : {}),
  });
}

/** The positional parameters a row runs with (script): its `args`, or the words of its `arguments`. */
function rowArgs(row: Row): string[] {
  return row.arguments !== undefined ? splitArguments(row.arguments) : row.args ?? [];
}

/** Run one row in real bash in `dir` (stdio are files, as on the compiled side). */
export function runBash(row: Row, dir: string, o: TableOptions = {}): Outcome {
  const profile = o.profile ?? 'script';
  const base = path.join(dir, '..', path.basename(dir));
  const out = base + '.vars';
  let env = baseEnv(row.env);
  if (row.vars?.length) {
    // the dump goes in BASH_ENV so that the row's own line numbers stay those of its text
    const envFile = base + '.env.sh';
    fs.writeFileSync(envFile, `unset BASH_ENV\nexec 9>${JSON.stringify(out)}\n${varDump(row.vars)}`);
    env = { ...env, BASH_ENV: envFile };
  }
  // claude-code: the process's stdin is the row's, the wrapper decides whether the block sees it
  fs.writeFileSync(base + '.bin', row.stdin ?? '');
  const cwdFile = base + '.cwd';
  const fi = fs.openSync(base + '.bin', 'r');
  const fo = fs.openSync(base + '.bout', 'w');
  const fe = fs.openSync(base + '.berr', 'w');
  let r;
  try {
    const text = oracleText(row, profile, dir);
    const [cmd, argv] = profile === 'claude-code'
      ? [claudeShellPath(env), ['-c', bashToolCommand(text, { cwdFile })]]
      : ['bash', ['--norc', '--noprofile', '-c', text, 'bash', ...rowArgs(row)]];
    r = spawnSync(cmd, argv, { cwd: dir, env, stdio: [fi, fo, fe], timeout: timeoutMs(o), killSignal: 'SIGKILL' });
  } finally {
    fs.closeSync(fi); fs.closeSync(fo); fs.closeSync(fe);
  }
  const hung = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  if (r.error && !hung) throw r.error;
  const vars: Record<string, string> = {};
  if (row.vars?.length) {
    const f = fs.existsSync(out) ? decode(fs.readFileSync(out)).split('\0') : [];
    row.vars.forEach((v, i) => { vars[v] = f[i] ?? '<missing>'; });
  }
  const stderr = readText(base + '.berr') + (hung ? `\n[hang] bash gave no result within ${timeoutMs(o)} ms` : '');
  const outcome: Outcome = { stdout: readText(base + '.bout'), stderr, status: hung ? -1 : r.signal ? 128 + (os.constants.signals[r.signal] ?? 0) : r.status ?? 128 + 9, vars };
  if (profile === 'claude-code') outcome.cwd = cwdOutcome(dir, fs.existsSync(cwdFile) ? fs.readFileSync(cwdFile, 'utf8').replace(/\n$/, '') : null);
  return outcome;
}

/**
 * Compile rows into one module; returns the module text, per-row island counts and (typed tier)
 * per-row counts of typed statements.
 */
export function compileRows(rows: Row[], profile: Profile = 'script', emit: 'exact' | 'typed' = 'exact'):
  { module: string; islands: number[]; codes: string[]; typed: number[] } {
  const imports = new Set<string>(['runBlock', 'createShell']);
  const fns: string[] = [];
  const islands: number[] = [];
  const codes: string[] = [];
  const typed: number[] = [];
  rows.forEach((row, i) => {
    let parsed = parseBash(row.bash, { file: 'bash' });
    const ctx = createContext({ file: 'bash', source: row.bash });
    if (parsed.ast && row.arguments !== undefined) {
      const convention = profile === 'script' ? 'positional' : 'zero-based';
      const r = rewriteArgumentRefs(parsed.ast, { file: 'bash', block: { code: row.bash, line: 1, indents: [0] }, convention, explicitConvention: true });
      parsed = { ...parsed, ast: r.file };
    }
    let body: string;
    if (!parsed.ast) {
      body = `await sh.at(1).island(${JSON.stringify(row.bash)});`;
      islands.push(1);
      typed.push(0);
    } else {
      const t = emit === 'typed' ? translateBlockTyped(parsed.ast, ctx) : { ...translateBlock(parsed.ast, ctx), tiers: { typed: 0 } };
      t.imports.forEach((n) => imports.add(n));
      body = t.body;
      islands.push(t.stats.islands);
      typed.push(t.tiers.typed);
    }
    codes.push(body);
    fns.push(`async function row${i}(sh: Shell): Promise<void> {\n${body.split('\n').map((l) => '  ' + l).join('\n')}\n}`);
  });
  const runtime = path.join(root, 'runtime/index.ts');
  const bytes = path.join(root, 'runtime/lang/bytes.ts');
  const module = `import { type Shell, ${[...imports].sort().join(', ')} } from ${JSON.stringify(runtime)};
import { decode } from ${JSON.stringify(bytes)};
import * as fs from 'node:fs';
type State = Record<string, string>;
${fns.join('\n\n')}

const rows = [${rows.map((_, i) => `row${i}`).join(', ')}];
// argv: spec file, first row to run. One JSON line per finished row goes to fd 3 (the watchdog).
const spec = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as { dir: string; env: Record<string, string>; shell: Record<string, unknown>; argv?: string[]; vars: string[] }[];
for (let i = Number(process.argv[3] ?? 0); i < rows.length; i++) {
  const s = spec[i]!;
  const o = s.dir + '.out', e = s.dir + '.err', inp = s.dir + '.in';
  const fo = fs.openSync(o, 'w'), fe = fs.openSync(e, 'w'), fi = fs.openSync(inp, 'r');
  const t0 = performance.now();
  const sh = createShell({ ...s.shell, env: s.env, cwd: s.dir, stdin: fi, stdout: fo, stderr: fe, source: { file: 'bash' } });
  if (s.argv) sh.vars.ensure('CMDC_ARGV').value = s.argv;
  const r = await runBlock(rows[i]!, sh);
  const ms = performance.now() - t0;
  fs.closeSync(fo); fs.closeSync(fe); fs.closeSync(fi);
  const vars: Record<string, string> = {};
  for (const v of s.vars) {
    const x = r.vars.get(v);
    vars[v] = x === undefined ? '<unset>' : typeof x === 'string' ? x : Array.isArray(x) ? (x[0] ?? '<unset>') : (x.get('0') ?? '<unset>');
  }
  const res = { i, stdout: decode(fs.readFileSync(o)), stderr: decode(fs.readFileSync(e)), status: r.status, vars, ms, error: r.error ? String((r.error as Error).stack ?? r.error) : undefined, cwd: r.exited ? undefined : r.cwd };
  fs.writeSync(3, JSON.stringify(res) + '\\n');
}
process.exit(0);
`;
  return { module, islands, codes, typed };
}

type TsResult = Outcome & { i: number; ms: number; error?: string };

function rowShell(row: Row, profile: Profile, dir: string): Record<string, unknown> {
  return blockShellOptions(profile, { env: baseEnv(row.env), argv: rowArgs(row), scriptName: 'bash', lines: blockLines(oracleText(row, profile, dir)) });
}

/** What the runner adds for a row with `arguments`: the reserved variables, values pasted as the client pastes them (claude-code). */
function rowArguments(row: Row, profile: Profile, dir: string): { env: Record<string, string>; argv?: string[] } {
  if (row.arguments === undefined) return { env: {} };
  const raw = row.arguments.trim();
  const paste = (v: string) => (profile === 'claude-code' ? pastedValue(v, { sessionId: SESSION, projectDir: dir }) : v);
  return {
    env: { CMDC_ARGUMENTS: paste(raw), CMDC_SESSION_ID: SESSION, CMDC_PROJECT_DIR: dir, CMDC_EFFORT: '' },
    argv: splitArguments(raw).map(paste),
  };
}

/**
 * Run the bundled module from row `from` on; resolves with the results it produced and, when it
 * stopped early, why (`hang`: no result within the timeout; `crash`: the process ended).
 */
function runCompiled(bundle: string, specFile: string, from: number, total: number, limit: number):
  Promise<{ results: TsResult[]; stopped: null | { kind: 'hang' | 'crash'; detail: string } }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bundle, specFile, String(from)], {
      cwd: root, stdio: ['ignore', 'pipe', 'pipe', 'pipe'], detached: true,
    });
    const results: TsResult[] = [];
    let buf = '';
    let stderr = '';
    let timer: NodeJS.Timeout;
    let hung = false;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        hung = true;
        try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
      }, limit);
    };
    arm();
    child.stdio[3]!.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        results.push(JSON.parse(buf.slice(0, nl)) as TsResult);
        buf = buf.slice(nl + 1);
        arm();
      }
    });
    child.stdout!.on('data', (d: Buffer) => { stderr += d; });
    child.stderr!.on('data', (d: Buffer) => { stderr += d; });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      // leftover processes of the row (a `sleep` it started) go with the group
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
      if (from + results.length >= total) resolve({ results, stopped: null });
      else if (hung) resolve({ results, stopped: { kind: 'hang', detail: `no result within ${limit} ms` } });
      else resolve({ results, stopped: { kind: 'crash', detail: `exit ${code ?? signal}: ${stderr.slice(-4000)}` } });
    });
  });
}

/** Run a table: bash first, then the compiled module, in identical fresh directories. */
export async function runTable(all: Row[], o: TableOptions = {}): Promise<Compared[]> {
  execFileSync('bash', ['-c', 'true']); // a missing bash fails here, loudly
  const profile = o.profile ?? 'script';
  const emit = o.emit ?? 'exact';
  let rows = all.filter((r) => !r.profiles || r.profiles.includes(profile));
  if (emit === 'typed') {
    const counts = compileRows(rows, profile, 'typed').typed;
    rows = rows.filter((_, i) => counts[i]! > 0);
  }
  const limit = timeoutMs(o);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cmdc-diff-'));
  try {
    const dirs = rows.map((_, i) => path.join(work, `r${i}`));
    const bash = rows.map((row, i) => {
      seed(dirs[i]!, row.files);
      return runBash(row, dirs[i]!, o);
    });
    const { module, islands, codes } = compileRows(rows, profile, emit);
    const modFile = path.join(work, 'table.ts');
    const bundle = path.join(work, 'table.mjs');
    fs.writeFileSync(modFile, module);
    // `source`, eval and string traps compile on first use: the bundle finds the compiler bundle
    const compilerFile = path.join(work, 'compiler.mjs');
    bundleCompilerSync(root, compilerFile);
    buildSync({
      entryPoints: [modFile], outfile: bundle, bundle: true, platform: 'node', format: 'esm',
      target: 'node20', logLevel: 'error', absWorkingDir: root, define: runtimeDefines(root, compilerFile),
      // bundled CommonJS dependencies may call require()
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    const spec = rows.map((row, i) => {
      seed(dirs[i]!, row.files);
      fs.writeFileSync(dirs[i] + '.in', rowStdin(row, profile));
      const a = rowArguments(row, profile, dirs[i]!);
      return { dir: dirs[i]!, env: { ...baseEnv(row.env), ...a.env }, shell: rowShell(row, profile, dirs[i]!), ...(a.argv ? { argv: a.argv } : {}), vars: row.vars ?? [] };
    });
    const specFile = path.join(work, 'spec.json');
    fs.writeFileSync(specFile, JSON.stringify(spec));
    const ts: TsResult[] = [];
    while (ts.length < rows.length) {
      const from = ts.length;
      const r = await runCompiled(bundle, specFile, from, rows.length, limit);
      ts.push(...r.results);
      if (r.stopped) {
        const i = ts.length;
        const d = dirs[i]!;
        ts.push({
          i, stdout: readText(d + '.out'), stderr: readText(d + '.err') + `\n[${r.stopped.kind}] ${r.stopped.detail}`,
          status: -1, vars: {}, ms: limit,
        });
      }
    }
    return rows.map((row, i) => {
      const t = ts[i]!;
      if (t.error) t.stderr += `\n[internal error] ${t.error}`;
      if (profile === 'claude-code') t.cwd = t.status === 0 && t.cwd !== undefined ? cwdOutcome(dirs[i]!, realOrSelf(t.cwd)) : '<kept>';
      else delete t.cwd;
      return { row, bash: bash[i]!, ts: t, code: codes[i]!, islands: islands[i]!, ms: t.ms };
    });
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

export function same(c: Compared): boolean {
  return c.bash.stdout === c.ts.stdout && c.bash.stderr === c.ts.stderr && c.bash.status === c.ts.status &&
    JSON.stringify(c.bash.vars) === JSON.stringify(c.ts.vars) && c.bash.cwd === c.ts.cwd;
}

/** A row's islands against its marker (Row.island): null when as expected, else the complaint. */
export function islandProblem(c: Compared): string | null {
  if (c.row.island) {
    return c.islands > 0 ? null : `row "${c.row.name}" compiles natively now: remove its island marker (${c.row.island})`;
  }
  if (c.islands === 0) return null;
  return `row "${c.row.name}" runs ${c.islands} statement(s) as bash islands: cmdc's parser or a translator rejects text ` +
    `bash accepts (an island runs real bash, so the outputs match anyway); fix it or mark the row island: '<why>'\n--- generated\n${c.code}`;
}

export function describe(c: Compared): string {
  const show = (o: Outcome) => JSON.stringify({ stdout: o.stdout, stderr: o.stderr, status: o.status, vars: o.vars, cwd: o.cwd }, null, 1);
  return `row "${c.row.name}":\n--- bash source\n${c.row.bash}\n--- generated\n${c.code}\n--- bash\n${show(c.bash)}\n--- compiled\n${show(c.ts)}`;
}
