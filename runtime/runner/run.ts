/**
 * `run(command, argv)`: the command line of a compiled command (`commands/<name>.ts` is three
 * lines that call it).
 *
 *   npx tsx commands/x.ts [args...]              new instance; runs every step in order
 *   npx tsx commands/x.ts --block N [--workflow-id ID] [args...]
 *                                                 one bash block (N = 1-based block number, #N,
 *                                                 or its label, e.g. 1a: runner/select-block.ts);
 *                                                 the first block starts a new instance, later
 *                                                 blocks continue an existing one
 *   npx tsx commands/x.ts --resume [ID]          continue a paused instance from its next step
 *   npx tsx commands/x.ts --list | --help
 *
 * Agent steps use an adapter (runtime/runner/agent.ts): `--agent-cmd "<cmd>"`, `--agent-replay
 * file.json`, default pause. Options are only recognised before `--`; any other argument
 * (including unknown `--flags`) is passed to the command as a positional argument.
 *
 * Each bash block runs in a fresh Shell (a fresh bash process in Claude Code) under the run's
 * execution profile (runtime/runner/profile.ts: claude-code, as Claude Code's Bash tool runs it,
 * or script); `!` commands all run when the instance starts (runtime/runner/pre.ts). The
 * instance's state file records status and the next step after every step; a failing block
 * stops the run (status failed, exit status of the block, and an error-log entry whose source is
 * `commands/x.md:<line>`, in the shape of the entries the project's log holds, unless the
 * block's own library logged its failure already).
 */
import '../shell/debugger-guard.js';
import { openSync, closeSync, realpathSync } from 'node:fs';
import pc from 'picocolors';
import { randomBytes } from 'node:crypto';
import { dirname, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AgentStep, CommandModule, PreStep } from '../command.js';
import { createShell, runBlock, type StdioSpec } from '../shell/shell.js';
import type { ExecHandler } from '../shell/exec-handler.js';
import { parseProfile, type Profile } from '../lang/profile.js';
import { blockShellOptions, claudeCodeEnv, cwdAfter } from './profile.js';
import {
  ARGUMENTS_VAR, ARGV_VAR, EFFORT_VAR, PROJECT_DIR_VAR, RESERVED_VARS, SESSION_ID_VAR, SET_VAR_PREFIX, SKILL_DIR_VAR,
  pastedValue, splitArguments, substituteArguments, type SubstituteOptions,
} from '../lang/arguments.js';
import { preFailure, prePattern, preTimeoutMs, runPreCommand } from './pre.js';
import {
  agentOutputKey,
  commandAdapter,
  pauseAdapter,
  renderPrompt,
  replayAdapter,
  type AgentAdapter,
} from './agent.js';
import { errorLogDir } from '../store/error-log.js';
import { logErrorAsProject, logMark } from '../store/project-log.js';
import { debugEnabled, formatReport } from '../store/report.js';
import { maybeGc } from '../store/gc.js';
import { singleQuote } from '../lang/quote.js';
import { selectBlock } from './select-block.js';
import { exactArgs } from './argv.js';
import { createStore, type Instance, type Store, InstanceLookupError } from './instances.js';
import { createLoader, type Loader } from '../code/loader.js';
import { discoveryOverride } from './discovery.js';

export interface RunOptions {
  /** Process environment (default process.env). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Write to stdout/stderr (default: the process's). Blocks always write to fds 1 and 2. */
  out?: (s: string) => void;
  err?: (s: string) => void;
  store?: Store;
  /** Whether stderr is a terminal (the failure summary is printed only then); default: process.stderr.isTTY, false when `err` is given. */
  stderrIsTTY?: boolean;
  /** Exec handlers every block's external commands go through before the real spawn (runtime/shell/exec-handler.ts; the test kit's stubs). */
  exec?: readonly ExecHandler[];
  /** Where the blocks' fds 1 and 2 go (default: this process's fds 1 and 2). */
  blockStdout?: StdioSpec;
  blockStderr?: StdioSpec;
}

interface ParsedArgs {
  mode: 'run' | 'block' | 'resume' | 'list' | 'help';
  block?: string;
  workflowId?: string;
  agent?: AgentAdapter;
  args: string[];
  /** `--arguments RAW`: the raw argument string, as Claude Code would receive it. */
  raw?: string;
  /** `--set NAME=value`, repeatable. */
  sets: Record<string, string>;
  /** `--profile claude-code|script`. */
  profile?: Profile;
  errors: string[];
}

