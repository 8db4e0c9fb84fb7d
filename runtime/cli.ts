/**
 * `run(command, argv)`: the command line of a compiled command (`commands/<name>.ts` is three
 * lines that call it).
 *
 *   npx tsx commands/x.ts [args...]              new instance; runs every step in order
 *   npx tsx commands/x.ts --block N [--workflow-id ID] [args...]
 *                                                 one bash block (N = 1-based block number or
 *                                                 its label, e.g. 1a); block 1 starts a new
 *                                                 instance, later blocks continue an existing one
 *   npx tsx commands/x.ts --resume [ID]          continue a paused instance from its next step
 *   npx tsx commands/x.ts --list | --help
 *
 * Agent steps use an adapter (runtime/agent.ts): `--agent-cmd "<cmd>"`, `--agent-replay
 * file.json`, default pause. Options are only recognised before `--`; any other argument
 * (including unknown `--flags`) is passed to the command as a positional argument.
 *
 * Each bash block runs in a fresh Shell (a fresh bash process in Claude Code); the working
 * directory carries over. The instance's state file records status and the next step after
 * every step; a failing block stops the run (status failed, an error-log entry whose source is
 * `commands/x.md:<line>`, exit status of the block).
 */
import { openSync, closeSync } from 'node:fs';
import { relative } from 'node:path';
import type { AgentStep, BashStep, CommandModule } from './command.js';
import { runBlock } from './shell.js';
import {
  agentOutputKey,
  commandAdapter,
  pauseAdapter,
  renderPrompt,
  replayAdapter,
  type AgentAdapter,
} from './agent.js';
import { logError } from './errors.js';
import { createStore, type Instance, type Store, InstanceLookupError } from './cli-store.js';

export interface RunOptions {
  /** Process environment (default process.env). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Write to stdout/stderr (default: the process's). Blocks always write to fds 1 and 2. */
  out?: (s: string) => void;
  err?: (s: string) => void;
  store?: Store;
}

interface ParsedArgs {
  mode: 'run' | 'block' | 'resume' | 'list' | 'help';
  block?: string;
  workflowId?: string;
  agent?: AgentAdapter;
  args: string[];
  errors: string[];
}

/** Parse argv (without node and script). */
export function parseArgv(argv: readonly string[]): ParsedArgs {
  const p: ParsedArgs = { mode: 'run', args: [], errors: [] };
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
  return p;
}

/** The bash step with this 1-based number or label ("1a", "Block 1a", its function name). */
export function findBlock(command: CommandModule<unknown>, key: string): number {
  const bash = command.steps.map((s, i) => [s, i] as const).filter(([s]) => s.kind === 'bash') as [BashStep, number][];
  if (/^[0-9]+$/.test(key)) {
    const n = Number(key);
    if (n >= 1 && n <= bash.length) {
      // A number that is also a heading label ("Block 2") wins only when no block is labelled so.
      const labelled = bash.find(([s]) => blockLabel(s.heading) === key);
      return labelled ? labelled[1] : bash[n - 1]![1];
    }
  }
  const k = key.toLowerCase();
  const hit = bash.find(([s]) => blockLabel(s.heading) === k || s.name.toLowerCase() === k || s.heading.toLowerCase() === k);
  return hit ? hit[1] : -1;
}

/** "Block 1a: Setup" -> "1a". */
function blockLabel(heading: string): string | null {
  const m = /\bblock\s+([0-9]+[a-z]?)\b/i.exec(heading);
  return m ? m[1]!.toLowerCase() : null;
}

