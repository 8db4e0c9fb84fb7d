/**
 * The runner's bookkeeping for command instances (used by runtime/cli.ts): which instance a run
 * belongs to, its status (running/paused/done/failed), the next step to run, its arguments and
 * working directory, and owner-filtered discovery for `--resume` / `--block` without an id.
 *
 * The bookkeeping lives in a sidecar `workflow_<id>.run.json` next to the instance's state file
 * `workflow_<id>.sh` (in `${CMDC_STATE_DIR:-${CLAUDE_PROJECT_DIR:-$PWD}/.claude/tmp}`), written
 * with temp + fsync + rename. The state file's variables stay exactly what the command's blocks
 * wrote; when it is a cmdc state file, the runner's status and next step are mirrored into its
 * header (`# cmdc:status` / `# cmdc:block` lines, runtime/state.ts) so that `cmdc state list`,
 * gc and discovery (discover_latest_state_file) see them, and agent outputs are appended as
 * records of the same format.
 *
 * Owner (who may continue an instance without naming it): runtime/owner.ts's rule — `CMDC_OWNER`,
 * else Claude Code's session id, else the nearest long-lived ancestor process (the terminal's
 * shell), else the user.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { VarValue } from './vars.js';
import { newWorkflowId } from './ids.js';
import { stateDir, stateFilePath } from './paths.js';
import { resolveOwner } from './owner.js';
import { STATE_FORMAT, WorkflowState, openState, readStateMeta } from './state.js';

export type Status = 'running' | 'paused' | 'done' | 'failed';

export interface Instance {
  id: string;
  /** Path of the state file (may not exist when the command never initialised one). */
  file: string;
  command: string;
  owner: string;
  status: Status;
  /** Index of the next step to run (0-based, into command.steps). */
  step: number;
  args: string[];
  /** The raw argument string (CMDC_ARGUMENTS; absent in older records: args joined by spaces). */
  arguments?: string;
  /** Placeholder values given with `--set NAME=value` (CMDC_SET_<NAME>). */
  sets?: Record<string, string>;
  /** CMDC_SESSION_ID when Claude Code gave none. */
  session?: string;
  cwd: string;
  created: string;
  updated: string;
}

/** An instance that cannot be found, or several that match (the message names them). */
export class InstanceLookupError extends Error {}

export interface Store {
  /**
   * A new instance created by the runner itself (the command did not initialise one). Only the
   * bookkeeping is written; the state file appears with the first value stored in it.
   */
  create(command: string, args: string[]): Instance;
  /** The instance the block just initialised (its WORKFLOW_ID has a state file), or null. */
  adopt(command: string, vars: ReadonlyMap<string, VarValue>, args: string[], since: number): Instance | null;
  get(command: string, id: string): Instance;
  discover(command: string, statuses: Status[]): Instance;
  list(command: string): Instance[];
  update(inst: Instance, patch: Partial<Pick<Instance, 'status' | 'step' | 'cwd' | 'arguments' | 'sets' | 'session'>>): void;
  /** The state file's scalar values, for agent prompts. */
  values(inst: Instance): Record<string, string>;
  /** Record a value in the state file (agent outputs). */
  append(inst: Instance, key: string, value: string): void;
}

/** The caller's owner, as the state runtime defines it (runtime/owner.ts). */
export function defaultOwner(env: NodeJS.ProcessEnv): string {
  return resolveOwner(env).owner;
}

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** A new id from the state runtime (runtime/ids.ts); the prefix is the command name. */
function newId(command: string): string {
  const prefix = command.replace(/[^A-Za-z0-9-]+/g, '-').replace(/^[^A-Za-z]+/, '') || 'cmd';
  return newWorkflowId(prefix.slice(0, 40));
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Parse the scalar assignments of a bash state file without evaluating it. */
export function parseStateValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^(?:export\s+|declare\s+-[a-zA-Z]+\s+)?([A-Za-z_][A-Za-z0-9_]*)=/gm;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const key = m[1]!;
    const [value, end] = readBashWord(text, re.lastIndex);
    if (value !== null) out[key] = value;
    re.lastIndex = Math.max(end, re.lastIndex);
  }
  return out;
}