/** Parse argv (without node and script). */
export function parseArgv(argv: readonly string[]): ParsedArgs {
  const p: ParsedArgs = { mode: 'run', args: [], sets: {}, errors: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (flag: string): string | undefined => {
      const eq = a.indexOf('=');
      if (eq > 0) return a.slice(eq + 1);
      const v = argv[i + 1];
      if (v === undefined) {
        p.errors.push(`${flag} needs a value`);
        return undefined;
      }
      i++;
      return v;
    };
    const flag = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    if (a === '--set') {
      // --set NAME=value (the value may contain '=')
      const v = argv[++i];
      const m = v === undefined ? null : /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/.exec(v);
      if (!m) p.errors.push(`--set needs NAME=value${v === undefined ? '' : `, got '${v}'`}`);
      else p.sets[m[1]!.toUpperCase()] = m[2]!;
      continue;
    }
    switch (flag) {
      case '--':
        p.args.push(...argv.slice(i + 1));
        return p;
      case '-h':
      case '--help':
        p.mode = 'help';
        break;
      case '--list':
        p.mode = 'list';
        break;
      case '--block':
        p.mode = 'block';
        p.block = value('--block');
        break;
      case '--workflow-id':
        p.workflowId = value('--workflow-id');
        break;
      case '--resume': {
        p.mode = 'resume';
        if (a.includes('=')) p.workflowId = a.slice(a.indexOf('=') + 1);
        else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('-')) p.workflowId = argv[++i];
        break;
      }
      case '--agent-cmd': {
        const v = value('--agent-cmd');
        if (v !== undefined) p.agent = commandAdapter(v);
        break;
      }
      case '--agent-replay': {
        const v = value('--agent-replay');
        if (v !== undefined) p.agent = replayAdapter(v);
        break;
      }
      case '--arguments': {
        const v = value('--arguments');
        if (v !== undefined) p.raw = v;
        break;
      }
      case '--profile': {
        const v = value('--profile');
        const prof = v === undefined ? null : parseProfile(v);
        if (prof) p.profile = prof;
        else if (v !== undefined) p.errors.push(`--profile: unknown profile '${v}' (use claude-code or script)`);
        break;
      }
      case '--agent': {
        const v = value('--agent');
        if (v === 'pause') p.agent = pauseAdapter();
        else if (v !== undefined) p.errors.push(`--agent: unknown adapter '${v}' (use pause, --agent-cmd or --agent-replay)`);
        break;
      }
      default:
        p.args.push(a);
    }
  }
  if (p.raw !== undefined && p.args.length) p.errors.push('give the arguments either as words or with --arguments, not both');
  return p;
}

/**
 * How the user re-runs this entry (for printed commands): `node <bundle>` when this code runs
 * from a `cmdc build` bundle (the runtime is then inside the main script itself), else tsx.
 */
function entryCommand(command: CommandModule<unknown>, cwd: string): string {
  if (command.entry) return command.entry;
  const script = process.argv[1];
  if (script && import.meta.url === pathToFileURL(script).href) {
    const rel = relative(cwd, script);
    return `node ${shellQuote(rel && !rel.startsWith('..') ? rel : script)}`;
  }
  const rel = script && /\.(ts|mts|js|mjs)$/.test(script) ? relative(cwd, script) || script : command.source.replace(/\.md$/, '.ts');
  return `npx tsx ${rel}`;
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : singleQuote(s);
}

function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** Run a compiled command with the given argv (process.argv shape). Sets process.exitCode. */
export async function run<S>(command: CommandModule<S>, argv: readonly string[] = process.argv, opts: RunOptions = {}): Promise<number> {
  let args = argv.slice(2);
  if (argv === process.argv) {
    // Node replaced bytes that are not UTF-8 with U+FFFD: read them back exactly (runner/argv.ts)
    const exact = exactArgs(args);
    if ('error' in exact) {
      (opts.err ?? ((s: string) => void process.stderr.write(s)))(`/${command.name}: ${exact.error}\n`);
      process.exitCode = 2;
      return 2;
    }
    args = exact.args;
  }
  const code = await runArgs(command, args, opts);
  process.exitCode = code;
  return code;
}

/** `run` without node and script in `args` and without touching process.exitCode: returns the exit status. */
export async function runArgs<S>(command: CommandModule<S>, args: readonly string[], opts: RunOptions = {}): Promise<number> {
  try {
    return await main(command as CommandModule<unknown>, args, opts);
  } catch (e) {
    // One line with the file and the cause (and the fix), a distinct exit status; the stack
    // trace only with CMDC_DEBUG=1 (runtime/store/report.ts).
    const env = opts.env ?? process.env;
    const r = formatReport(`/${command.name}: `, e, debugEnabled(env));
    (opts.err ?? ((s: string) => void process.stderr.write(s)))(r.text);
    return r.exitCode;
  }
}

/**
 * The opportunistic TTL cleanup the seed promised (runtime/store/gc.ts maybeGc): after a run,
 * block or resume, at most once an hour per state directory, bounded (200 old state files
 * judged per pass), never a held or otherwise live instance; what it removed is reported in one
 * line on stderr. CMDC_GC=0 turns it off.
 */
function afterRun(dir: string, env: NodeJS.ProcessEnv, cwd: string, err: (s: string) => void): void {
  if (env.CMDC_GC === '0' || env.CMDC_GC === 'off') return;
  const report = maybeGc({ dir, env, cwd, maxExamined: 200 });
  if (!report || report.removed.length === 0) return;
  const why = new Map<string, number>();
  for (const r of report.removed) why.set(r.reason, (why.get(r.reason) ?? 0) + 1);
  const reasons = [...why].map(([k, n]) => `${n} ${k}`).join(', ');
  const days = Math.round((report.ttlMs / 86_400_000) * 10) / 10;
  err(
    `cmdc: removed ${report.removed.length} instance${report.removed.length === 1 ? '' : 's'} untouched for over ${days}d (${reasons}) from ${report.dir}` +
      ` (CMDC_STATE_TTL sets the age, CMDC_GC=0 turns this off; cmdc state gc --dry-run lists what it would remove)\n`,
  );
}

