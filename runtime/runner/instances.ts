/**
 * The runner's bookkeeping for command instances (used by runtime/runner/run.ts): which instance a run
 * belongs to, its status and next step, its arguments and working directory, and owner-filtered
 * discovery for `--resume` / `--block` without an id.
 *
 * Where each thing lives (in `${CMDC_STATE_DIR:-${CLAUDE_PROJECT_DIR:-$PWD}/.claude/tmp}`):
 *   - `workflow_<id>.sh`, the state file (runtime/store/state.ts), is the single source of truth for
 *     the instance's identity and progress: its header holds id, command, owner, created,
 *     status (running/paused/done/failed) and block = the index of the next step to run (what
 *     --resume starts from). The runner writes status and block only there (setStatus /
 *     setBlock, appends under the instance lock). An instance the runner starts itself gets a
 *     cmdc state file at once (createState). A state file the command's first block wrote in
 *     the project's own format (no `# cmdc:` line: its library wrote it) is the project's, and
 *     cmdc never modifies it: the header lines the runner gives it when it adopts it go to its
 *     sidecar `.cmdc/meta/<id>` (runtime/store/state.ts), and agent outputs to its run record.
 *   - `.cmdc/runs/<id>.json`, the run record (runtime/store/paths.ts runRecordPath), holds what a
 *     header cannot: the compiled command that runs the instance (membership: only instances
 *     with a run record naming this command are this command's), argument words and raw
 *     string, `--set` values, the session id, the working directory, and how agent outputs are
 *     written. Rewritten whole with temp + fsync + rename; gc removes it with its instance.
 * Discovery (`--resume` / `--block` without an id) is runtime/store/discover.ts's: the owner's running
 * or paused instances from the owner index, verified against their headers; `--list` scans the
 * directory's headers (discover.ts scanStateFiles). Both keep the instances this command's run
 * records name.
 *
 * Agent outputs are appended as cmdc records when the command's blocks initialised a cmdc
 * state file (init_workflow_state), and as seed-style `export KEY='value'` lines to a file the
 * runner created (blocks that read the file themselves expect the seed's format, and cmdc's
 * parser reads both); for a file in the project's own format they are kept in the run record
 * (`agentOutputs`), and prompts see them with the file's values.
 *
 * Owner (who may continue an instance without naming it): runtime/store/owner.ts's rule — `CMDC_OWNER`,
 * else Claude Code's session id, else the nearest long-lived ancestor process (the terminal's
 * shell), else the user.
 */
import { closeSync, constants, fsyncSync, readFileSync, statSync, writeSync } from 'node:fs';
import { openSafe, readSafe } from '../store/safe-fs.js';
import type { VarValue } from '../shell/vars.js';
import { newWorkflowId, tryParseWorkflowId } from '../store/ids.js';
import { atomicWriteFile } from '../store/lock.js';
import { legacyRunRecordPath, runRecordPath, stateDir, stateFilePath } from '../store/paths.js';
import { resolveOwner } from '../store/owner.js';
import { listCandidates, scanStateFiles } from '../store/discover.js';
import { STATE_FORMAT, WorkflowState, createState, foldRecords, readStateMeta, type StateMeta } from '../store/state.js';
import { StateNotFoundError, StateParseError } from '../store/errors.js';
import { holdInstance } from '../store/holders.js';
import { parseStateText } from '../store/format.js';
import { singleQuote } from '../lang/quote.js';
import type { Profile } from '../lang/profile.js';

export type Status = StateMeta['status'];

/**
 * What the runner reads and writes about one instance: status, step, owner, created and
 * updated come from the state file (header and mtime); the rest from its run record.
 */
export interface Instance {
  id: string;
  /** Path of the state file. */
  file: string;
  /** The compiled command (its name) that runs the instance. */
  command: string;
  owner: string;
  status: Status;
  /** Index of the next step to run (0-based, into command.steps): the header's block. */
  step: number;
  args: string[];
  /** The raw argument string (CMDC_ARGUMENTS; absent in older records: args joined by spaces). */
  arguments?: string;
  /** Placeholder values given with `--set NAME=value` (CMDC_SET_<NAME>). */
  sets?: Record<string, string>;
  /** CMDC_SESSION_ID when Claude Code gave none. */
  session?: string;
  cwd: string;
  /** 'export': agent outputs go in as seed-style `export K='v'` lines (see the module doc). */
  outputs?: 'export';
  /** The execution profile the instance runs under (runtime/lang/profile.ts); `--block`/`--resume` keep it. */
  profile?: Profile;
  /** The project directory (`${CLAUDE_PROJECT_DIR}` in the text; where an escaped cwd is reset to). */
  project?: string;
  /** Outputs of the `!` commands run at invocation (claude-code), by step index. */
  pres?: Record<string, string>;
  /** Agent outputs (key -> text) of an instance whose state file is in the project's own format. */
  agentOutputs?: Record<string, string>;
  created: string;
  /** The state file's mtime (ISO 8601). */
  updated: string;
}