/** Read one bash word made of '…', $'…', "…" and plain characters; stops at blank or newline. */
function readBashWord(s: string, i: number): [string | null, number] {
  let out = '';
  while (i < s.length) {
    const c = s[i]!;
    if (c === '\n' || c === ' ' || c === '\t' || c === ';') break;
    if (c === "'") {
      const j = s.indexOf("'", i + 1);
      if (j < 0) return [null, s.length];
      out += s.slice(i + 1, j);
      i = j + 1;
    } else if (c === '$' && s[i + 1] === "'") {
      i += 2;
      while (i < s.length && s[i] !== "'") {
        if (s[i] === '\\') {
          const n = s[i + 1]!;
          const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', e: '\x1b', f: '\f', v: '\v' };
          if (n in map) {
            out += map[n];
            i += 2;
          } else if (n === 'x') {
            const h = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 2))![0];
            out += String.fromCharCode(parseInt(h, 16));
            i += 2 + h.length;
          } else if (/[0-7]/.test(n)) {
            const o = /^[0-7]{1,3}/.exec(s.slice(i + 1))![0];
            out += String.fromCharCode(parseInt(o, 8));
            i += 1 + o.length;
          } else {
            out += '\\' + n;
            i += 2;
          }
        } else out += s[i++];
      }
      i++;
    } else if (c === '"') {
      i++;
      while (i < s.length && s[i] !== '"') {
        if (s[i] === '\\' && /[$`"\\\n]/.test(s[i + 1] ?? '')) {
          if (s[i + 1] !== '\n') out += s[i + 1];
          i += 2;
        } else out += s[i++];
      }
      i++;
    } else if (c === '\\') {
      out += s[i + 1] ?? '';
      i += 2;
    } else {
      out += c;
      i++;
    }
  }
  return [out, i];
}

function bashQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A handle on `file` when it is a cmdc state file (runtime/state.ts format), else null. */
function cmdcState(file: string): WorkflowState | null {
  try {
    if (readStateMeta(file)?.meta.format !== STATE_FORMAT) return null;
    return openState(file);
  } catch {
    return null;
  }
}

/**
 * Mirror the runner's status and position into the state file's header (runtime/state.ts
 * setStatus / setBlock), so that `cmdc state list`, gc and discovery see the runner's
 * instances: status as the runner has it, block = the index of the next step to run (what
 * --resume starts from). Only for cmdc state files; a header write that fails is not fatal.
 */
function syncHeader(inst: Instance): void {
  const ws = cmdcState(inst.file);
  if (!ws) return;
  try {
    const meta = ws.meta();
    if (meta.block !== inst.step) ws.setBlock(inst.step);
    if (meta.status !== inst.status) ws.setStatus(inst.status);
  } catch {
    /* the sidecar stays authoritative for the runner */
  }
}

export function createStore(o: { env: NodeJS.ProcessEnv; cwd: string }): Store {
  const dir = stateDir({ env: o.env, cwd: o.cwd });
  const owner = defaultOwner(o.env);
  const sidecar = (id: string) => join(dir, `workflow_${id}.run.json`);
  const save = (inst: Instance) => {
    mkdirSync(dir, { recursive: true });
    inst.updated = new Date().toISOString();
    writeAtomic(sidecar(inst.id), JSON.stringify(inst, null, 2) + '\n');
  };
  const load = (id: string): Instance | null => {
    try {
      return JSON.parse(readFileSync(sidecar(id), 'utf8')) as Instance;
    } catch {
      return null;
    }
  };
  const make = (id: string, command: string, args: string[]): Instance => {
    const now = new Date().toISOString();
    return { id, file: stateFilePath(dir, id), command, owner, status: 'running', step: 0, args, cwd: o.cwd, created: now, updated: now };
  };
  const all = (command: string): Instance[] => {
    if (!existsSync(dir)) return [];
    const out: Instance[] = [];
    for (const f of readdirSync(dir)) {
      const m = /^workflow_(.+)\.run\.json$/.exec(f);
      if (!m) continue;
      const inst = load(m[1]!);
      if (inst && inst.command === command) out.push(inst);
    }
    return out.sort((a, b) => (a.updated < b.updated ? 1 : a.updated > b.updated ? -1 : 0));
  };
  return {
    create(command, args) {
      const inst = make(newId(command), command, args);
      save(inst);
      return inst;
    },
    adopt(command, vars, args, since) {
      const id = vars.get('WORKFLOW_ID');
      if (typeof id !== 'string' || !ID_RE.test(id)) return null;
      const file = stateFilePath(dir, id);
      try {
        if (statSync(file).mtimeMs < since - 1000) return null; // not created by this run
      } catch {
        return null;
      }
      const inst = load(id) ?? make(id, command, args);
      save(inst);
      return inst;
    },
    get(command, id) {
      if (!ID_RE.test(id)) throw new InstanceLookupError(`malformed workflow id '${id}'`);
      const inst = load(id);
      if (!inst) throw new InstanceLookupError(`no instance ${id} in ${dir}`);
      if (inst.command !== command) throw new InstanceLookupError(`instance ${id} belongs to /${inst.command}, not /${command}`);
      return inst;
    },
    discover(command, statuses) {
      const mine = all(command).filter((i) => i.owner === owner && statuses.includes(i.status));
      if (mine.length === 1) return mine[0]!;
      if (mine.length === 0) {
        throw new InstanceLookupError(
          `no ${statuses.join(' or ')} instance of /${command} for owner ${owner} in ${dir}; ` +
            `start one, or pass --workflow-id <id> (see --list)`,
        );
      }
      throw new InstanceLookupError(
        `${mine.length} ${statuses.join('/')} instances of /${command} for owner ${owner}; pass --workflow-id <id>:\n` +
          mine.map((i) => `  ${i.id}  ${i.status}  step ${i.step}  updated ${i.updated}`).join('\n'),
      );
    },
    list: all,
    update(inst, patch) {
      Object.assign(inst, patch);
      save(inst);
      syncHeader(inst);
    },
    values(inst) {
      try {
        return parseStateValues(readFileSync(inst.file, 'utf8'));
      } catch {
        return {};
      }
    },
    append(inst, key, value) {
      const ws = cmdcState(inst.file);
      if (ws) {
        ws.append(key, value);
        return;
      }
      mkdirSync(dir, { recursive: true });
      const fd = openSync(inst.file, 'a', 0o600);
      try {
        writeSync(fd, `export ${key}=${bashQuote(value)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
  };
}