async function main(command: CommandModule<unknown>, argv: readonly string[], opts: RunOptions): Promise<number> {
  const out = opts.out ?? ((s: string) => void process.stdout.write(s));
  const err = opts.err ?? ((s: string) => void process.stderr.write(s));
  const env = opts.env ?? process.env;
  const cwd = opts.cwd ?? process.cwd();
  const p = parseArgv(argv);
  const name = `/${command.name}`;
  if (p.errors.length) {
    for (const e of p.errors) err(`${name}: ${e}\n`);
    err(`${name}: see --help\n`);
    return 2;
  }
  if (p.mode === 'help') {
    out(helpText(command, cwd));
    return 0;
  }
  const store = opts.store ?? createStore({ env, cwd });
  if (p.mode === 'list') {
    const list = store.list(command.name);
    if (!list.length) out(`no instances of ${name}\n`);
    for (const i of list) {
      out(`${i.id}  ${i.status.padEnd(7)}  step ${i.step}/${command.steps.length}  owner ${i.owner}  ${i.updated}\n`);
    }
    return 0;
  }
  const tty = opts.stderrIsTTY ?? (opts.err ? false : process.stderr.isTTY === true);
  const runner = new Runner(command, store, {
    env, cwd, out, err, tty, agent: p.agent ?? pauseAdapter(),
    exec: opts.exec ?? [], stdout: opts.blockStdout ?? 1, stderr: opts.blockStderr ?? 2,
  });
  /** A run, block or resume ended: the opportunistic gc, then its status. */
  const ran = (code: number): number => {
    afterRun(store.dir, env, cwd, err);
    return code;
  };
  const input: RunInput = { args: p.args, sets: p.sets, ...(p.raw !== undefined ? { raw: p.raw } : {}), ...(p.profile ? { profile: p.profile } : {}) };
  try {
    if (p.mode === 'resume') {
      const inst = p.workflowId ? store.get(command.name, p.workflowId) : store.discover(command.name, ['paused']);
      if (inst.status !== 'paused' && inst.status !== 'running') {
        err(`${name}: instance ${inst.id} is ${inst.status}; only a paused instance can be resumed\n`);
        return 1;
      }
      const refusal = resumeRefusal(command, store, inst, entryCommand(command, cwd));
      if (refusal) {
        err(`${name}: ${refusal}\n`);
        return 65;
      }
      return ran(await runner.runFrom(inst, inst.step, command.steps.length, input));
    }
    if (p.mode === 'block') {
      const choice = selectBlock(command, p.block!);
      if ('error' in choice) {
        err(`${name}: ${choice.error}\n`);
        return 2;
      }
      const idx = choice.index;
      const first = command.steps.findIndex((s) => s.kind === 'bash');
      if (idx === first && !p.workflowId) return ran(await runner.runFrom(null, idx, idx + 1, input));
      const inst = p.workflowId ? store.get(command.name, p.workflowId) : store.discover(command.name, ['running', 'paused']);
      return ran(await runner.runFrom(inst, idx, idx + 1, input));
    }
    return ran(await runner.runFrom(null, 0, command.steps.length, input));
  } catch (e) {
    if (e instanceof InstanceLookupError) {
      afterRun(store.dir, env, cwd, err);
      err(`${name}: ${e.message}\n`);
      if (e.candidates.length) {
        // the exact commands: continue one, or stop the ones abandoned
        const again = p.mode === 'block' ? `--block ${shellQuote(p.block!)}` : '--resume';
        const entry = entryCommand(command, cwd);
        for (const c of e.candidates) {
          err(`  ${c.id}  ${c.status}  step ${c.step}/${command.steps.length}  updated ${c.updated}\n`);
          err(`      continue it:  ${entry} ${again} --workflow-id ${c.id}\n`);
          err(`      or stop it:   npx cmdc state cancel ${c.id}\n`);
        }
      }
      return e.exitCode;
    }
    throw e;
  }
}

/**
 * Why `--resume` must not continue `inst`, or null when it may. Resuming never starts a second
 * instance and never runs on a state file that does not load whole:
 *   - when the instance's first bash block has not completed (its header says block 0) and that
 *     block created the instance (its init_workflow_state), running it again would create
 *     another instance and leave this one orphaned;
 *   - when the state file ends in a cut-off record (a writer killed mid-write), or does not
 *     parse, the blocks would run with less than was saved.
 */
function resumeRefusal(command: CommandModule<unknown>, store: Store, inst: Instance, entry: string): string | null {
  const first = command.steps.findIndex((s) => s.kind === 'bash');
  if (first >= 0 && inst.step <= first && inst.outputs !== 'export') {
    return (
      `refusing to resume ${inst.id}: its first block never completed (the state file says block ${inst.step}), and that block creates the instance, ` +
      `so running it again would start a second one and orphan this one.\n` +
      `  start afresh:          ${entry} <arguments>\n` +
      `  and stop this one:     npx cmdc state cancel ${inst.id}`
    );
  }
  const problem = store.loadProblem(inst);
  if (problem) {
    return (
      `refusing to resume ${inst.id}: ${problem}\n` +
      `  to resume with what was saved before it: npx cmdc state repair ${inst.id}, then ${entry} --resume ${inst.id}\n` +
      `  or stop it:  npx cmdc state cancel ${inst.id}`
    );
  }
  return null;
}