/** The fields of an Instance kept in its run record (`.cmdc/runs/<id>.json`): what the header cannot hold. */
const RECORD_FIELDS = ['command', 'args', 'arguments', 'sets', 'session', 'cwd', 'outputs', 'profile', 'project', 'pres', 'agentOutputs'] as const;
type RunRecord = Pick<Instance, (typeof RECORD_FIELDS)[number]>;

/** An instance that cannot be found, or several that match, or cannot be used (the message says why). */
export class InstanceLookupError extends Error {
  /** The exit status of the run that stops on it. */
  readonly exitCode: number = 1;
  constructor(
    message: string,
    /** Several instances matched: the caller must name one (run.ts prints the exact commands). */
    readonly candidates: readonly Instance[] = [],
  ) {
    super(message);
  }
}

/** The instance's state file does not parse: nothing of it may run, so no block runs on it. */
export class StateRefusedError extends InstanceLookupError {
  override readonly exitCode = 65;
}

export interface Store {
  /** The state directory, resolved once for the run (runtime/store/paths.ts). */
  readonly dir: string;
  /** This process's owner (runtime/store/owner.ts). */
  readonly owner: string;
  /**
   * A new instance created by the runner itself (the command did not initialise one): a cmdc
   * state file (header, WORKFLOW_ID) and its run record.
   */
  create(command: string, args: string[]): Instance;
  /** The instance the block just initialised (its WORKFLOW_ID has a state file), or null. */
  adopt(command: string, vars: ReadonlyMap<string, VarValue>, args: string[], since: number): Instance | null;
  get(command: string, id: string): Instance;
  discover(command: string, statuses: Status[]): Instance;
  list(command: string): Instance[];
  update(inst: Instance, patch: Partial<Pick<Instance, 'status' | 'step' | 'cwd' | 'arguments' | 'sets' | 'session' | 'profile' | 'project' | 'pres'>>): void;
  /** Marks the instance as held by this process (runtime/store/holders.ts); returns the release. */
  hold(inst: Instance): () => void;
  /**
   * Why the instance's state file does not load whole (it does not parse, or ends in a cut-off
   * record), or null when it does: `--resume` refuses such an instance.
   */
  loadProblem(inst: Instance): string | null;
  /**
   * Throws StateRefusedError unless the instance's state file parses strictly (a torn last
   * record is fine: the blocks' loaders leave it out). Run before every block of an existing
   * instance, so a block never sources a file that would run something.
   */
  verify(inst: Instance): void;
  /** The state file's scalar values, for agent prompts. */
  values(inst: Instance): Record<string, string>;
  /** Record a value in the state file (agent outputs). */
  append(inst: Instance, key: string, value: string): void;
}

/** A state file without a `# cmdc:` line of its own: the project's library wrote it, in its format. */
function isForeign(file: string): boolean {
  const data = readSafe(file);
  return data !== undefined && !parseStateText(data, file, { metaOnly: true }).records.some((r) => r.kind === 'meta');
}

/** The caller's owner, as the state runtime defines it (runtime/store/owner.ts). */
export function defaultOwner(env: NodeJS.ProcessEnv): string {
  return resolveOwner(env).owner;
}

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** A new id from the state runtime (runtime/store/ids.ts); the prefix is the command name. */
function newId(command: string): string {
  return newWorkflowId(idPrefixFor(command));
}

/** The workflow-id prefix of the runner's own instances of `command`. */
function idPrefixFor(command: string): string {
  return (command.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^[^A-Za-z]+/, '') || 'cmd').slice(0, 40);
}

/** The bytes of an instance's run record (in .cmdc/runs, else where older versions kept it), or undefined. */
export function readRunRecord(dir: string, id: string): Buffer | undefined {
  return readSafe(runRecordPath(dir, id)) ?? readSafe(legacyRunRecordPath(dir, id));
}

function statusList(statuses: readonly Status[]): { or: string; slash: string } {
  return { or: statuses.join(' or '), slash: statuses.join('/') };
}

