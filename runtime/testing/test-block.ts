/**
 * `testBlock(command, block, options)`: run one bash block of a compiled command in-process, the
 * way the runner runs `--block` (same profile, arguments, environment and state rules:
 * runtime/runner/run.ts), in a fresh temp project, with typed state before and after, test
 * files, and stubbed external commands; returns status, output, state, the files it wrote and the
 * external commands it ran. Never touches the caller's cwd, process.env, process.exitCode or
 * state directory.
 */
// the state library's builtins (`source …/state-persistence.sh`), as in every generated module
import '../statelib/index.js';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { CommandModule } from '../command.js';
import type { Profile } from '../lang/profile.js';
import { splitArguments } from '../lang/arguments.js';
import { writeTypedState, readTypedState, type Json } from '../lang/state-types.js';
import { listCheckpoints, loadCheckpoint, saveCheckpoint } from '../store/checkpoint.js';
import { Capture } from '../shell/io.js';
import { loadState, WorkflowState } from '../store/state.js';
import { runArgs } from '../runner/run.js';
import { createStore, type Instance } from '../runner/instances.js';
import { selectBlock } from '../runner/select-block.js';
import { changedFiles, createTempProject, findProjectRoot, inside, snapshotFiles } from './project.js';
import { stubHandler, type Call, type Stub } from './stubs.js';

export interface TestBlockOptions<S> {
  /** The command's argument words (`/x a "b c"` → `['a', 'b c']`). */
  args?: readonly string[];
  /** Or the raw argument string as typed after `/x` in Claude Code (split as Claude Code splits it). */
  arguments?: string;
  /** The instance's state before the block, typed by the command's `State` (a misspelled key or a wrong type fails tsc). */
  state?: NoInfer<S>;
  /** JSON checkpoints of the instance before the block (`load_json_checkpoint NAME` reads them). */
  checkpoints?: Readonly<Record<string, Json>>;
  /** Environment variables on top of a clean one (undefined removes one). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Files to create in the temp project before the block (paths relative to it). */
  files?: Readonly<Record<string, string | Uint8Array>>;
  /** External commands answered in-process (by name, e.g. `git`, `jq`, `claude`). */
  stubs?: Readonly<Record<string, Stub>>;
  /** An external command with no stub fails the test (naming it) instead of running for real. */
  strict?: boolean;
  /** Under `strict`, external commands that may still run for real (e.g. `sed`, `grep`). */
  allow?: readonly string[];
  /** Execution profile (`claude-code`, `script`); default the command's. */
  profile?: Profile;
  /** Values of model-filled placeholders (`--set NAME=value`). */
  set?: Readonly<Record<string, string>>;
  /** Keep the temp project (its path is `dir` in the result). */
  keep?: boolean;
  /** The block's working directory, relative to the temp project (created if missing); default its root. */
  cwd?: string;
  /** The real project the command belongs to (its libraries are copied from there); default: found from process.cwd() by the command's source path. */
  root?: string;
}

export interface TestBlockResult<S> {
  /** The block's exit status (the runner's status when it refused to run it, e.g. 2). */
  status: number;
  stdout: string;
  stderr: string;
  /** The instance's state after the block (every key in its state file), typed. Empty when the block left no instance. */
  state: S;
  /** The instance's JSON checkpoints after the block (`save_json_checkpoint`), by name. */
  checkpoints: Record<string, Json>;
  /** Files the block created or changed in the temp project (relative path → UTF-8 text), state files excluded. */
  files: Record<string, string>;
  /** Files the block removed. */
  removed: string[];
  /** External commands the block ran, in order. */
  calls: Call[];
  /** The instance's workflow id, null when there is none. */
  workflowId: string | null;
  /** The temp project (removed by now unless `keep`). */
  dir: string;
}

/** Strict mode met external commands without stubs. */
export class UnstubbedCommandError extends Error {
  constructor(readonly commands: readonly string[], stderr: string) {
    super(
      `cmdc/testing: the block ran external command${commands.length > 1 ? 's' : ''} without a stub: ${commands.join(', ')} ` +
        `(strict: true; add stubs, or list them in allow)` + (stderr ? `\nstderr:\n${stderr}` : ''),
    );
  }
}

/** The block a test names: a number is the N-th bash block (1-based), a string a label as `--block` takes it. */
function blockSpec(block: string | number): string {
  return typeof block === 'number' ? `#${block}` : block;
}

/** Variables of the caller's environment a test must not inherit (they would point at the caller's state, session or project). */
function cleanEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith('CMDC_') || k.startsWith('CLAUDE') || k === 'BASH_ENV' || k === 'ENV') continue;
    out[k] = v;
  }
  return out;
}