/** What the command line gives a run: argument words (or a raw string) and `--set` values. */
interface RunInput {
  args: string[];
  raw?: string;
  sets: Record<string, string>;
  /** `--profile`: overrides the command's (and is recorded with the instance). */
  profile?: Profile;
}

/** A run's arguments as the blocks see them (see compiler/arguments.ts, "Runner contract"). */
interface RunArguments {
  /** CMDC_ARGUMENTS. */
  raw: string;
  /** CMDC_ARGV and the positional parameters. */
  argv: string[];
  /** CMDC_SET_<NAME>. */
  sets: Record<string, string>;
  /** CMDC_SESSION_ID. */
  session: string;
  /** The execution profile of the run. */
  profile: Profile;
  /** The project directory (CLAUDE_PROJECT_DIR, else the directory the instance started in). */
  project: string;
}

interface RunnerIO {
  env: NodeJS.ProcessEnv;
  cwd: string;
  out: (s: string) => void;
  err: (s: string) => void;
  /** stderr is a terminal: print the failure summary line. */
  tty: boolean;
  agent: AgentAdapter;
  /** The blocks' exec handlers and fds 1, 2. */
  exec: readonly ExecHandler[];
  stdout: StdioSpec;
  stderr: StdioSpec;
}

/**
 * The one line the runner prints when a block fails and stderr is a terminal (the block's own
 * stderr is all there is otherwise), red when `color`.
 */
export function failureSummary(
  f: { command: string; heading: string; source: string; line: number; status: number; workflowId: string },
  color: boolean,
): string {
  const text = `cmdc: /${f.command} failed at ${f.heading} (${f.source}:${f.line}), exit ${f.status}; instance ${f.workflowId} (cmdc errors --workflow ${f.workflowId})`;
  return `${color ? pc.createColors(true).red(text) : text}\n`;
}

/**
 * The preamble of the first agent prompt of a run: the outputs of the `!` commands that ran in
 * prose that is no agent step (typically before the first block; in Claude Code the whole file
 * is the prompt), in order, each labelled with its command and line. Empty when there are none.
 */
export function prePreamble(source: string, pres: readonly { step: PreStep; output: string }[]): string {
  if (!pres.length) return '';
  const parts = pres.map(({ step, output }) => `$ ${step.text.trim().replace(/\n/g, '\n  ')}   (${source}:${step.line})\n${output === '' ? '(no output)' : output}`);
  return `Output of the \`!\` commands in ${source} outside this step, run before this prompt:\n\n${parts.join('\n\n')}\n\n`;
}

class Runner {
  /**
   * Compiles what the blocks meet at run time (sourced files, eval text, trap strings): the
   * libraries compiled with the command, then the project's cache `.cmdc/cache`, then the
   * compiler (runtime/code/loader.ts). One per run: a text compiles once per process.
   */
  private readonly loader: Loader;

  constructor(
    private readonly command: CommandModule<unknown>,
    private readonly store: Store,
    private readonly io: RunnerIO,
  ) {
    const projectDir = io.env.CLAUDE_PROJECT_DIR ? resolve(io.cwd, io.env.CLAUDE_PROJECT_DIR) : io.cwd;
    this.loader = createLoader({ precompiled: command.libraries ?? [], projectDir });
  }