export function createStore(o: { env: NodeJS.ProcessEnv; cwd: string }): Store {
  const dir = stateDir({ env: o.env, cwd: o.cwd });
  const owner = defaultOwner(o.env);
  const handle = (id: string) => new WorkflowState({ id, path: stateFilePath(dir, id), dir });
  const readRecord = (id: string): RunRecord | null => {
    // never through a symlink, only the caller's own file (runtime/store/safe-fs.ts)
    const data = readRunRecord(dir, id);
    if (data === undefined) return null;
    try {
      return JSON.parse(data.toString('utf8')) as RunRecord;
    } catch {
      return null;
    }
  };
  const writeRecord = (inst: Instance) => {
    const rec: Record<string, unknown> = {};
    for (const k of RECORD_FIELDS) if (inst[k as keyof Instance] !== undefined) rec[k] = inst[k as keyof Instance];
    atomicWriteFile(runRecordPath(dir, inst.id), JSON.stringify(rec, null, 2) + '\n');
  };
  const compose = (id: string, rec: RunRecord, meta: StateMeta, mtimeMs: number): Instance => ({
    ...rec,
    id,
    file: stateFilePath(dir, id),
    owner: meta.owner,
    status: meta.status,
    step: meta.block,
    created: meta.created,
    updated: new Date(mtimeMs).toISOString(),
  });
  /** The instance (run record + header), or null when either is missing. */
  const load = (id: string): (Instance) | null => {
    const rec = readRecord(id);
    if (!rec) return null;
    const m = readStateMeta(stateFilePath(dir, id));
    return m ? compose(id, rec, m.meta, m.mtimeMs) : null;
  };
  /**
   * Repair on read: a cmdc state file of `command` without its run record (a kill between the
   * block creating the state file and the runner recording it) gets a record now, so that
   * --resume / --block find what `state list` shows. Its arguments were lost with the record.
   */
  const repair = (id: string, command: string): Instance | null => {
    const m = readStateMeta(stateFilePath(dir, id));
    if (!m || m.meta.format === '') return null;
    const named = m.meta.command.replace(/^\//, '');
    const prefix = tryParseWorkflowId(id)?.prefix;
    if (named !== command && !(prefix === idPrefixFor(command) && (named === '' || named === prefix))) return null;
    const inst = compose(id, { command, args: [], arguments: '', cwd: o.cwd }, m.meta, m.mtimeMs);
    writeRecord(inst);
    return inst;
  };
  const fresh = (id: string, command: string, args: string[]): Instance => {
    const now = new Date().toISOString();
    return { id, file: stateFilePath(dir, id), command, owner, status: 'running', step: 0, args, cwd: o.cwd, created: now, updated: now };
  };
  /** Status and step go to the header, and only when they differ from it. */
  const writeHeader = (inst: Instance) => {
    const ws = handle(inst.id);
    let meta: StateMeta;
    try {
      meta = ws.meta();
    } catch (e) {
      if (e instanceof StateNotFoundError) throw new InstanceLookupError(`the state file of ${inst.id} is gone (${inst.file})`);
      throw e;
    }
    if (meta.block !== inst.step) ws.setBlock(inst.step);
    if (meta.status !== inst.status) ws.setStatus(inst.status);
  };
  return {
    dir,
    owner,
    create(command, args) {
      const id = newId(command);
      const inst: Instance = { ...fresh(id, command, args), outputs: 'export' };
      // The run record first: killed in between, a record without a state file is no instance
      // at all (gc sweeps it), never an instance that --resume cannot find.
      writeRecord(inst);
      createState(id, { dir, command, owner });
      return inst;
    },
    adopt(command, vars, args, since) {
      const id = vars.get('WORKFLOW_ID');
      // Only ids the state runtime accepts: discovery and the owner index need them.
      if (typeof id !== 'string' || !tryParseWorkflowId(id)) return null;
      const file = stateFilePath(dir, id);
      try {
        if (statSync(file).mtimeMs < since - 1000) return null; // not created by this run
      } catch {
        return null;
      }
      const known = load(id);
      if (known) return known;
      const meta = readStateMeta(file)?.meta;
      if (!meta) return null;
      const inst = fresh(id, command, args);
      writeRecord(inst);
      if (meta.owner === '') {
        // Written by the blocks without cmdc's state library: give it the header lines (in its
        // sidecar when the file is in the project's own format: runtime/store/state.ts).
        const ws = handle(id);
        ws.setMeta({ id, command, owner, created: inst.created });
        ws.setBlock(inst.step);
        ws.setStatus(inst.status); // also indexes it under its owner (discovery)
      } else {
        Object.assign(inst, { owner: meta.owner, status: meta.status, step: meta.block, created: meta.created || inst.created });
      }
      return inst;
    },
    get(command, id) {
      if (!ID_RE.test(id)) throw new InstanceLookupError(`malformed workflow id '${id}'`);
      const inst = load(id) ?? repair(id, command);
      if (!inst) throw new InstanceLookupError(`no instance ${id} in ${dir}`);
      if (inst.command !== command) throw new InstanceLookupError(`instance ${id} belongs to /${inst.command}, not /${command}`);
      return inst;
    },
    discover(command, statuses) {
      const mine: Instance[] = [];
      for (const c of listCandidates({ dir, owner, statuses })) {
        const rec = readRecord(c.id);
        const m = rec?.command === command ? readStateMeta(c.path) : undefined;
        if (rec && m) mine.push(compose(c.id, rec, m.meta, m.mtimeMs));
        else if (!rec) {
          const repaired = repair(c.id, command);
          if (repaired) mine.push(repaired);
        }
      }
      const { or, slash } = statusList(statuses);
      if (mine.length === 1) return mine[0]!;
      if (mine.length === 0) {
        throw new InstanceLookupError(
          `no ${or} instance of /${command} for owner ${owner} in ${dir}; ` + `start one, or pass --workflow-id <id> (see --list)`,
        );
      }
      throw new InstanceLookupError(
        `${mine.length} ${slash} instances of /${command} for owner ${owner}; pass --workflow-id <id> to continue one, ` +
          `and stop the ones you abandoned (newest first; npx cmdc state cancel --latest stops the newest):`,
        mine.sort((x, y) => (x.updated < y.updated ? 1 : x.updated > y.updated ? -1 : 0)),
      );
    },
    list(command) {
      const out: Instance[] = [];
      for (const f of scanStateFiles(dir)) {
        const rec = readRecord(f.id);
        if (rec?.command === command) out.push(compose(f.id, rec, f.meta, f.mtimeMs));
      }
      return out;
    },
    update(inst, patch) {
      const recordChanged = RECORD_FIELDS.some(
        (k) => k in patch && JSON.stringify(patch[k as keyof typeof patch]) !== JSON.stringify(inst[k as keyof Instance]),
      );
      Object.assign(inst, patch);
      if (recordChanged) writeRecord(inst);
      if ('status' in patch || 'step' in patch) writeHeader(inst);
    },
    hold(inst) {
      return holdInstance(dir, inst.id);
    },
    loadProblem(inst) {
      const data = readSafe(inst.file);
      if (data === undefined) return `its state file is gone (${inst.file})`;
      try {
        const parsed = parseStateText(data, inst.file);
        if (parsed.torn) {
          const line = data.subarray(0, parsed.cleanLength).toString('latin1').split('\n').length;
          return `its state file ends in a cut-off record at ${inst.file}:${line} (a writer was killed mid-write), so it does not load whole`;
        }
      } catch (e) {
        if (e instanceof StateParseError) return `its state file does not parse: ${e.message}`;
        throw e;
      }
      return null;
    },
    verify(inst) {
      const data = readSafe(inst.file);
      if (data === undefined) throw new InstanceLookupError(`the state file of ${inst.id} is gone (${inst.file})`);
      try {
        parseStateText(data, inst.file);
      } catch (e) {
        if (!(e instanceof StateParseError)) throw e;
        throw new StateRefusedError(
          `refusing to run a block of ${inst.id}: its state file does not parse: ${e.message}\n` +
            `  cmdc parses state files and never runs them. If you did not write that line, someone else changed the file;\n` +
            `  stop this instance with: cmdc state cancel ${inst.id}`,
        );
      }
    },
    values(inst) {
      // The state-file parser in its lenient mode: a hand-edited line it refuses is left out
      // of the prompt, every other record means what it means when a block loads the file.
      const data = readSafe(inst.file);
      if (data === undefined) return {};
      const { vars, arrays } = foldRecords(parseStateText(data, inst.file, { mode: 'lenient' }).records);
      const out: Record<string, string> = { ...vars };
      for (const [k, v] of Object.entries(arrays)) out[k] = v.join(' ');
      return { ...out, ...(inst.agentOutputs ?? {}) };
    },
    append(inst, key, value) {
      if (inst.outputs !== 'export' && isForeign(inst.file)) {
        // the project's own file: never written by cmdc (see the module doc)
        inst.agentOutputs = { ...(inst.agentOutputs ?? {}), [key]: value };
        writeRecord(inst);
        return;
      }
      const exportStyle = inst.outputs === 'export' || readStateMeta(inst.file)?.meta.format !== STATE_FORMAT;
      if (!exportStyle) {
        handle(inst.id).append(key, value);
        return;
      }
      const fd = openSafe(inst.file, constants.O_WRONLY | constants.O_APPEND);
      try {
        writeSync(fd, `export ${key}=${singleQuote(value)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
  };
}
