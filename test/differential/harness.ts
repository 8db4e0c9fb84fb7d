/**
 * Differential test harness: each row is a bash snippet run (a) by real bash
 * (`bash --norc --noprofile -c`) and (b) compiled (parse → translateBlock → a TS module run by
 * tsx, many rows per module, each row in a fresh Shell with its own captured stdout/stderr),
 * in the same fresh directory with the same files, env and stdin. Stdout, stderr, exit status
 * and the listed final variables must be identical. A missing bash is a failure.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseBash } from '../../compiler/parse.js';
import { createContext } from '../../compiler/context.js';
import { translateBlock } from '../../compiler/translate/index.js';

export interface Row {
  name: string;
  bash: string;
  /** Files created in the row's directory before it runs. */
  files?: Record<string, string>;
  stdin?: string;
  args?: string[];
  /** Variables whose final values are compared (`<unset>` when unset). */
  vars?: string[];
  /** Environment additions. */
  env?: Record<string, string>;
}

export interface Outcome {
  stdout: string;
  stderr: string;
  status: number;
  vars: Record<string, string>;
}

export interface Compared {
  row: Row;
  bash: Outcome;
  ts: Outcome;
  code: string;
  islands: number;
  ms: number;
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

function seed(dir: string, files: Record<string, string> = {}): void {
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

export function runBash(row: Row, dir: string): Outcome {
  const out = path.join(dir, '..', path.basename(dir) + '.vars');
  const prefix = row.vars?.length ? varDump(row.vars) : '';
  const script = prefix ? `exec 9>${JSON.stringify(out)}\n${prefix}${row.bash}` : row.bash;
  // keep line numbers: the prefix takes lines; bash reports them, so run via a file with a
  // leading `#` line count adjustment instead: we put the prefix in BASH_ENV
  let env = baseEnv(row.env);
  let text = row.bash;
  let envFile: string | null = null;
  if (prefix) {
    envFile = path.join(dir, '..', path.basename(dir) + '.env.sh');
    fs.writeFileSync(envFile, `unset BASH_ENV\nexec 9>${JSON.stringify(out)}\n${prefix}`);
    env = { ...env, BASH_ENV: envFile };
  }
  void script;
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', text, 'bash', ...(row.args ?? [])], {
    cwd: dir,
    env,
    input: row.stdin ?? '',
    encoding: 'utf8',
  });
  if (r.error) throw r.error;
  const vars: Record<string, string> = {};
  if (row.vars?.length) {
    const f = fs.existsSync(out) ? fs.readFileSync(out, 'utf8').split('\0') : [];
    row.vars.forEach((v, i) => { vars[v] = f[i] ?? '<missing>'; });
  }
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? 128, vars };
}

/** Compile rows into one module; returns the module text and per-row island counts. */
export function compileRows(rows: Row[]): { module: string; islands: number[]; codes: string[] } {
  const imports = new Set<string>(['runBlock', 'createShell']);
  const fns: string[] = [];
  const islands: number[] = [];
  const codes: string[] = [];
  rows.forEach((row, i) => {
    const parsed = parseBash(row.bash, { file: 'bash' });
    const ctx = createContext({ file: 'bash', source: row.bash });
    let body: string;
    if (!parsed.ast) {
      body = `await sh.at(1).island(${JSON.stringify(row.bash)});`;
      islands.push(1);
    } else {
      const t = translateBlock(parsed.ast, ctx);
      t.imports.forEach((n) => imports.add(n));
      body = t.body;
      islands.push(t.stats.islands);
    }
    codes.push(body);
    fns.push(`async function row${i}(sh: Shell): Promise<void> {\n${body.split('\n').map((l) => '  ' + l).join('\n')}\n}`);
  });
  const url = pathToFileURL(path.join(root, 'runtime/index.ts')).href;
  const module = `import { type Shell, ${[...imports].sort().join(', ')} } from ${JSON.stringify(url)};
import * as fs from 'node:fs';
${fns.join('\n\n')}

const rows = [${rows.map((_, i) => `row${i}`).join(', ')}];
const spec = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as { dir: string; env: Record<string, string>; args: string[]; stdin: string; vars: string[] }[];
const results = [];
for (let i = 0; i < rows.length; i++) {
  const s = spec[i]!;
  const o = s.dir + '.out', e = s.dir + '.err', inp = s.dir + '.in';
  fs.writeFileSync(inp, s.stdin);
  const fo = fs.openSync(o, 'w'), fe = fs.openSync(e, 'w'), fi = fs.openSync(inp, 'r');
  const t0 = performance.now();
  const sh = createShell({ argv: s.args, env: s.env, cwd: s.dir, stdin: fi, stdout: fo, stderr: fe, scriptName: 'bash', source: { file: 'bash' } });
  const r = await runBlock(rows[i]!, sh);
  const ms = performance.now() - t0;
  fs.closeSync(fo); fs.closeSync(fe); fs.closeSync(fi);
  const vars: Record<string, string> = {};
  for (const v of s.vars) {
    const x = r.vars.get(v);
    vars[v] = x === undefined ? '<unset>' : typeof x === 'string' ? x : Array.isArray(x) ? (x[0] ?? '<unset>') : (x.get('0') ?? '<unset>');
  }
  results.push({ stdout: fs.readFileSync(o, 'utf8'), stderr: fs.readFileSync(e, 'utf8'), status: r.status, vars, ms, error: r.error ? String((r.error as Error).stack ?? r.error) : undefined });
}
fs.writeFileSync(process.argv[3]!, JSON.stringify(results));
`;
  return { module, islands, codes };
}