  /**
   * Run steps [from, to) of an instance (null: a new one, created by the first block's
   * init_workflow_state or, failing that, here). Returns the exit status.
   */
  async runFrom(instance: Instance | null, from: number, to: number, input: RunInput = { args: [], sets: {} }): Promise<number> {
    const { command, store, io } = this;
    let inst = instance;
    const a = this.argumentsFor(inst, input);
    const args = a.argv;
    const refusal = this.missingPlaceholders(from, to, a);
    if (refusal) {
      io.err(refusal);
      return 2;
    }
    let cwd = inst?.cwd && inst.cwd !== '' ? inst.cwd : io.cwd;
    const startedAt = Date.now();
    // The arguments, placeholder values and session id are recorded with the instance, so that
    // --resume and --block see the same values.
    // `!` commands: all of them when the command is invoked (a new instance), in parallel,
    // before any block; a failing one stops everything. Later runs of the instance reuse the outputs.
    if (inst?.pres) for (const [k, v] of Object.entries(inst.pres)) this.preOutputs.set(Number(k), v);
    else {
      const pre = await this.runPres(a, cwd);
      if ('error' in pre) {
        io.err(`${pre.error}\n`);
        return 1;
      }
      cwd = pre.cwd;
    }
    const pres = Object.fromEntries([...this.preOutputs].map(([k, v]) => [String(k), v]));
    const remember = (i: Instance): Instance => {
      if (
        i.arguments !== a.raw || JSON.stringify(i.sets ?? {}) !== JSON.stringify(a.sets) || i.session !== a.session ||
        i.profile !== a.profile || i.project !== a.project || JSON.stringify(i.pres ?? {}) !== JSON.stringify(pres)
      ) {
        store.update(i, { arguments: a.raw, sets: a.sets, session: a.session, profile: a.profile, project: a.project, pres });
      }
      return i;
    };
    // While this process runs steps of an instance it holds it: gc never removes a held instance.
    let release: (() => void) | undefined;
    const hold = (i: Instance | null) => {
      if (i && !release) release = store.hold(i);
    };
    if (inst) store.update(remember(inst), { status: 'running' });
    hold(inst);
    // The project's `discover_latest_state_file` (the seed's newest-file lookup) answers with
    // this run's instance or this owner's (runtime/runner/discovery.ts).
    const functionOverrides = {
      discover_latest_state_file: discoveryOverride({
        dir: store.dir,
        owner: store.owner,
        instance: () => (inst ? { id: inst.id, file: inst.file } : null),
        startedAt,
      }),
    };
    const stdin = openSync('/dev/null', 'r');
    try {
      for (let i = from; i < to; i++) {
        const step = command.steps[i]!;
        hold(inst);
        if (step.kind === 'bash') {
          if (inst) store.verify(inst);
          const env = this.blockEnv(a);
          if (inst) {
            // The instance this run belongs to: discovery can use it instead of guessing.
            env.CMDC_WORKFLOW_ID = inst.id;
            env.CMDC_STATE_FILE = inst.file;
          }
          const sh = createShell({
            ...blockShellOptions(a.profile, { env, argv: args, scriptName: command.source, lines: step.endLine - step.line, firstLine: step.line }),
            env,
            cwd,
            stdin,
            stdout: io.stdout,
            stderr: io.stderr,
            exec: io.exec,
            source: { file: command.source },
            loader: this.loader.load,
            functionOverrides,
          });
          // The argument words as an indexed array (islands receive it too), as the client pastes
          // them; the outputs of the `!` commands written in blocks.
          sh.vars.ensure(ARGV_VAR).value = a.profile === 'claude-code' ? args.map((v) => pastedValue(v, this.pasteOptions(a))) : [...args];
          for (const [j, p] of command.steps.entries()) if (p.kind === 'pre' && p.inBlock) sh.vars.ensure(p.variable).value = this.preOutputs.get(j) ?? '';
          const logBefore = logMark({ env: io.env, cwd: io.cwd });
          const res = await runBlock(step.run, sh);
          const next = cwdAfter(a.profile, { status: res.status, exited: res.exited, before: cwd, after: res.cwd, project: a.project });
          if (next.message) io.err(`${next.message}\n`);
          cwd = next.cwd;
          if (!inst) {
            const adopted = store.adopt(command.name, res.vars, args, startedAt);
            if (adopted) inst = remember(adopted);
          }
          if (res.error !== undefined) {
            const e = res.error;
            const r = formatReport(`${command.source}:${step.line}: in ${step.name}: `, e, debugEnabled(io.env));
            io.err(r.text);
          }
          if (res.status !== 0 || res.error !== undefined) {
            const status = res.status || 70;
            inst ??= remember(store.create(command.name, args));
            store.update(inst, { status: 'failed', step: i, cwd });
            // A block whose own library logged its failure (the log changed) is not logged twice.
            if (logMark({ env: io.env, cwd: io.cwd }) === logBefore) {
              this.log(inst, a.raw, 'execution_error', `${step.heading || step.name} failed with exit status ${status}`, step.line, {
                block: step.name,
                exit_code: status,
              });
            }
            if (io.tty) {
              const f = { command: command.name, heading: step.heading || step.name, source: command.source, line: step.line, status, workflowId: inst.id };
              io.err(failureSummary(f, !io.env.NO_COLOR));
            }
            return status;
          }
          inst ??= remember(store.create(command.name, args));
          store.update(inst, { step: i + 1, cwd, status: i + 1 >= command.steps.length ? 'done' : 'running' });
        } else if (step.kind === 'pre') {
          // Ran at invocation; the output waits for the agent step that contains it (or, in prose
          // that is no agent step, for the next agent prompt of this run).
          if (step.agent === null && !step.inBlock) this.orphanPres.push({ step, output: this.preOutputs.get(i) ?? '' });
        } else {
          inst ??= remember(store.create(command.name, args));
          const code = await this.agentStep(inst, step, i, a, cwd);
          if (code !== null) return code;
          store.update(inst, { step: i + 1, cwd, status: i + 1 >= command.steps.length ? 'done' : 'running' });
        }
      }
      if (inst && to < command.steps.length) {
        // One block (--block): the instance waits for the next one; after the last bash block
        // it is done (what follows is prose the agent acts on itself, nothing cmdc runs), so a
        // later instance of the same owner is not ambiguous with it.
        store.update(inst, { status: command.steps.slice(to).some((s) => s.kind === 'bash') ? 'running' : 'done' });
      }
      return 0;
    } finally {
      closeSync(stdin);
      release?.();
    }
  }

  /** Outputs of the `!` pre-commands run so far, by step index. */
  private readonly preOutputs = new Map<number, string>();
  /** Outputs of `!` commands in prose that is no agent step, not yet shown to an agent. */
  private orphanPres: { step: PreStep; output: string }[] = [];