/** Run block `block` of `command` in a fresh temp project (see the file comment). */
export async function testBlock<S>(command: CommandModule<S>, block: string | number, options: TestBlockOptions<S> = {}): Promise<TestBlockResult<S>> {
  const spec = blockSpec(block);
  const choice = selectBlock(command as CommandModule<unknown>, spec);
  if ('error' in choice) throw new Error(`cmdc/testing: /${command.name}: ${choice.error}`);
  const first = command.steps.findIndex((s) => s.kind === 'bash');
  const root = options.root ?? findProjectRoot(command.source);
  const project = createTempProject({
    root,
    libraries: (command as { libraries?: readonly { file: string }[] }).libraries?.map((l) => l.file) ?? [],
    ...(options.files ? { files: options.files } : {}),
  });
  const { dir } = project;
  try {
    const cwd = options.cwd === undefined ? dir : inside(dir, options.cwd);
    mkdirSync(cwd, { recursive: true });
    const env: NodeJS.ProcessEnv = { ...cleanEnv(), CLAUDE_PROJECT_DIR: dir, CMDC_OWNER: `cmdc-test-${randomBytes(6).toString('hex')}` };
    for (const [k, v] of Object.entries(options.env ?? {})) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    const raw = options.arguments;
    const words = raw !== undefined ? splitArguments(raw) : [...(options.args ?? [])];
    const store = createStore({ env, cwd });

    // The instance before the block: the test's state, in a fresh instance of this owner (a
    // later block always has one; the first block only when the test gives a state).
    let seeded: Instance | null = null;
    if (options.state !== undefined || options.checkpoints !== undefined || choice.index !== first) {
      seeded = store.create(command.name, words);
      if (raw !== undefined) store.update(seeded, { arguments: raw });
      const values = writeTypedState((options.state ?? {}) as Record<string, unknown>, command.stateKinds);
      new WorkflowState({ id: seeded.id, path: seeded.file, dir: store.dir }).appendMany({ WORKFLOW_ID: seeded.id, ...values });
      for (const [name, value] of Object.entries(options.checkpoints ?? {})) saveCheckpoint(seeded.id, name, value, { dir: store.dir });
    }

    const skip = (rel: string) => rel === '.claude/tmp/.cmdc' || /^\.claude\/tmp\/workflow_[^/]*$/.test(rel);
    const before = snapshotFiles(dir, skip);
    const calls: Call[] = [];
    const out = new Capture();
    const err = new Capture();
    const argv = ['--block', spec];
    if (seeded) argv.push('--workflow-id', seeded.id);
    if (options.profile) argv.push('--profile', options.profile);
    for (const [k, v] of Object.entries(options.set ?? {})) argv.push('--set', `${k}=${v}`);
    if (!seeded) argv.push(...(raw !== undefined ? ['--arguments', raw] : ['--', ...words]));
    const status = await runArgs(command, argv, {
      env,
      cwd,
      store,
      out: (s) => out.write(Buffer.from(s)),
      err: (s) => err.write(Buffer.from(s)),
      stderrIsTTY: false,
      exec: [stubHandler({ stubs: options.stubs ?? {}, strict: options.strict ?? false, allow: options.allow ?? [], calls })],
      blockStdout: { kind: 'sink', sink: out },
      blockStderr: { kind: 'sink', sink: err },
    });

    const refused = [...new Set(calls.filter((c) => c.by === 'refused').map((c) => c.argv[0]!))];
    if (refused.length) throw new UnstubbedCommandError(refused, err.text());
    const inst = seeded ?? newest(store.list(command.name));
    const state = inst ? readTypedState(loadState(inst.file, { repair: false }), command.stateKinds) : {};
    const checkpoints: Record<string, Json> = {};
    for (const name of inst ? listCheckpoints(inst.id, { dir: store.dir }) : []) checkpoints[name] = loadCheckpoint<Json>(inst!.id, name, { dir: store.dir })!;
    const { files, removed } = changedFiles(dir, before, snapshotFiles(dir, skip));
    return { status, stdout: out.text(), stderr: err.text(), state: state as S, checkpoints, files, removed, calls, workflowId: inst?.id ?? null, dir };
  } finally {
    if (!options.keep) project.remove();
  }
}

function newest(list: readonly Instance[]): Instance | null {
  return [...list].sort((a, b) => (a.updated < b.updated ? 1 : a.updated > b.updated ? -1 : 0))[0] ?? null;
}