/** Run a table: bash first, then the compiled module(s), in identical fresh directories. */
export function runTable(rows: Row[], batch = 60): Compared[] {
  execFileSync('bash', ['-c', 'true']); // a missing bash fails here, loudly
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cmdc-diff-'));
  try {
    const dirs = rows.map((_, i) => path.join(work, `r${i}`));
    const bash = rows.map((row, i) => {
      seed(dirs[i]!, row.files);
      return runBash(row, dirs[i]!);
    });
    const results: Compared[] = [];
    for (let b = 0; b < rows.length; b += batch) {
      const chunk = rows.slice(b, b + batch);
      const { module, islands, codes } = compileRows(chunk);
      const modFile = path.join(root, 'test/differential', `.batch-${process.pid}-${b}.ts`);
      fs.writeFileSync(modFile, module);
      const specFile = path.join(work, `spec${b}.json`);
      const outFile = path.join(work, `out${b}.json`);
      const spec = chunk.map((row, k) => {
        seed(dirs[b + k]!, row.files);
        return { dir: dirs[b + k]!, env: baseEnv(row.env), args: row.args ?? [], stdin: row.stdin ?? '', vars: row.vars ?? [] };
      });
      fs.writeFileSync(specFile, JSON.stringify(spec));
      const r = spawnSync(process.execPath, ['--import', 'tsx', modFile, specFile, outFile], { cwd: root, encoding: 'utf8' });
      fs.rmSync(modFile, { force: true });
      if (r.status !== 0 || !fs.existsSync(outFile)) {
        throw new Error(`compiled batch failed:\n${r.stderr}\n${r.stdout}`);
      }
      const ts = JSON.parse(fs.readFileSync(outFile, 'utf8')) as (Outcome & { ms: number; error?: string })[];
      chunk.forEach((row, k) => {
        const t = ts[k]!;
        if (t.error) t.stderr += `\n[internal error] ${t.error}`;
        results.push({ row, bash: bash[b + k]!, ts: t, code: codes[k]!, islands: islands[k]!, ms: t.ms });
      });
    }
    return results;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

export function same(c: Compared): boolean {
  return c.bash.stdout === c.ts.stdout && c.bash.stderr === c.ts.stderr && c.bash.status === c.ts.status &&
    JSON.stringify(c.bash.vars) === JSON.stringify(c.ts.vars);
}

export function describe(c: Compared): string {
  const show = (o: Outcome) => JSON.stringify({ stdout: o.stdout, stderr: o.stderr, status: o.status, vars: o.vars }, null, 1);
  return `row "${c.row.name}":\n--- bash source\n${c.row.bash}\n--- generated\n${c.code}\n--- bash\n${show(c.bash)}\n--- compiled\n${show(c.ts)}`;
}