  /**
   * The run's arguments: a new run takes them from the command line (words joined by spaces are
   * the raw string, the words are CMDC_ARGV; `--arguments RAW` gives the raw string, split as a
   * shell would); an existing instance keeps its own, and `--set` values merge over its own.
   */
  private argumentsFor(inst: Instance | null, input: RunInput): RunArguments {
    const env = this.io.env;
    const profile = input.profile ?? inst?.profile ?? this.command.profile ?? 'claude-code';
    if (inst) {
      const raw = inst.arguments ?? inst.args.join(' ');
      return {
        raw, argv: inst.args, sets: { ...(inst.sets ?? {}), ...input.sets }, session: env.CLAUDE_CODE_SESSION_ID || inst.session || inst.id,
        profile, project: inst.project ?? this.projectDir(),
      };
    }
    const raw = (input.raw ?? input.args.join(' ')).trim();
    const argv = input.raw !== undefined ? splitArguments(input.raw) : [...input.args];
    return {
      raw, argv, sets: { ...input.sets }, session: env.CLAUDE_CODE_SESSION_ID || `cmdc-${randomBytes(8).toString('hex')}`,
      profile, project: this.projectDir(),
    };
  }

  /** CLAUDE_PROJECT_DIR, else the runner's working directory. */
  private projectDir(): string {
    return resolve(this.io.cwd, this.io.env.CLAUDE_PROJECT_DIR || '.');
  }