/** How the user re-runs this entry (for printed commands). */
function entryCommand(command: CommandModule<unknown>, cwd: string): string {
  const script = process.argv[1];
  const rel = script && /\.(ts|mts|js|mjs)$/.test(script) ? relative(cwd, script) || script : command.source.replace(/\.md$/, '.ts');
  return `npx tsx ${rel}`;
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Run a compiled command with the given argv (process.argv shape). Sets process.exitCode. */
export async function run<S>(command: CommandModule<S>, argv: readonly string[] = process.argv, opts: RunOptions = {}): Promise<number> {
  const code = await main(command as CommandModule<unknown>, argv.slice(2), opts);
  process.exitCode = code;
  return code;
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
  const runner = new Runner(command, store, { env, cwd, out, err, agent: p.agent ?? pauseAdapter() });
  try {
    if (p.mode === 'resume') {
      const inst = p.workflowId ? store.get(command.name, p.workflowId) : store.discover(command.name, ['paused']);
      if (inst.status !== 'paused' && inst.status !== 'running') {
        err(`${name}: instance ${inst.id} is ${inst.status}; only a paused instance can be resumed\n`);
        return 1;
      }
      return await runner.runFrom(inst, inst.step, command.steps.length);
    }
    if (p.mode === 'block') {
      const idx = findBlock(command, p.block!);
      if (idx < 0) {
        err(`${name}: no block '${p.block}' (see --help for the list)\n`);
        return 2;
      }
      const first = command.steps.findIndex((s) => s.kind === 'bash');
      if (idx === first && !p.workflowId) return await runner.runFrom(null, idx, idx + 1, p.args);
      const inst = p.workflowId ? store.get(command.name, p.workflowId) : store.discover(command.name, ['running', 'paused']);
      return await runner.runFrom(inst, idx, idx + 1);
    }
    return await runner.runFrom(null, 0, command.steps.length, p.args);
  } catch (e) {
    if (e instanceof InstanceLookupError) {
      err(`${name}: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

interface RunnerIO {
  env: NodeJS.ProcessEnv;
  cwd: string;
  out: (s: string) => void;
  err: (s: string) => void;
  agent: AgentAdapter;
}

class Runner {
  constructor(
    private readonly command: CommandModule<unknown>,
    private readonly store: Store,
    private readonly io: RunnerIO,
  ) {}

  /**
   * Run steps [from, to) of an instance (null: a new one, created by the first block's
   * init_workflow_state or, failing that, here). Returns the exit status.
   */
  async runFrom(instance: Instance | null, from: number, to: number, newArgs?: string[]): Promise<number> {
    const { command, store, io } = this;
    let inst = instance;
    const args = inst ? inst.args : (newArgs ?? []);
    let cwd = inst?.cwd && inst.cwd !== '' ? inst.cwd : io.cwd;
    const startedAt = Date.now();
    if (inst) store.update(inst, { status: 'running' });
    const stdin = openSync('/dev/null', 'r');
    try {
      for (let i = from; i < to; i++) {
        const step = command.steps[i]!;
        if (step.kind === 'bash') {
          const env: NodeJS.ProcessEnv = { ...io.env };
          if (inst) {
            // The instance this run belongs to: discovery can use it instead of guessing.
            env.CMDC_WORKFLOW_ID = inst.id;
            env.CMDC_STATE_FILE = inst.file;
          }
          const res = await runBlock(step.run, {
            argv: args,
            env,
            cwd,
            stdin,
            stdout: 1,
            stderr: 2,
            source: { file: command.source },
            scriptName: command.source,
          });
          cwd = res.cwd;
          inst ??= store.adopt(command.name, res.vars, args, startedAt);
          if (res.error !== undefined) {
            const e = res.error;
            io.err(`${command.source}:${step.line}: internal error in ${step.name}: ${e instanceof Error ? e.stack : String(e)}\n`);
          }
          if (res.status !== 0 || res.error !== undefined) {
            const status = res.status || 70;
            inst ??= store.create(command.name, args);
            store.update(inst, { status: 'failed', step: i, cwd });
            this.log(inst, args, 'execution_error', `${step.heading || step.name} failed with exit status ${status}`, step.line, {
              block: step.name,
              exit_code: status,
            });
            return status;
          }
          inst ??= store.create(command.name, args);
          store.update(inst, { step: i + 1, cwd, status: i + 1 >= command.steps.length ? 'done' : 'running' });
        } else {
          inst ??= store.create(command.name, args);
          const code = await this.agentStep(inst, step, i, args, cwd);
          if (code !== null) return code;
          store.update(inst, { step: i + 1, cwd, status: i + 1 >= command.steps.length ? 'done' : 'running' });
        }
      }
      if (inst && to < command.steps.length) {
        // One block (--block): the instance waits for the next one.
        store.update(inst, { status: 'running' });
      }
      return 0;
    } finally {
      closeSync(stdin);
    }
  }

  /** Returns an exit status to stop with, or null to go on. */
  private async agentStep(inst: Instance, step: AgentStep, index: number, args: string[], cwd: string): Promise<number | null> {
    const { command, store, io } = this;
    const ordinal = command.steps.slice(0, index + 1).filter((s) => s.kind === 'agent').length;
    const prompt = renderPrompt({
      command: command.name,
      source: command.source,
      workflowId: inst.id,
      step,
      args,
      state: store.values(inst),
    });
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
      this.log(inst, args, 'agent_error', r.message, step.line, { agent: io.agent.name, exit_code: r.status });
      return r.status || 1;
    }
    store.append(inst, agentOutputKey(ordinal), r.output);
    return null;
  }

  private log(
    inst: Instance,
    args: string[],
    type: 'execution_error' | 'agent_error',
    message: string,
    line: number,
    context: Record<string, unknown>,
  ): void {
    try {
      logError(
        {
          command: `/${this.command.name}`,
          workflow_id: inst.id,
          user_args: args.join(' '),
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
    '  --block N          run one bash block (number or label, e.g. 1a); block 1 starts a new instance',
    '  --workflow-id ID   the instance to use (default: discovery by owner; several candidates is an error)',
    '  --resume [ID]      continue a paused instance from its next step',
    '  --list             list the instances of this command',
    '  --agent-cmd CMD    agent steps: pipe the prompt to CMD (e.g. "claude -p"), store its output',
    '  --agent-replay F   agent steps: take outputs from the JSON file F (tests)',
    '  (default)          agent steps pause: persist, print the prompt and the resume command, exit 0',
    '',
    `Steps (${command.source}):`,
  ];
  let n = 0;
  for (const s of command.steps) {
    if (s.kind === 'bash') {
      n++;
      lines.push(`  ${String(n).padStart(2)}. ${s.heading || s.name}  (${s.name}, line ${s.line}-${s.endLine})`);
    } else {
      const first = s.text.trim().split('\n')[0] ?? '';
      lines.push(`      agent: ${first.length > 70 ? first.slice(0, 67) + '...' : first}  (line ${s.line}-${s.endLine})`);
    }
  }
  return lines.join('\n') + '\n';
}