  /** The environment of a block or `!` command: the process's, with the reserved variables set by the runner only. */
  private blockEnv(a: RunArguments): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = a.profile === 'claude-code' ? claudeCodeEnv(this.io.env, { session: a.session }) : { ...this.io.env };
    if (a.profile === 'claude-code' && this.io.env.CLAUDE_PROJECT_DIR) {
      // The Bash tool has no CLAUDE_PROJECT_DIR: the blocks' state library would fall back to
      // $PWD; keep it on the directories this runner uses.
      env.CMDC_STATE_DIR ||= this.store.dir;
      env.CMDC_LOG_DIR ||= errorLogDir({ env: this.io.env, cwd: this.io.cwd });
    }
    for (const k of Object.keys(env)) if (k.startsWith(SET_VAR_PREFIX) || (RESERVED_VARS as readonly string[]).includes(k)) delete env[k];
    env[ARGUMENTS_VAR] = a.profile === 'claude-code' ? pastedValue(a.raw, this.pasteOptions(a)) : a.raw;
    env[SESSION_ID_VAR] = a.session;
    env[SKILL_DIR_VAR] = this.skillDir(a);
    env[PROJECT_DIR_VAR] = a.project;
    env[EFFORT_VAR] = this.io.env.CLAUDE_EFFORT ?? '';
    for (const [k, v] of Object.entries(a.sets)) env[`${SET_VAR_PREFIX}${k}`] = v;
    return env;
  }

  /** The .md's directory (`${CLAUDE_SKILL_DIR}` of a skill), under the project directory. */
  private skillDir(a: RunArguments): string {
    return resolve(a.project, dirname(this.command.source));
  }

  /** What Claude Code expands inside pasted values. */
  private pasteOptions(a: RunArguments): { sessionId: string; projectDir: string } {
    return { sessionId: a.session, projectDir: a.project };
  }

  /** Claude Code's substitution options for this command's text (prompts, `!` commands under claude-code). */
  private substituteOptions(a: RunArguments): SubstituteOptions {
    const { command } = this;
    return {
      names: command.arguments?.names ?? [],
      ...(command.skill ? { skill: true } : {}),
      sessionId: a.session,
      projectDir: a.project,
      skillDir: this.skillDir(a),
      effort: this.io.env.CLAUDE_EFFORT ?? '',
    };
  }

  /**
   * Run every `!` command of the command, in parallel (notes §5): under claude-code through the
   * Bash tool's wrapper with the argument text pasted in raw, under script as `bash -c` with the
   * arguments as data (CMDC_ARGUMENTS / CMDC_ARGV). Outputs go to preOutputs; the first failure
   * (in file order) is the client's message. A `cd` in one carries to the blocks as after any call.
   */
  private async runPres(a: RunArguments, cwd: string): Promise<{ cwd: string } | { error: string }> {
    const pres = this.command.steps.map((s, j) => [s, j] as const).filter((x): x is readonly [PreStep, number] => x[0].kind === 'pre');
    if (!pres.length) return { cwd };
    const timeoutMs = preTimeoutMs(this.io.env);
    const env = this.blockEnv(a);
    const argvDecl = `${ARGV_VAR}=(${a.argv.map(singleQuote).join(' ')})\n`;
    const results = await Promise.all(
      pres.map(([p]) =>
        runPreCommand({
          profile: a.profile,
          bash: a.profile === 'claude-code' ? substituteArguments(p.text, a.raw, this.substituteOptions(a)) : argvDecl + p.command,
          cwd,
          env,
          timeoutMs,
        }),
      ),
    );
    let next = cwd;
    for (const [k, [p, j]] of pres.entries()) {
      const r = results[k]!;
      if (r.status !== 0 || r.timedOut) return { error: preFailure(prePattern(p), r, timeoutMs) };
      this.preOutputs.set(j, r.output);
      // each call saves its final directory; they run at once, so in the client the last to end
      // wins: here a call that moved wins (the last in the file), one that did not changes nothing
      if (a.profile === 'claude-code' && r.cwd !== null && r.cwd !== realOrSelf(cwd)) {
        next = cwdAfter('claude-code', { status: 0, exited: false, before: next, after: r.cwd, project: a.project }).cwd;
      }
    }
    return { cwd: next };
  }

  /** The refusal message when a bash step in [from, to) uses a placeholder that has no value; null when all have one. */
  private missingPlaceholders(from: number, to: number, a: RunArguments): string | null {
    const { command } = this;
    const lines: string[] = [];
    let n = 0;
    command.steps.forEach((s, i) => {
      if (s.kind !== 'bash') return;
      n++;
      if (i < from || i >= to) return;
      for (const v of s.placeholders ?? []) {
        const idx = /^CMDC_ARGV\[(\d+)\]$/.exec(v);
        const has = v.startsWith(SET_VAR_PREFIX)
          ? a.sets[v.slice(SET_VAR_PREFIX.length)] !== undefined
          : v === ARGUMENTS_VAR
            ? a.raw.trim() !== ''
            : idx
              ? a.argv.length > Number(idx[1])
              : true;
        if (has) continue;
        const p = command.placeholders?.find((x) => x.variable === v);
        const token = p?.token ?? v;
        const at = p ? `${command.source}:${p.line}:${p.col}` : `${command.source}:${s.line}`;
        lines.push(`/${command.name}: refusing to run block ${n} (${s.heading || s.name}, ${command.source}:${s.line}): placeholder ${token} at ${at} has no value`);
        if (p?.instruction) lines.push(`  the file says (${command.source}:${p.instructionLine}): ${p.instruction}`);
        else lines.push('  no instruction in the file says what to put there');
        if (v.startsWith(SET_VAR_PREFIX)) lines.push(`  give it with: --set ${v.slice(SET_VAR_PREFIX.length)}=<value>`);
        else lines.push(`  it is bound to the command's arguments: give ${idx ? `argument ${Number(idx[1]) + 1}` : 'the arguments'} on the command line`);
      }
    });
    return lines.length ? lines.join('\n') + '\n' : null;
  }

  /**
   * An agent step's text as the agent sees it: each `!` command in it replaced by its output (run
   * now if it has not run in this process), `$ARGUMENTS` / `$N` substituted in the prose around them.
   */
  private renderText(step: AgentStep, index: number, a: RunArguments): string {
    const { command } = this;
    const opts = this.substituteOptions(a);
    const pres = command.steps
      .map((s, j) => [s, j] as const)
      .filter((x): x is readonly [PreStep, number] => x[0].kind === 'pre' && x[0].agent === index)
      .sort((x, y) => x[0].start - y[0].start);
    let out = '';
    let at = 0;
    for (const [p, j] of pres) {
      if (p.start < at || p.end > step.text.length) continue;
      out += substituteArguments(step.text.slice(at, p.start), a.raw, opts);
      out += this.preOutputs.get(j) ?? '';
      at = p.end;
    }
    out += substituteArguments(step.text.slice(at), a.raw, opts);
    // Claude Code appends the arguments when the command's text uses none of them
    const refs = command.arguments?.refs ?? [];
    const fills = refs.some((r: '*' | number) => r === '*' || r < a.argv.length);
    if (!fills && a.raw !== '') out += `\n\nARGUMENTS: ${a.raw}`;
    // a skill's text starts with its directory
    if (command.skill) out = `Base directory for this skill: ${this.skillDir(a)}\n\n${out}`;
    return out;
  }

  /** Returns an exit status to stop with, or null to go on. */
  private async agentStep(inst: Instance, step: AgentStep, index: number, a: RunArguments, cwd: string): Promise<number | null> {
    const { command, store, io } = this;
    const ordinal = command.steps.slice(0, index + 1).filter((s) => s.kind === 'agent').length;
    const prompt = renderPrompt({
      command: command.name,
      source: command.source,
      workflowId: inst.id,
      step,
      args: a.argv,
      text: prePreamble(command.source, this.orphanPres) + this.renderText(step, index, a),
      state: store.values(inst),
    });
    this.orphanPres = [];
    const r = await io.agent.run({
      command: command.name,
      source: command.source,
      workflowId: inst.id,
      step,
      ordinal,
      prompt,
      cwd,
      env: io.env,
    });
    if (r.kind === 'pause') {
      store.update(inst, { status: 'paused', step: index + 1, cwd });
      io.out(`\n${prompt}\n`);
      io.out(`⏸ /${command.name} paused at ${command.source}:${step.line} (agent step ${ordinal}).\n`);
      io.out(`  When the step is done, resume with:\n  ${entryCommand(command, io.cwd)} --resume ${shellQuote(inst.id)}\n`);
      return 0;
    }
    if (r.kind === 'failed') {
      store.update(inst, { status: 'failed', step: index, cwd });
      io.err(`/${command.name}: ${r.message}\n`);
      this.log(inst, a.raw, 'agent_error', r.message, step.line, { agent: io.agent.name, exit_code: r.status });
      return r.status || 1;
    }
    store.append(inst, agentOutputKey(ordinal), r.output);
    return null;
  }

  private log(
    inst: Instance,
    userArgs: string,
    type: 'execution_error' | 'agent_error',
    message: string,
    line: number,
    context: Record<string, unknown>,
  ): void {
    try {
      // in the shape of the entries the project's log already holds (runtime/store/project-log.ts)
      logErrorAsProject(
        {
          command: `/${this.command.name}`,
          workflow_id: inst.id,
          user_args: userArgs,
          error_type: type,
          message,
          source: `${this.command.source}:${line}`,
          // Marks the runner's own entries (the blocks' entries come from log_command_error).
          context: { runner: 'cmdc', ...context },
        },
        { env: this.io.env, cwd: this.io.cwd },
      );
    } catch (e) {
      this.io.err(`/${this.command.name}: could not write the error log: ${(e as Error).message}\n`);
    }
  }
}

/** `--help`: description, usage, options, and the steps with headings and .md lines. */
export function helpText(command: CommandModule<unknown>, cwd = process.cwd()): string {
  const fm = command.frontmatter;
  const desc = typeof fm.description === 'string' ? fm.description : '';
  const hint = typeof fm['argument-hint'] === 'string' ? ` ${fm['argument-hint']}` : ' [args...]';
  const entry = entryCommand(command, cwd);
  const lines = [
    `/${command.name}${desc ? ` — ${desc}` : ''}`,
    '',
    'Usage:',
    `  ${entry}${hint}`,
    `  ${entry} --block <N|label> [--workflow-id <id>]${hint}`,
    `  ${entry} --resume [<id>]`,
    `  ${entry} --list`,
    '',
    'Options (recognised before --; anything else is an argument of the command):',
    "  --block N          run one block: N-th block, '#N' (always the N-th), or a label ('1a',",
    "                     'block 2'); a number that is also another block's label is refused;",
    '                     the first block starts a new instance',
    '  --workflow-id ID   the instance to use (default: discovery by owner; several candidates is an error)',
    '  --resume [ID]      continue a paused instance from its next step',
    '  --list             list the instances of this command',
    '  --agent-cmd CMD    agent steps: pipe the prompt to CMD (e.g. "claude -p"), store its output',
    '  --agent-replay F   agent steps: take outputs from the JSON file F (tests)',
    '  (default)          agent steps pause: persist, print the prompt and the resume command, exit 0',
    '  --set NAME=VALUE   the value of placeholder NAME (repeatable; kept for --resume/--block)',
    `  --profile P        claude-code (as Claude Code's Bash tool runs blocks) or script (standalone bash`,
    `                     scripts); default: ${command.profile ?? 'claude-code'}; an instance keeps its own`,
    '  --arguments RAW    the raw argument string, as typed after /name in Claude Code ($ARGUMENTS;',
    '                     $0, $1... are its shell words); default: the argument words joined by spaces',
    '',
  ];
  if (command.placeholders?.length) {
    lines.push('Placeholders (filled in by the model in Claude Code; a block never runs without a value):');
    for (const p of command.placeholders) {
      const how = p.variable.startsWith(SET_VAR_PREFIX)
        ? `--set ${p.variable.slice(SET_VAR_PREFIX.length)}=...`
        : p.variable === ARGUMENTS_VAR
          ? 'the arguments'
          : `argument ${Number(/\d+/.exec(p.variable)?.[0] ?? 0) + 1}`;
      lines.push(`  ${p.token}  (line ${p.line}): ${how}${p.bound === null ? '  [no instruction in the file]' : ''}`);
      if (p.instruction) lines.push(`      ${p.instruction}  (line ${p.instructionLine})`);
    }
    lines.push('');
  }
  lines.push(`Steps (${command.source}):`);
  let n = 0;
  for (const s of command.steps) {
    if (s.kind === 'bash') {
      n++;
      const lang = s.lang === 'ts' ? ', TypeScript' : '';
      lines.push(`  ${String(n).padStart(2)}. ${s.heading || s.name}  (${s.name}${lang}, line ${s.line}-${s.endLine})`);
    } else if (s.kind === 'pre') {
      const first = s.text.trim().split('\n')[0] ?? '';
      lines.push(`      !: ${first.length > 70 ? first.slice(0, 67) + '...' : first}  (line ${s.line}, runs when the command starts)`);
    } else {
      const first = s.text.trim().split('\n')[0] ?? '';
      lines.push(`      agent: ${first.length > 70 ? first.slice(0, 67) + '...' : first}  (line ${s.line}-${s.endLine})`);
    }
  }
  if (command.examples?.length) {
    lines.push('', `Usage examples in ${command.source} (documentation for the model; not steps, never run):`);
    for (const e of command.examples) {
      lines.push(`  ${e.heading || '(no heading)'}  (line ${e.line}-${e.endLine})`);
      for (const l of e.code.split('\n')) if (l.trim()) lines.push(`    ${l}`);
    }
  }
  return lines.join('\n') + '\n';
}

