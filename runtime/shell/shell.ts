/**
 * The Shell: the state one bash block runs against (variables, exported env, positional
 * parameters, cwd, options, functions, traps, fd table, `$?`, the source line of the current
 * statement) and the statement-level API generated code calls. All bash semantics live here and
 * in the modules it uses (expand, exec, cond, arith, pattern, builtins); generated code only
 * calls them, one TS statement per bash statement.
 *
 * ## Generated code shape (stable contract)
 *
 * A block compiles to `export async function <name>(sh: Shell): Promise<void>`; every statement is
 * prefixed by `sh.at(<.md line>)` so that errors read `commands/x.md: line 42: ...`:
 *
 *   set -euo pipefail                   await sh.at(3).cmd(["set", "-euo", "pipefail"]);
 *   X="${1:-none}"                      await sh.at(4).assign({ X: dq(param("1", ":-", "none")) });
 *   local -r y=$(date +%s)              await sh.at(5).decl("local -r", { y: cmdsub(async (sh) => { await sh.at(5).cmd(["date", "+%s"]); }) });
 *   echo "x: $X" >&2                    await sh.at(6).cmd(["echo", dq("x: ", param("X"))], r(">&", "2"));
 *   if [ -f "$F" ]; then … fi           if (await sh.at(7).cond((sh) => sh.cmd(["[", "-f", dq(param("F")), "]"]))) { … } else sh.ok();
 *   a && b || c                         await sh.at(8).or((sh) => sh.and((sh) => a, (sh) => b), (sh) => c);
 *   a | b                               await sh.at(9).pipe((sh) => a, (sh) => b);
 *   while read -r l; do …; done < f     await sh.at(10).while((sh) => sh.cmd(["read", "-r", "l"]), async (sh) => { … }, r("<", "f"));
 *   for f in *.md; do …; done           await sh.at(11).for("f", [glob("*.md")], async (sh) => { … });
 *   case $x in a|b) …;; esac            switch (await sh.at(12).case(param("x"), ["a", "b"], …)) { case 0: …; break; }
 *   f() { …; }                          sh.at(13).fn("f", async (sh) => { … });
 *   [[ $x =~ ^a(.*)$ ]]                 await sh.at(14).test([param("x"), "=~", "^a(.*)$"]);
 *   (( i++ ))                           await sh.at(15).arith("i++");
 *   { a; b; } > f                       await sh.at(16).group(async (sh) => { … }, r(">", "f"));
 *   ( cd x; a )                         await sh.at(17).subshell(async (sh) => { … });
 *
 * Word constructors (`param`, `dq`, `glob`, `cmdsub`, …) are documented in runtime/shell/words.ts.
 * Closures always take the shell they run against as `sh` (a pipeline stage or subshell gets a
 * copy), so shadowing the outer `sh` is intended.
 *
 * ## Seams (as mvdan/sh's interp has them)
 *
 * - **Exec handlers** (runtime/shell/exec-handler.ts): `createShell({ exec: [handler, …] })`.
 *   Lookup order is function → builtin → library builtin → external; every external command
 *   (also `command x`, `exec x`) becomes an ExecContext (argv, cwd, env, the shell's fds 0-2,
 *   readStdin/stdout/stderr) that runs through the handlers in order, the real spawn
 *   (runtime/shell/exec.ts) last. Forks inherit the chain. Test kits stub `git`/`jq`/`claude`
 *   there; a typed tier calls `sh.runExternal(argv)` to go through the same chain. Bash islands
 *   spawn bash directly (they are how a construct runs, not a command the block names).
 * - **Expansion environment** (runtime/shell/expand.ts `ExpandEnv`): word expansion reads only
 *   variables, the options it obeys, positional parameters, `commandSubst`, `glob` and `error`;
 *   the Shell implements it. Arithmetic reads even less (`ArithEnv`).
 * - **Signals** (runtime/shell/signals.ts): the leaf module with the control-flow signals and
 *   error classes; the modules around the Shell depend on `type Shell` only.
 *
 * ## Errors and exit
 *
 * `exit N`, `set -e` failures, `${x:?}` and `set -u` errors unwind with an {@link ExitSignal};
 * `return` with a {@link ReturnSignal}, `break`/`continue` with a {@link LoopSignal} (all in
 * runtime/shell/signals.ts). A block is
 * run by {@link runBlock}, which catches them, runs the EXIT trap and reports the status. Error
 * messages follow bash's format with the script name and .md line: `<scriptName>: line N: msg`
 * (scriptName defaults to `source.file`; differential tests pass "bash" and a block at line 1,
 * which makes stderr byte-identical to `bash -c`).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { Vars, elements, scalar, type Var, type VarValue } from './vars.js';
import { Capture, PIPE_BUFFER, Reader, writeFdResult, type Fd, type FdTable, type Sink } from './io.js';
import {
  toWord, type AssignValue, type ArrayValue, type Body, type Mod, type Redir, type WordLike,
} from './words.js';
import { expandFields, expandString, expandPattern, indexText, type ExpandEnv } from './expand.js';
import { evalArith } from './arith.js';
import { evalCond, type CondExpr } from './cond.js';
import { globPaths, matchPattern } from './pattern.js';
import { spawnProcess, withRedirs, runPipeline } from './exec.js';
import { execContext, runChain, type ExecHandler } from './exec-handler.js';
import { BUILTINS, type Builtin } from './builtins/index.js';
import { optionLetters, setOption, setOptionNames } from './builtins/set.js';
import { shoptEnabled } from './builtins/shopt.js';
import { ExitSignal, ReturnSignal, LoopSignal, TopLevelSignal, CondError, ArithError, normSignal } from './signals.js';
import { ProcTable, ShellProcess, SignalDeath, deliver, handleSignals } from './jobs.js';
import { trapName } from './sigtable.js';
import { attachSignals, settleSignals } from './os-signals.js';
import { syntaxErrorLines, type CodeLoader, type CodeOrigin, type LoadedCode, type SyntaxErrorWhere } from './code.js';
import { bashLineno, bashSource, definingFile, funcname, type Frame } from './frames.js';
import { startProcsub, closeProcsubs, type OpenProcsub } from './procsub.js';
import { ARGV_VAR, shownText } from '../lang/arguments.js';
import { traceArray, traceAssign, traceCommand, traceCond, traceText } from './xtrace.js';

// ---------------------------------------------------------------------------------------------
// Options and creation

export interface ShellOpts {
  errexit: boolean;
  nounset: boolean;
  pipefail: boolean;
  histexpand: boolean;
  xtrace: boolean;
  noglob: boolean;
  noclobber: boolean;
  /** shopt -s nullglob / failglob / extglob / dotglob / nocasematch / lastpipe */
  nullglob: boolean;
  failglob: boolean;
  dotglob: boolean;
  nocasematch: boolean;
  extglob: boolean;
  lastpipe: boolean;
  /** set -E: functions inherit the ERR trap */
  errtrace: boolean;
  /** set -a: every variable assigned is exported */
  allexport: boolean;
  /** shopt -s globstar / nocaseglob / xpg_echo / inherit_errexit */
  globstar: boolean;
  nocaseglob: boolean;
  xpgEcho: boolean;
  inheritErrexit: boolean;
}

/** The bash whose behaviour the interpreter reproduces (`$BASH_VERSION`, `BASH_VERSINFO`). */
const BASH_VERSINFO = ['5', '2', '15', '1', 'release', 'x86_64-pc-linux-gnu'] as const;
const BASH_VERSION = '5.2.15(1)-release';

/** A stdio given to createShell: an OS fd number, a node stream, or an fd table entry. */
export type StdioSpec = number | NodeJS.WritableStream | NodeJS.ReadableStream | Fd;

export interface CreateShellOptions {
  /** $1 … */
  argv?: string[];
  /** Initial environment: every defined entry becomes an exported variable. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  stdin?: StdioSpec;
  stdout?: StdioSpec;
  stderr?: StdioSpec;
  /** Where the block comes from (`commands/x.md`): used in error messages. */
  source?: { file: string };
  /** `$0` and the prefix of error messages (default: source.file, else "bash"). */
  scriptName?: string;
  /**
   * The prefix of error messages inside functions (default: scriptName). Bash names the source
   * of functions defined in `bash -c` text (and in `eval`) `environment`.
   */
  functionFile?: string;
  /** Library builtins activated by `source <lib>.sh` (default: the shared registry). */
  libraries?: LibraryRegistry;
  /**
   * Compiles bash text met at run time (`source`d files, `eval` text, trap strings) so it runs
   * natively in this shell (runtime/shell/code.ts). Default: a loader with a memory cache that
   * compiles on demand (runtime/code/loader.ts); the runner adds precompiled libraries and the
   * project's disk cache.
   */
  loader?: CodeLoader;
  /**
   * Builtins that answer calls of the functions of these names, whatever the function's body
   * (the runner's `discover_latest_state_file`: this owner's instance, whatever the project's
   * library defines). Names no function defines are not affected.
   */
  functionOverrides?: Record<string, Builtin>;
  options?: Partial<ShellOpts>;
  /**
   * Exec handlers, in order, that every external command goes through before the real spawn
   * (see runtime/shell/exec-handler.ts); forks inherit them.
   */
  exec?: readonly ExecHandler[];
  /**
   * `set -e` has no effect (ERR traps still fire): the block runs where bash ignores errexit, as
   * Claude Code's `… && eval '<block>' && …` does (runtime/lang/profile.ts).
   */
  ignoreErrexit?: boolean;
  /** Added to every line number bash would report (`$LINENO`, messages); e.g. the eval shift of the claude-code profile. */
  lineBase?: number;
  /** Levels of indirection around the block (`eval`: 1); `set -x` repeats PS4's `+` once more per level. */
  indirection?: number;
}

/** What a registered library is, besides its builtins (see registerLibrary). */
export interface LibraryOptions {
  /**
   * The library's bash implementation (absolute path). Islands of a shell where the library is
   * active source it first, and a `source` of the library's basename inside an island is
   * redirected to it (so islands never depend on where the project installed its copy).
   */
  bash?: string;
  /** Variables the library defines itself (never passed into an island that sources it). */
  vars?: readonly string[];
  /** Run when the library is activated by `source` (e.g. to set the variables it defines). */
  activate?: (sh: Shell) => void;
  /**
   * Handles `source <file> [args]` itself instead of activating builtins (e.g. a state file
   * loaded by parsing). Returns the status, or null to let `source` run the file as usual.
   */
  onSource?: (sh: Shell, file: string, args: string[]) => number | null | Promise<number | null>;
}

export interface LibraryEntry extends LibraryOptions {
  match: RegExp;
  builtins: Record<string, Builtin>;
}

/** Builtins that `source`-ing a known library activates (see registerLibrary). */
export class LibraryRegistry {
  readonly entries: LibraryEntry[] = [];
  register(basename: RegExp, builtins: Record<string, Builtin>, opts: LibraryOptions = {}): void {
    this.entries.push({ match: basename, builtins, ...opts });
  }
  /** The entry registered for a file name (only `onSource` handlers are chosen by name). */
  findEntry(file: string): LibraryEntry | null {
    const base = path.basename(file);
    for (const e of this.entries) if (e.match.test(base)) return e;
    return null;
  }
  /**
   * The library whose bash implementation is byte-identical to a sourced file (its sha256 and
   * size): only then do its builtins stand in for the file.
   */
  byContent(sha256: string, size: number): LibraryEntry | null {
    for (const e of this.entries) {
      if (!e.bash) continue;
      try {
        if (fs.statSync(e.bash).size !== size) continue;
        if (createHash('sha256').update(fs.readFileSync(e.bash)).digest('hex') === sha256) return e;
      } catch {
        /* not installed */
      }
    }
    return null;
  }

  /** The libraries whose builtins are active in `sh` (activated by `source`). */
  active(sh: Shell): LibraryEntry[] {
    return this.entries.filter((e) => {
      const b = Object.entries(e.builtins);
      return b.length > 0 && b.every(([k, f]) => sh.libBuiltins.get(k) === f);
    });
  }
}

/** The process-wide default registry (the runtime's one deliberate singleton). */
export const defaultLibraries = new LibraryRegistry();

/** `source` of a file byte-identical to `opts.bash` activates these builtins instead of running it. */
export function registerLibrary(basename: RegExp, builtins: Record<string, Builtin>, opts: LibraryOptions = {}): void {
  defaultLibraries.register(basename, builtins, opts);
}

function stdioToFd(s: StdioSpec | undefined, fallback: number): Fd {
  if (s === undefined) return { kind: 'os', fd: fallback };
  if (typeof s === 'number') return { kind: 'os', fd: s };
  if ('kind' in s && typeof (s as Fd).kind === 'string') return s as Fd;
  const fdNum = (s as { fd?: unknown }).fd;
  if (typeof fdNum === 'number') return { kind: 'os', fd: fdNum };
  if ('write' in s && typeof (s as NodeJS.WritableStream).write === 'function') {
    const ws = s as NodeJS.WritableStream;
    return { kind: 'sink', sink: { write: (b) => { ws.write(b); } } };
  }
  const rs = s as NodeJS.ReadableStream;
  return { kind: 'reader', reader: Reader.fromIterator(rs[Symbol.asyncIterator]() as AsyncIterator<Buffer>) };
}

export function createShell(o: CreateShellOptions = {}): Shell {
  const sh = new Shell(o);
  return sh;
}

// ---------------------------------------------------------------------------------------------

/** Arguments of `sh.test([...])`, mirroring `[[ ... ]]`. */
export type { CondExpr } from './cond.js';

interface FuncDef {
  body: Body;
  /** The bash source of the function, for islands that call it. */
  src?: string;
  /** BASH_SOURCE of the function: the file it was defined in (frames.ts). */
  file?: string;
  /** The line shift and base in force where it was defined (a function defined by `eval` text, in a sourced file). */
  lineShift?: number;
  lineBase?: number;
}

export class Shell implements ExpandEnv {
  vars: Vars;
  positional: string[];
  cwd: string;
  /** The directory stack below the current directory (`pushd`/`popd`/`dirs`; DIRSTACK[1…]). */
  dirStack: string[] = [];
  opts: ShellOpts;
  funcs: Map<string, FuncDef>;
  traps: Map<string, Body | string>;
  /** In a subshell: the traps `trap -p` lists (the parent's) until the subshell sets or resets one. */
  shownTraps: Map<string, Body | string> | null = null;
  fds: FdTable;
  /** `$?` */
  status = 0;
  /** Current .md line (set by `at`). */
  line = 0;
  /**
   * Added by `at` while a compiled trap body runs: bash numbers a trap's lines from the failing
   * command's line (ERR) or from 1 (EXIT, signals), not from where `trap` was written. 0 inside
   * functions (their lines are their own).
   */
  lineShift = 0;
  /** The .md line of the `trap` statement that set each compiled trap body. */
  trapLines = new WeakMap<Body, number>();
  readonly source: { file: string };
  scriptName: string;
  /** See CreateShellOptions.functionFile. */
  functionFile: string | undefined;
  libraries: LibraryRegistry;
  /** Builtins activated by sourcing libraries. */
  libBuiltins: Map<string, Builtin>;
  /** >0 while running a condition (`if`, `while`, left of && ||, `!`): set -e is ignored. */
  errexitOff = 0;
  /** The whole block runs where bash ignores set -e (claude-code profile); ERR traps still fire. */
  ignoreErrexit = false;
  /** Added to every reported line (see CreateShellOptions.lineBase). */
  lineBase = 0;
  /** See CreateShellOptions.indirection. */
  indirection = 0;
  /** Names of the running functions, innermost last (`local` needs one). */
  funcNames: string[] = [];
  /** The call stack of functions and sourced files (FUNCNAME, BASH_SOURCE, BASH_LINENO: frames.ts). */
  frames: Frame[] = [];
  /** The dynamic-code loader (see CreateShellOptions.loader); created on first use when not given. */
  loader: CodeLoader | undefined;
  /** Builtins that answer calls of functions (CreateShellOptions.functionOverrides). */
  functionOverrides: ReadonlyMap<string, Builtin>;
  loopDepth = 0;
  /** Subshell depth (BASH_SUBSHELL) and whether this is the top-level shell of the block. */
  subshellLevel = 0;
  pid: number;
  readonly startTime = Date.now();
  /** `$RANDOM`'s generator (bash's: seeded by assigning RANDOM; a subshell reseeds). */
  private random = { seed: (Date.now() ^ (process.pid << 16) ^ Math.floor(Math.random() * 0x7fffffff)) >>> 0, last: 0 };
  /** Last status of a command substitution during the current expansion (for `x=$(false)`). */
  lastSubStatus: number | null = null;
  pipestatus: number[] = [0];
  /** >0 while running a sourced file (where `return` is allowed). */
  sourcing = 0;
  /**
   * The simple command being run (`$BASH_COMMAND`): the text the compiler gave with its line
   * (`sh.at(43, "X=$(f)")`, compiler/translate/command-text.ts), else its expanded words.
   */
  command = '';
  /**
   * While a trap handler runs: the command running when it was triggered, which `$BASH_COMMAND`
   * shows for the whole handler (its functions and pipeline stages too, not a `( )` subshell).
   */
  trapCommand: string | undefined;
  /** Set while running the EXIT trap, so `exit` inside it does not re-run it. */
  inExitTrap = false;
  /**
   * The call stack, function locals and positional parameters where `exit` was called (bash runs
   * the EXIT trap there, before unwinding: the handler sees FUNCNAME, `caller`, `local`s); taken
   * by the innermost function or sourced file an ExitSignal leaves (noteExit).
   */
  exitStack: { frames: Frame[]; locals: Map<string, Var>[]; positional: string[] } | undefined;
  /**
   * While an ERR trap runs: the failing command's line, which bash records as the call line of
   * every function called meanwhile (BASH_LINENO, `caller`), however deep — an EXIT trap run
   * from there records lines as usual.
   */
  errTrapLine: number | undefined;
  /** The exec-handler chain external commands go through (the real spawn comes after it). */
  readonly execHandlers: readonly ExecHandler[];
  /** A {@link TopLevelSignal} ended the current top-level command: skip until `top()`. */
  aborting = false;
  /** getopts' place: the OPTIND it last set and the position inside that argument. */
  getopts = { optind: 0, pos: 1 };
  /** `$_`: the last argument of the previous simple command. */
  lastArg = '';
  /** Set by withRedirs when a redirect failed (the command did not run). */
  redirectFailed = false;
  /** This shell's process: `$BASHPID`, jobs, `$!`, delivered signals (runtime/shell/jobs.ts). */
  proc: ShellProcess;
  /** Inside `$( )`: bash reports no "Terminated" for the commands it runs. */
  quietSignals = false;
  /** Process substitutions whose fds are open (procsub.ts). */
  procsubs: OpenProcsub[] = [];
  /** Process substitutions the statement that opened them left open under another fd (`exec 3< <(…)`). */
  heldProcsubs: OpenProcsub[] = [];
  /** `set -o` / `shopt` options the runtime does not model, as set (shown by `set -o`, `$-`, `shopt`). */
  setOther = new Map<string, boolean>();
  shoptOther = new Map<string, boolean>();

  constructor(o: CreateShellOptions | Shell) {
    if (o instanceof Shell) {
      // fork: a subshell copy
      this.vars = o.vars.clone();
      this.positional = o.positional.slice();
      this.cwd = o.cwd;
      this.dirStack = o.dirStack.slice();
      this.opts = { ...o.opts };
      this.funcs = new Map(o.funcs);
      // a subshell resets caught signals; ignored ones stay ignored
      this.traps = new Map([...o.traps].filter(([, t]) => t === ''));
      // …but `trap` / `trap -p` list the parent's until the subshell sets one (bash)
      this.shownTraps = new Map(o.shownTraps ?? o.traps);
      this.fds = new Map(o.fds);
      this.status = o.status;
      this.command = o.command;
      this.trapCommand = o.trapCommand;
      this.line = o.line;
      this.lineShift = o.lineShift;
      this.source = o.source;
      this.scriptName = o.scriptName;
      this.functionFile = o.functionFile;
      this.libraries = o.libraries;
      this.libBuiltins = new Map(o.libBuiltins);
      this.errexitOff = o.errexitOff;
      this.ignoreErrexit = o.ignoreErrexit;
      this.lineBase = o.lineBase;
      this.indirection = o.indirection;
      this.funcNames = o.funcNames.slice();
      this.frames = o.frames.slice();
      this.loader = o.loader;
      this.functionOverrides = o.functionOverrides;
      this.loopDepth = o.loopDepth;
      this.subshellLevel = o.subshellLevel + 1;
      this.pid = o.pid;
      this.pipestatus = o.pipestatus.slice();
      this.setOther = new Map(o.setOther);
      this.shoptOther = new Map(o.shoptOther);
      this.execHandlers = o.execHandlers;
      this.proc = o.proc.fork();
      this.quietSignals = o.quietSignals;
      return;
    }
    this.vars = new Vars();
    for (const [k, v] of Object.entries(o.env ?? {})) {
      if (v !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) this.vars.global.set(k, { value: v, exported: true });
    }
    this.positional = (o.argv ?? []).slice();
    this.cwd = path.resolve(o.cwd ?? process.cwd());
    if (!this.vars.global.has('IFS')) this.vars.global.set('IFS', { value: ' \t\n' });
    // bash -c increments SHLVL
    const lvl = this.vars.global.get('SHLVL');
    this.vars.global.set('SHLVL', { value: String((Number(lvl?.value) || 0) + 1), exported: true });
    const pwd = this.vars.ensure('PWD');
    pwd.value = this.cwd;
    pwd.exported = true;
    this.opts = {
      errexit: false, nounset: false, pipefail: false, histexpand: false, xtrace: false,
      noglob: false, noclobber: false, nullglob: false, failglob: false, dotglob: false,
      nocasematch: false, extglob: false, lastpipe: false, errtrace: false, allexport: false,
      globstar: false, nocaseglob: false, xpgEcho: false, inheritErrexit: false,
      ...o.options,
    };
    this.funcs = new Map();
    this.traps = new Map();
    this.fds = new Map<number, Fd>([
      [0, stdioToFd(o.stdin, 0)],
      [1, stdioToFd(o.stdout, 1)],
      [2, stdioToFd(o.stderr, 2)],
    ]);
    this.source = o.source ?? { file: 'bash' };
    this.scriptName = o.scriptName ?? o.source?.file ?? 'bash';
    this.functionFile = o.functionFile;
    this.libraries = o.libraries ?? defaultLibraries;
    this.libBuiltins = new Map();
    this.ignoreErrexit = o.ignoreErrexit ?? false;
    this.lineBase = o.lineBase ?? 0;
    this.indirection = o.indirection ?? 0;
    this.loader = o.loader;
    this.functionOverrides = new Map(Object.entries(o.functionOverrides ?? {}));
    this.pid = process.pid;
    this.execHandlers = o.exec ?? [];
    this.proc = new ShellProcess(new ProcTable(), process.pid);
    this.proc.table.register(this.proc.pid, this);
  }

  /** A subshell copy (pipeline stage, `( )`, `$( )`). */
  fork(): Shell {
    return new Shell(this);
  }

  // -------------------------------------------------------------------------------------------
  // Source location and messages

  /**
   * The `$BASH_COMMAND` text given with the statement's line, until the simple command that
   * follows takes it (takeCommandText).
   */
  private commandText: string | undefined;

  /**
   * Record the .md line of the statement about to run, and for a simple command the text bash
   * shows for it in `$BASH_COMMAND` (when it differs from the expanded words); returns `this`.
   */
  at(line: number, text?: string): this {
    this.commandText = text;
    this.line = line + this.lineShift + this.lineBase;
    // a process killed by a signal runs no further statement
    if (this.proc.death !== null) throw new SignalDeath(this.proc.death);
    return this;
  }

  /**
   * `at` for a statement that starts a top-level command of the block (a new line of bash): the
   * rest of a command abandoned by a {@link TopLevelSignal} is skipped up to here.
   */
  top(line: number, text?: string): this {
    this.aborting = false;
    return this.at(line, text);
  }

  /** `$BASH_COMMAND`: the command's text with the client's substitutions pasted back (lang/arguments.ts). */
  private shownCommand(command: string): string {
    return shownText(command, {
      scalar: (name) => this.getVar(name),
      word: (i) => {
        const v = this.vars.lookup(ARGV_VAR)?.value;
        return Array.isArray(v) ? v[i] : undefined;
      },
    });
  }

  /** The text given with this simple command's line (see at), taken once. */
  private takeCommandText(): string | undefined {
    const t = this.commandText;
    this.commandText = undefined;
    return t;
  }

  /**
   * Run a statement: skipped while the current top-level command is abandoned; a
   * {@link TopLevelSignal} from its expansions abandons it (status 1).
   */
  async stmt(f: () => Promise<number>): Promise<number> {
    if (this.aborting) return this.status;
    // process substitutions its words open live as long as the statement
    const mark = this.procsubs.length;
    try {
      return await f();
    } catch (e) {
      if (!(e instanceof TopLevelSignal)) throw e;
      this.aborting = true;
      this.status = e.status;
      return e.status;
    } finally {
      if (this.procsubs.length > mark) closeProcsubs(this, mark);
    }
  }

  /**
   * Make `dir` (absolute) the working directory as `cd` does: OLDPWD = `oldpwd` (the previous
   * directory; null leaves OLDPWD alone, e.g. when an island handed its own OLDPWD back), PWD = dir.
   */
  chdir(dir: string, oldpwd: string | null = this.cwd): void {
    if (oldpwd !== null) this.setVar('OLDPWD', oldpwd);
    this.cwd = dir;
    this.setVar('PWD', dir);
  }

  /** `<name>: line N: ` as bash prints it (name: BASH_SOURCE[0], else $0). */
  prefix(): string {
    return `${this.errorName()}: line ${this.line}: `;
  }

  /** The name bash's messages start with: the current file (BASH_SOURCE[0]), else `$0`. */
  errorName(): string {
    return this.frames[this.frames.length - 1]?.file || this.scriptName;
  }

  /** Write to fd 1 / fd 2 / any fd. */
  out(data: string | Buffer): void {
    this.write(1, data);
  }
  err(data: string | Buffer): void {
    this.write(2, data);
  }
  write(fd: number, data: string | Buffer): boolean {
    if (this.proc.death !== null) throw new SignalDeath(this.proc.death);
    const r = writeFdResult(this.fds.get(fd), data);
    if (r === 'ok') return true;
    if (r === 'badf') {
      this.writeError = 'Bad file descriptor';
      return false;
    }
    // the pipe's reader is gone: SIGPIPE ends this process unless trapped or ignored (then EPIPE)
    deliver(this, 13);
    if (this.proc.death !== null) throw new SignalDeath(this.proc.death);
    this.writeError = 'Broken pipe';
    return false;
  }
  /** Why the last failed `write` failed (bash's "write error: …" text). */
  writeError = 'Bad file descriptor';
  /** An error message in bash's format: `bash: line N: msg`. */
  error(msg: string): void {
    this.err(`${this.prefix()}${msg}\n`);
  }

  /** The Reader for an input fd (created on demand for OS fds, kept for later reads). */
  reader(fd = 0): Reader | null {
    const e = this.fds.get(fd);
    if (!e) return null;
    if (e.kind === 'reader') return e.reader;
    // byte-wise reads of an OS fd never read ahead: a fresh reader each time loses nothing
    if (e.kind === 'os') return Reader.fromOsFd(e.fd);
    return null;
  }

  // -------------------------------------------------------------------------------------------
  // Variables

  /** Scalar value of a variable or special parameter (undefined when unset). */
  getVar(name: string): string | undefined {
    switch (name) {
      case '?': return String(this.status);
      case '#': return String(this.positional.length);
      case '$': return String(this.pid);
      case '!': return this.proc.lastBg;
      case '-': return this.optionFlags();
      case '0': return this.scriptName;
      case '@': case '*': return this.positional.join(name === '*' ? this.ifs().slice(0, 1) : ' ');
      case 'LINENO': return String(this.line);
      case 'RANDOM': return String(this.nextRandom());
      case 'SECONDS': return String(Math.floor((Date.now() - this.startTime) / 1000));
      case 'BASHPID': return String(this.proc.pid);
      case 'PPID': return String(process.ppid);
      case 'BASH_SUBSHELL': return String(this.subshellLevel);
      case 'BASH_COMMAND': return this.shownCommand(this.trapCommand ?? this.command);
      case 'FUNCNAME': return funcname(this.frames)?.[0];
      case 'BASH_SOURCE': return bashSource(this.frames)?.[0];
      case 'BASH_VERSION': return BASH_VERSION;
      case 'BASH_VERSINFO': return BASH_VERSINFO[0];
      case 'BASH_LINENO': return bashLineno(this.frames)?.[0];
      case 'DIRSTACK': return this.cwd;
      case '_': return this.lastArg;
      case 'EUID': return String(process.geteuid?.() ?? 0);
      case 'UID': return String(process.getuid?.() ?? 0);
      case 'OSTYPE': return this.vars.lookup(name)?.value as string | undefined ?? 'linux-gnu';
      case 'HOSTTYPE': return this.vars.lookup(name)?.value as string | undefined ?? hostType();
      case 'MACHTYPE': return this.vars.lookup(name)?.value as string | undefined ?? `${hostType()}-pc-linux-gnu`;
      case 'HOSTNAME': return this.vars.lookup(name)?.value as string | undefined ?? os.hostname();
      case 'SHELLOPTS': return setOptionNames().filter((n) => setOption(this, n)).join(':');
      case 'BASHOPTS': return shoptEnabled(this).join(':');
    }
    if (/^[1-9][0-9]*$/.test(name)) return this.positional[Number(name) - 1];
    if (name === 'PIPESTATUS') return String(this.pipestatus[0] ?? 0);
    const r = this.deref(name);
    if (r === null) return undefined;
    if (r !== name) return r.includes('[') ? this.elementOf(r) : this.getVar(r);
    return scalar(this.vars.lookupRaw(name)?.value);
  }

  /** bash's `$RANDOM`: Park–Miller minimal standard generator, 15 bits, never the same value twice in a row. */
  private nextRandom(): number {
    const brand = (): number => {
      const last = this.random.seed || 123459876;
      const h = Math.floor(last / 127773);
      const l = last % 127773;
      let t = 16807 * l - 2836 * h;
      if (t < 0) t += 0x7fffffff;
      this.random.seed = t >>> 0;
      return ((this.random.seed >>> 16) ^ (this.random.seed & 65535)) & 32767;
    };
    let rv: number;
    do rv = brand();
    while (rv === this.random.last);
    return (this.random.last = rv);
  }

  /** `RANDOM=n` seeds the generator (the number's leading digits, as strtoul reads them). */
  private seedRandom(value: string): void {
    const m = /^\s*[+-]?(\d*)/.exec(value)!;
    const n = m[1] ? BigInt(m[1]) : 0n;
    this.random = { seed: Number(BigInt.asUintN(32, value.trim().startsWith('-') ? -n : n)), last: 0 };
  }

  /**
   * The name a `declare -n` reference designates (`name` itself when none; maybe `a[i]`);
   * null, after bash's warning, when the chain is circular.
   */
  deref(name: string): string | null {
    const r = this.vars.resolve(name);
    if (r === null) this.error(`warning: ${name}: circular name reference`);
    return r;
  }

  variableNames(): string[] {
    return this.vars.names();
  }

  /** The target name of `name` when it is a `declare -n` reference (for `${!ref}`). */
  namerefTarget(name: string): string | undefined {
    const v = this.vars.lookupRaw(name);
    return v?.nameref && typeof v.value === 'string' ? v.value : undefined;
  }

  /** The value of an element named as text (`a[1]`, `m[k]`), as a reference to it reads it. */
  private elementOf(ref: string): string | undefined {
    const m = /^([^[]+)\[([\s\S]*)\]$/.exec(ref);
    if (!m) return this.getVar(ref);
    const v = this.vars.lookup(m[1]!);
    if (m[2] === '@' || m[2] === '*') return elements(v?.value).join(' ');
    const key = this.subscript(v, m[2]!);
    const val = v?.value;
    if (val instanceof Map) return val.get(key);
    if (Array.isArray(val)) {
      const i = Number(key);
      return val[i < 0 ? val.length + i : i];
    }
    return key === '0' ? val : undefined;
  }

  /** The full value (array or scalar) of a variable. */
  getValue(name: string): VarValue | undefined {
    if (name === 'PIPESTATUS') return this.pipestatus.map(String);
    if (name === 'FUNCNAME') return funcname(this.frames);
    if (name === 'BASH_SOURCE') return bashSource(this.frames);
    if (name === 'BASH_LINENO') return bashLineno(this.frames);
    if (name === 'BASH_VERSINFO') return BASH_VERSINFO.slice();
    if (name === 'DIRSTACK') return [this.cwd, ...this.dirStack];
    if (name === '@' || name === '*') return this.positional.slice();
    const r = this.deref(name);
    if (r !== null && r !== name) return r.includes('[') ? this.elementOf(r) : this.getValue(r);
    const v = this.vars.lookup(name);
    if (v) return v.value;
    const s = this.getVar(name);
    return s;
  }

  /** Whether `name` (with optional index) is set, for `set -u` and `[[ -v ]]`. */
  isSet(name: string): boolean {
    return this.getVar(name) !== undefined || (this.vars.lookup(name)?.value !== undefined && typeof this.vars.lookup(name)?.value !== 'string');
  }

  private checkWritable(name: string): boolean {
    const v = this.vars.lookup(name);
    if (v?.readonly) {
      this.error(`${name}: readonly variable`);
      return false;
    }
    return true;
  }

  /**
   * Evaluate arithmetic for the shell's own use (subscripts, `for ((…))`, integer variables):
   * an error is reported as bash does and abandons the current top-level command.
   */
  arithValue(text: string): bigint {
    try {
      return evalArith(this, text);
    } catch (e) {
      if (e instanceof ArithError) {
        this.error(`${e.expr}: ${e.message}`);
        throw new TopLevelSignal(1);
      }
      throw e;
    }
  }

  /** `set -u` and an unset variable in arithmetic: bash reports it and exits. */
  unbound(name: string): never {
    this.error(`${name}: unbound variable`);
    throw new ExitSignal(127);
  }

  /** A subscript given as run-time text, resolved for variable `v`: an associative key, or an index. */
  subscript(v: Var | undefined, text: string): string {
    const t = indexText(this, text);
    if (v?.value instanceof Map) return t;
    return String(this.arithValue(t));
  }

  private fold(v: Var, s: string): string {
    if (v.integer) {
      try {
        s = String(evalArith(this, s || '0'));
      } catch (e) {
        if (!(e instanceof ArithError)) throw e;
        // an integer variable given bad arithmetic ends the shell
        this.error(`${e.expr}: ${e.message}`);
        throw new ExitSignal(1);
      }
    }
    if (v.lower) s = s.toLowerCase();
    if (v.upper) s = s.toUpperCase();
    return s;
  }

  /**
   * Assign a scalar, or element `index` of an array: `index` is already resolved (an
   * associative key, or an integer; negative counts from the end). Returns false when the
   * variable is readonly or the index is out of range (after bash's message).
   */
  setVar(name: string, value: string, opts: { append?: boolean; index?: string } = {}): boolean {
    const r = this.deref(name);
    if (r === null) return false;
    if (r !== name) {
      const m = /^([^[]+)\[([\s\S]*)\]$/.exec(r);
      if (!m) return this.setVar(r, value, opts);
      if (opts.index === undefined) return this.setVar(m[1]!, value, { ...opts, index: this.subscript(this.vars.lookup(m[1]!), m[2]!) });
    }
    if (!this.checkWritable(name)) return false;
    const v = this.vars.ensure(name);
    if (this.opts.allexport) v.exported = true;
    delete v.unassigned;
    if (opts.index !== undefined) {
      if (v.value instanceof Map) {
        const cur = v.value.get(opts.index) ?? '';
        v.value.set(opts.index, this.fold(v, opts.append ? (v.integer ? `${cur || 0}+(${value || 0})` : cur + value) : value));
        return true;
      }
      const i = /^-?\d+$/.test(opts.index) ? Number(opts.index) : Number(this.arithValue(opts.index));
      let a: (string | undefined)[];
      if (Array.isArray(v.value)) a = v.value;
      else if (typeof v.value === 'string') a = [v.value];
      else a = [];
      const idx = i < 0 ? a.length + i : i;
      if (idx < 0) {
        this.error(`${name}[${i}]: bad array subscript`);
        return false;
      }
      const cur = a[idx] ?? '';
      a[idx] = this.fold(v, opts.append ? (v.integer ? `${cur || 0}+(${value || 0})` : cur + value) : value);
      v.value = a;
      return true;
    }
    if (Array.isArray(v.value) || v.value instanceof Map) {
      return this.setVar(name, value, { ...opts, index: '0' });
    }
    const s = opts.append ? (v.integer ? `${v.value || 0}+(${value || 0})` : (v.value ?? '') + value) : value;
    v.value = this.fold(v, s);
    if (name === 'PWD') this.cwd = v.value;
    if (name === 'RANDOM') this.seedRandom(v.value);
    return true;
  }

  /**
   * Assign to a reference given as text, as builtins get it (`read 'a[1]'`, `printf -v 'm[k]'`):
   * `name` or `name[subscript]`. Reports an invalid name as `<builtin>: \`x': not a valid identifier`.
   */
  setRef(ref: string, value: string, builtin: string, opts: { append?: boolean } = {}): boolean {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:\[([\s\S]*)\])?$/.exec(ref);
    if (!m) {
      this.error(`${builtin}: \`${ref}': not a valid identifier`);
      return false;
    }
    if (m[2] === undefined) return this.setVar(ref, value, opts);
    return this.setVar(m[1]!, value, { ...opts, index: this.subscript(this.vars.lookup(m[1]!), m[2]) });
  }

  /** Assign an indexed array (or append to it). */
  setArray(name: string, values: string[], append = false): boolean {
    const r = this.deref(name);
    if (r === null) return false;
    if (!r.includes('[')) name = r;
    if (!this.checkWritable(name)) return false;
    const v = this.vars.ensure(name);
    if (this.opts.allexport) v.exported = true;
    delete v.unassigned;
    if (v.value instanceof Map) {
      // assoc assigned from a plain list: bash treats it as key/value pairs
      const m = append ? v.value : new Map<string, string>();
      for (let i = 0; i + 1 < values.length; i += 2) m.set(values[i]!, values[i + 1]!);
      v.value = m;
      return true;
    }
    const cur = append ? (Array.isArray(v.value) ? v.value : typeof v.value === 'string' ? [v.value] : []) : [];
    v.value = [...cur, ...values.map((x) => this.fold(v, x))];
    return true;
  }

  /** `unset name` / `unset 'name[subscript]'` (`raw`: `unset -n`, a reference itself). */
  unsetVar(name: string, raw = false): boolean {
    if (raw) {
      if (!this.vars.unset(name, true)) {
        this.error(`unset: ${name}: cannot unset: readonly variable`);
        return false;
      }
      return true;
    }
    const r = this.deref(name);
    if (r !== null && r !== name && r.includes('[')) name = r;
    const m = /^([^[]+)\[([\s\S]*)\]$/.exec(name);
    if (m) {
      const v = this.vars.lookup(m[1]!);
      if (!v) return true;
      if (v.readonly) {
        this.error(`${m[1]}: readonly variable`);
        return false;
      }
      // `unset 'a[@]'` removes an indexed array; an associative array's `@` / `*` is a key (bash 5.2)
      if ((m[2] === '@' || m[2] === '*') && !(v.value instanceof Map)) {
        this.vars.unset(m[1]!);
        return true;
      }
      const key = this.subscript(v, m[2]!);
      if (v.value instanceof Map) v.value.delete(key);
      else if (Array.isArray(v.value)) {
        const i = Number(key);
        const k = i < 0 ? v.value.length + i : i;
        if (k < 0) {
          this.error(`${m[1]}[${i}]: bad array subscript`);
          return false;
        }
        delete v.value[k];
        while (v.value.length && v.value[v.value.length - 1] === undefined) v.value.length--;
      } else if (key === '0') this.vars.unset(m[1]!);
      return true;
    }
    if (!this.vars.unset(name)) {
      this.error(`unset: ${name}: cannot unset: readonly variable`);
      return false;
    }
    return true;
  }

  /** The environment for a child process: every exported scalar. */
  exportedEnv(extra?: Record<string, string>): Record<string, string> {
    const env: Record<string, string> = {};
    const seen = new Set<string>();
    const add = (m: Map<string, Var>) => {
      for (const [k, v] of m) {
        seen.add(k);
        if (v.exported && typeof v.value === 'string') env[k] = v.value;
        else delete env[k];
      }
    };
    add(this.vars.global);
    for (const f of this.vars.frames) add(f);
    if (extra) Object.assign(env, extra);
    return env;
  }

  ifs(): string {
    const v = this.getVar('IFS');
    return v === undefined ? ' \t\n' : v;
  }

  /** `$-` in bash's order; `c`: the block runs as `bash -c` would run it (as Claude Code does). */
  optionFlags(): string {
    return optionLetters(this);
  }

  // -------------------------------------------------------------------------------------------
  // Status and set -e

  /** Set `$?` to 0 (an `if` whose branches did not run, an empty case item). */
  ok(): number {
    if (this.aborting) return this.status;
    this.status = 0;
    return 0;
  }

  /** Record a command's status; runs the ERR trap and exits under `set -e` when it applies. */
  async done(status: number): Promise<number> {
    this.status = status;
    // a writer waits while the pipe it writes to is full (its reader gets to run)
    const out = this.fds.get(1);
    if (out?.kind === 'sink' && (out.sink.backlog ?? 0) > PIPE_BUFFER) await out.sink.drained!();
    // signals that arrived while the command ran: a fatal one ends the shell, trapped ones run
    if (this.proc.due) {
      await handleSignals(this);
      this.status = status;
    }
    if (status !== 0 && this.errexitOff === 0) {
      const trap = this.traps.get('ERR');
      if (trap !== undefined && trap !== '') {
        await this.runTrap('ERR', status);
        this.status = status;
      }
      if (this.opts.errexit && !this.ignoreErrexit) throw new ExitSignal(status);
    }
    return status;
  }

  /** Run `body` as a condition: `set -e` does not apply inside it. */
  async cond(body: Body): Promise<boolean> {
    if (this.aborting) return false;
    this.errexitOff++;
    try {
      await body(this);
    } finally {
      this.errexitOff--;
    }
    return this.status === 0;
  }

  /** `! cmd` */
  async not(body: Body): Promise<number> {
    return this.stmt(async () => {
      await this.cond(body);
      this.status = this.status === 0 ? 1 : 0;
      return this.status;
    });
  }

  /** `a && b && c`: every command but the last runs as a condition (set -e ignores it). */
  async and(...bodies: Body[]): Promise<number> {
    return this.stmt(async () => {
      for (let i = 0; i < bodies.length - 1; i++) if (!(await this.cond(bodies[i]!))) return this.status;
      await bodies[bodies.length - 1]!(this);
      return this.status;
    });
  }

  /** `a || b || c` */
  async or(...bodies: Body[]): Promise<number> {
    return this.stmt(async () => {
      for (let i = 0; i < bodies.length - 1; i++) if (await this.cond(bodies[i]!)) return this.status;
      await bodies[bodies.length - 1]!(this);
      return this.status;
    });
  }

  // -------------------------------------------------------------------------------------------
  // Expansion helpers (for builtins and generated code)

  /** Expand words into fields (split + glob), as for command arguments. */
  words(words: readonly WordLike[]): Promise<string[]> {
    return expandFields(this, words.map(toWord));
  }

  /** Expand a word into one string (no splitting/globbing), as for assignments. */
  str(word: WordLike): Promise<string> {
    return expandString(this, toWord(word));
  }

  // -------------------------------------------------------------------------------------------
  // Commands

  /** A simple command: `name args... [redirects] [VAR=x prefix]`. */
  async cmd(words: readonly WordLike[], ...mods: Mod[]): Promise<number> {
    const text = this.takeCommandText();
    return this.stmt(async () => {
      const line = this.line;
      this.lastSubStatus = null;
      // bash sets $BASH_COMMAND before the words expand (`echo "$BASH_COMMAND"` shows itself)
      const early = text ?? (words.every((x) => typeof x === 'string') ? (words as readonly string[]).join(' ') : undefined);
      if (early !== undefined) this.command = early;
      const argv = await this.words(words);
      const redirs = mods.filter((m): m is Redir => m.t === 'redir');
      const envMods = mods.filter((m) => m.t === 'env');
      if (argv.length === 0) {
        // assignments and/or redirects only
        if (text !== undefined) this.command = text;
        const subStatus = this.lastSubStatus as number | null;
        for (const e of envMods) if (e.t === 'env') await this.assign(e.vars);
        if (this.aborting) return this.status; // a failed assignment abandoned the command
        const st = await withRedirs(this, redirs, async () => this.lastSubStatus ?? subStatus ?? 0);
        this.pipestatus = [st];
        return this.done(st);
      }
      const prefix: Record<string, string> = {};
      const entries = envMods.flatMap((e) => (e.t === 'env' ? Object.entries(e.vars) : []));
      // each assignment sees the ones before it (`a=x b=$a cmd`): they sit in a scope of their own meanwhile
      const scope = entries.length > 1 ? new Map<string, Var>() : null;
      if (scope) this.vars.frames.push(scope);
      try {
        for (const [k, v] of entries) {
          const value = v === null ? '' : typeof v === 'object' && v.t === 'arr' ? '' : await this.str(v as WordLike);
          // a readonly one is reported and left out: the command still runs
          if (this.vars.lookup(k)?.readonly) {
            this.error(`${k}: readonly variable`);
            continue;
          }
          prefix[k] = value;
          scope?.set(k, { value, exported: true });
        }
      } finally {
        if (scope) this.vars.frames.splice(this.vars.frames.lastIndexOf(scope), 1);
      }
      this.command = text ?? argv.join(' ');
      if (this.opts.xtrace) {
        for (const [k, v] of Object.entries(prefix)) traceAssign(this, k, v);
        traceCommand(this, argv);
      }
      this.line = line;
      if (argv[0] === 'exec') {
        // `exec >file` makes the redirects permanent; `exec cmd` runs cmd and ends the shell
        if (argv.length === 1) return this.done(await withRedirs(this, redirs, async () => 0, true));
        const st = await withRedirs(this, redirs, () => this.invoke(argv.slice(1), prefix));
        throw new ExitSignal(st);
      }
      this.proc.childSignal = null;
      const status = await withRedirs(this, redirs, () => this.invoke(argv, prefix));
      // a command that names this process (`sh -c "kill -USR1 $$"`) may have signalled it
      const name = argv[0]!;
      const external = !this.funcs.has(name) && !BUILTINS[name] && !this.libBuiltins.has(name);
      if (external && !this.proc.due && argv.slice(1).some((a) => a.includes(String(process.pid)))) await settleSignals(20);
      this.reportSignal();
      // after a function call, `$LINENO` (and an ERR trap) see the line of the call again
      this.line = line;
      this.lastArg = argv[argv.length - 1]!;
      this.pipestatus = [status];
      return this.done(status);
    });
  }

  /** Run argv by lookup order function → builtin → library builtin → external. */
  async invoke(argv: string[], prefix: Record<string, string> = {}): Promise<number> {
    const name = argv[0]!;
    const hasPrefix = Object.keys(prefix).length > 0;
    const defined = this.funcs.get(name);
    const over = defined && this.functionOverrides.get(name);
    const fn = over ? undefined : defined;
    const bi = over || (fn ? undefined : this.libBuiltins.get(name) ?? BUILTINS[name]);
    if (fn || bi) {
      const saved: [string, Var | undefined][] = [];
      if (hasPrefix) {
        for (const [k, v] of Object.entries(prefix)) {
          const cur = this.vars.global.get(k);
          saved.push([k, cur ? { ...cur } : undefined]);
          const nv = this.vars.ensure(k);
          nv.value = v;
          nv.exported = true;
        }
      }
      try {
        if (fn) return await this.callFunction(name, fn, argv.slice(1));
        if (name !== 'eval' && name !== 'source' && name !== '.') return await bi!(this, argv.slice(1), name);
        // bash restores $BASH_COMMAND after the code `eval` and `source` ran (parse_and_execute)
        const own = this.command;
        try {
          return await bi!(this, argv.slice(1), name);
        } finally {
          this.command = own;
        }
      } finally {
        for (const [k, v] of saved.reverse()) {
          if (v) this.vars.global.set(k, v);
          else this.vars.global.delete(k);
        }
      }
    }
    return this.runExternal(argv, prefix);
  }

  /**
   * Run an external command (no function or builtin lookup) through the exec-handler chain,
   * the real spawn last; its environment is the exported variables plus `prefix`.
   */
  runExternal(argv: readonly string[], prefix: Record<string, string> = {}): Promise<number> {
    return runChain(this.execHandlers, execContext(this, argv, this.exportedEnv(prefix)), spawnProcess);
  }

  async callFunction(name: string, fn: FuncDef, args: string[]): Promise<number> {
    const savedPos = this.positional;
    this.positional = args;
    this.vars.frames.push(new Map());
    this.funcNames.push(name);
    this.frames.push({ kind: 'function', name, file: fn.file ?? definingFile([], this.functionFile ?? this.scriptName), callLine: this.errTrapLine ?? this.line });
    const savedLoop = this.loopDepth;
    this.loopDepth = 0;
    const savedShift = this.lineShift;
    const savedBase = this.lineBase;
    this.lineShift = fn.lineShift ?? 0;
    this.lineBase = fn.lineBase ?? this.lineBase;
    // without `set -E` a function runs without the ERR trap; it comes back after the call
    // unless the function set one
    const errTrap = this.opts.errtrace ? undefined : this.traps.get('ERR');
    if (errTrap !== undefined) this.traps.delete('ERR');
    // the RETURN trap likewise, unless functrace (set -T); one set inside runs when it returns
    const retTrap = setOption(this, 'functrace') ? undefined : this.traps.get('RETURN');
    if (retTrap !== undefined) this.traps.delete('RETURN');
    try {
      let st: number;
      try {
        await fn.body(this);
        st = this.status;
      } catch (e) {
        if (!(e instanceof ReturnSignal)) throw e;
        st = e.status;
      }
      // the trap sees the status of the last command run (not the one `return` gives)
      if (this.traps.has('RETURN')) await this.runTrap('RETURN', this.status);
      return (this.status = st);
    } catch (e) {
      // `exit` in the function: the EXIT trap runs where it was called (noteExit)
      this.noteExit(e);
      throw e;
    } finally {
      this.positional = savedPos;
      this.vars.frames.pop();
      this.funcNames.pop();
      this.frames.pop();
      this.loopDepth = savedLoop;
      this.lineShift = savedShift;
      this.lineBase = savedBase;
      if (errTrap !== undefined && !this.traps.has('ERR')) this.traps.set('ERR', errTrap);
      if (retTrap !== undefined && !this.traps.has('RETURN')) this.traps.set('RETURN', retTrap);
    }
  }

  /** `X=1 Y=$(cmd) A=(a b) B+=x A[i]=v` (a statement of assignments only). */
  async assign(vars: Readonly<Record<string, AssignValue>>): Promise<number> {
    const text = this.takeCommandText();
    return this.stmt(async () => {
      this.lastSubStatus = null;
      this.lastArg = '';
      // the ERR trap and the values' own `$BASH_COMMAND` see this command (substitutions run in forks)
      if (text !== undefined) this.command = text;
      // set -x shows an array assignment by its text (the statement's, when it is the only one)
      const shown = Object.keys(vars).length === 1 ? text : undefined;
      for (const [key, value] of Object.entries(vars)) {
        // a failed assignment (readonly, bad subscript) abandons the command, as in bash
        if (!(await this.assignOne(key, value, true, shown))) throw new TopLevelSignal(1);
      }
      const st = this.lastSubStatus ?? 0;
      this.pipestatus = [st];
      return this.done(st);
    });
  }

  /** Resolve the subscript of an assignment target (a word to expand) for variable `name`. */
  private async assignIndex(name: string, index: WordLike): Promise<string> {
    const v = this.vars.lookup(name);
    const text = await this.str(index);
    return v?.value instanceof Map ? text : String(this.arithValue(text));
  }

  /** One assignment (`trace`: a statement's own, shown by `set -x`). */
  private async assignOne(key: string, value: AssignValue, trace = false, text?: string): Promise<boolean> {
    let append = false;
    let name = key;
    if (name.endsWith('+')) {
      append = true;
      name = name.slice(0, -1);
    }
    let index: string | undefined;
    const m = /^([^[]+)\[(.*)\]$/s.exec(name);
    if (m) {
      name = m[1]!;
      index = await this.assignIndex(name, m[2]!);
    }
    if (value !== null && typeof value === 'object' && value.t === 'elem') {
      index = await this.assignIndex(name, value.index);
      value = value.value;
    }
    if (value !== null && typeof value === 'object' && value.t === 'arr') {
      const ok = await this.assignArray(name, value, append);
      if (ok && trace && this.opts.xtrace) {
        // bash shows the assignment's text; here its elements as `declare -p` quotes them
        const v = this.vars.lookup(name)?.value;
        if (text !== undefined) traceText(this, text);
        else traceArray(this, name, Array.isArray(v) ? v.filter((x): x is string => x !== undefined) : v instanceof Map ? [...v.values()] : [], append);
      }
      return ok;
    }
    const s = value === null ? '' : await this.str(value);
    if (trace && this.opts.xtrace) traceAssign(this, key, s);
    return this.setVar(name, s, { append, index });
  }

  private async assignArray(name: string, value: ArrayValue, append: boolean): Promise<boolean> {
    const r = this.deref(name);
    if (r === null) return false;
    if (r.includes('[')) {
      // a reference to an array element cannot take a list
      this.error(`\`${r}': not a valid identifier`);
      return false;
    }
    const v = this.vars.lookup(name);
    if (v?.value instanceof Map || value.elems.some((e) => Array.isArray(e))) {
      if (!this.checkWritable(name)) return false;
      const target = this.vars.ensure(name);
      if (this.opts.allexport) target.exported = true;
      delete target.unassigned;
      if (target.value instanceof Map) {
        const m = append ? target.value : new Map<string, string>();
        let pending: string | null = null;
        for (const e of value.elems) {
          if (Array.isArray(e)) {
            const k = await this.str(e[0] as WordLike);
            const x = await this.str(e[1] as WordLike);
            m.set(k, this.fold(target, append ? (m.get(k) ?? '') + x : x));
          } else {
            // bash 5.1+: `declare -A m=(k1 v1 k2 v2)` are key/value pairs
            for (const f of await this.words([e as WordLike])) {
              if (pending === null) pending = f;
              else {
                m.set(pending, this.fold(target, f));
                pending = null;
              }
            }
          }
        }
        if (pending !== null) m.set(pending, '');
        target.value = m;
        return true;
      }
      const a: (string | undefined)[] = append && Array.isArray(target.value) ? target.value : append && typeof target.value === 'string' ? [target.value] : [];
      let next = a.length;
      for (const e of value.elems) {
        if (Array.isArray(e)) {
          const i = Number(this.arithValue(await this.str(e[0] as WordLike)));
          const k = i < 0 ? a.length + i : i;
          if (k < 0) {
            this.error(`${name}[${i}]: bad array subscript`);
            continue;
          }
          a[k] = this.fold(target, await this.str(e[1] as WordLike));
          next = k + 1;
        } else {
          for (const f of await this.words([e as WordLike])) a[next++] = this.fold(target, f);
        }
      }
      target.value = a;
      return true;
    }
    const vals = await this.words(value.elems as WordLike[]);
    return this.setArray(name, vals, append);
  }

  /**
   * `declare|local|export|readonly|typeset [-opts]` with assignments, e.g.
   * `sh.decl("local -r", { x: param("1"), y: null })` (null = bare name).
   */
  async decl(spec: string, vars: Readonly<Record<string, AssignValue>> = {}): Promise<number> {
    const text = this.takeCommandText();
    return this.stmt(async () => {
      this.command = text ?? spec;
      const [variant, ...opts] = spec.split(/\s+/).filter(Boolean);
      const args: string[] = [...opts];
      // Evaluate values first (left to right), then hand them to the builtin as NAME=value or
      // apply arrays directly.
      this.lastSubStatus = null;
      const flags = new Set<string>();
      const unflags = new Set<string>();
      for (const o of opts) {
        if (o.startsWith('-')) for (const c of o.slice(1)) flags.add(c);
        else if (o.startsWith('+')) for (const c of o.slice(1)) unflags.add(c);
      }
      if (variant === 'readonly') flags.add('r');
      if (variant === 'export') {
        // `export -n`: no longer exported (not a reference)
        if (flags.delete('n')) unflags.add('x');
        else flags.add('x');
      }
      const isLocal = variant === 'local' || ((variant === 'declare' || variant === 'typeset') && this.funcNames.length > 0 && !flags.has('g'));
      if (variant === 'local' && this.funcNames.length === 0) {
        this.error('local: can only be used in a function');
        return this.done(1);
      }
      if (Object.keys(vars).length === 0 || flags.has('f') || flags.has('F') || flags.has('p')) {
        return this.done(await BUILTINS[variant!]!(this, [...args, ...Object.keys(vars)], variant!));
      }
      let status = 0;
      // the values are expanded first, all of them, as a builtin's arguments are (`local v=$v`
      // reads the outer v; `local a=1 b=$a` the a from before)
      const values = new Map<string, AssignValue>();
      for (const [key, raw] of Object.entries(vars)) values.set(key, await this.literalValue(raw));
      if (this.opts.xtrace) this.traceDecl(variant!, opts, values);
      for (const [key, value] of values) {
        const name = key.replace(/\+$/, '').replace(/\[.*$/s, '');
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
          this.error(`${variant}: \`${key}': not a valid identifier`);
          status = 1;
          continue;
        }
        const existing = isLocal ? this.vars.frames[this.vars.frames.length - 1]?.get(name) ?? this.vars.lookup(name) : this.vars.lookup(name);
        // a readonly variable takes attributes (`export x`, `declare -i x`) but no value and no `+r`
        if (existing?.readonly && (value !== null || unflags.has('r'))) {
          this.error(variant === 'export' || variant === 'readonly' ? `${name}: readonly variable` : `${variant}: ${name}: readonly variable`);
          status = 1;
          continue;
        }
        if (flags.has('n') || unflags.has('n')) {
          const st = await this.declRef(variant!, name, value, isLocal, flags, unflags);
          if (st !== null) {
            status ||= st;
            continue;
          }
        }
        let v: Var;
        if (isLocal) v = this.vars.declareLocal(name);
        else if (flags.has('g')) {
          v = this.vars.global.get(name) ?? { value: undefined };
          this.vars.global.set(name, v);
        } else v = this.vars.ensure(name);
        if (flags.has('A') && !(v.value instanceof Map)) {
          if (v.value === undefined) v.unassigned = true;
          v.value = new Map();
        }
        if (flags.has('a') && !Array.isArray(v.value) && !(v.value instanceof Map)) {
          if (v.value === undefined) v.unassigned = true;
          v.value = v.value === undefined ? [] : [v.value];
        }
        if (flags.has('i')) v.integer = true;
        if (unflags.has('i')) v.integer = false;
        if (unflags.has('l')) v.lower = false;
        if (unflags.has('u')) v.upper = false;
        if (this.opts.allexport && value !== null) v.exported = true;
        if (flags.has('l')) { v.lower = true; v.upper = false; }
        if (flags.has('u')) { v.upper = true; v.lower = false; }
        if (flags.has('x')) v.exported = true;
        if (unflags.has('x')) v.exported = false;
        if (value !== null) {
          const wasRo = v.readonly;
          v.readonly = false;
          delete v.unassigned;
          // `v` is what lookup(name) now finds (declared in the innermost frame or global)
          // `declare -g` assigns the global even where a function's local shadows it
          const hidden = flags.has('g') ? this.vars.frames.splice(0) : null;
          let ok: boolean;
          try {
            ok = await this.declValue(key, value, flags.has('a') || flags.has('A'));
          } finally {
            if (hidden) this.vars.frames.push(...hidden);
          }
          v.readonly = wasRo;
          if (!ok) status = 1;
        } else if (variant === 'export' && v.value === undefined && !isLocal) {
          // `export X` keeps X unset but exported
        }
        if (flags.has('r')) v.readonly = true;
      }
      this.pipestatus = [status];
      return this.done(status);
    });
  }

  /**
   * `set -x` for a declaration: an array value first as its own assignment (`+ a=('1' '2')`),
   * then the builtin with its words (`+ declare -a a`, `+ local 'v=a b'`); `export`/`readonly`
   * also show each assignment after (`+ E=1`).
   */
  private traceDecl(variant: string, opts: readonly string[], values: ReadonlyMap<string, AssignValue>): void {
    const words = [variant, ...opts];
    const after: [string, string][] = [];
    for (const [key, value] of values) {
      if (value !== null && typeof value === 'object' && value.t === 'arr') {
        traceArray(this, key, value.elems.map((e) => (typeof e === 'string' ? e : (e as readonly string[])[1] ?? '')));
        words.push(key);
      } else if (value === null) words.push(key);
      else {
        const v = typeof value === 'string' ? value : '';
        words.push(`${key}=${v}`);
        if (variant === 'export' || variant === 'readonly') after.push([key, v]);
      }
    }
    traceCommand(this, words);
    for (const [k, v] of after) traceAssign(this, k, v);
  }

  /** An assignment value expanded now, as literal text (a list: its words, `[k]=v` pairs kept). */
  private async literalValue(value: AssignValue): Promise<AssignValue> {
    if (value === null || typeof value === 'string') return value;
    if (value.t === 'elem') return value;
    if (value.t !== 'arr') return this.str(value);
    const elems: (string | readonly [string, string])[] = [];
    for (const e of value.elems) {
      if (Array.isArray(e)) elems.push([await this.str(e[0] as WordLike), await this.str(e[1] as WordLike)]);
      else for (const f of await this.words([e as WordLike])) elems.push(f);
    }
    return { t: 'arr', elems };
  }

  /**
   * A declaration's value: `declare -a a='(x y)'` (a quoted compound value for an array
   * declaration, as bash takes it) is the array assignment `a=(x y)`; anything else as usual.
   */
  private async declValue(key: string, value: AssignValue, array: boolean): Promise<boolean> {
    if (!array || value === null || key.includes('[') || (typeof value === 'object' && (value.t === 'arr' || value.t === 'elem'))) {
      return this.assignOne(key, value);
    }
    const s = await this.str(value);
    if (!/^\([\s\S]*\)$/.test(s)) return this.setVar(key.replace(/\+$/, ''), s, { append: key.endsWith('+') });
    const code = await this.loadCode(`${key}=${s}`, { kind: 'eval' });
    await code.run(this);
    return this.status === 0;
  }

  /**
   * `declare -n ref=name` / `declare +n ref`: the reference variable itself (never followed).
   * Returns the status, or null when `+n` leaves a value to assign as usual.
   */
  private async declRef(variant: string, name: string, value: AssignValue, isLocal: boolean, flags: Set<string>, unflags: Set<string>): Promise<number | null> {
    let v: Var | undefined = isLocal ? undefined : flags.has('g') ? this.vars.global.get(name) : this.vars.lookupRaw(name);
    let target: string | undefined;
    if (flags.has('n') && value !== null) {
      if (typeof value === 'object' && (value.t === 'arr' || value.t === 'elem')) {
        this.error(`${variant}: ${name}: reference variable cannot be an array`);
        return 1;
      }
      target = await this.str(value);
      if (target === '') {
        this.error(`${variant}: \`${target}': not a valid identifier`);
        return 1;
      }
      if (!/^[A-Za-z_][A-Za-z0-9_]*(\[[\s\S]*\])?$/.test(target)) {
        this.error(`${variant}: \`${target}': invalid variable name for name reference`);
        return 1;
      }
      if (target === name && !isLocal) {
        this.error(`${variant}: ${name}: nameref variable self references not allowed`);
        return 1;
      }
    }
    if (v?.readonly && (target !== undefined || unflags.has('n'))) {
      this.error(`${variant}: ${name}: readonly variable`);
      return 1;
    }
    if (isLocal) v = this.vars.declareLocal(name);
    else if (!v) {
      v = { value: undefined };
      this.vars.global.set(name, v);
    }
    if (unflags.has('n')) {
      delete v.nameref;
      if (value !== null) return null;
    } else {
      v.nameref = true;
      if (target !== undefined) v.value = target;
      if (Array.isArray(v.value) || v.value instanceof Map) v.value = undefined;
    }
    if (flags.has('r')) v.readonly = true;
    if (flags.has('x')) v.exported = true;
    return 0;
  }

  // -------------------------------------------------------------------------------------------
  // Compound commands

  /** `a | b | c`: every stage runs in a subshell copy; status of the last (or pipefail). */
  async pipe(...stages: Body[]): Promise<number> {
    return this.stmt(async () => {
      const statuses = await this.proc.untilDeath(runPipeline(this, stages));
      this.pipestatus = statuses;
      let st = statuses[statuses.length - 1] ?? 0;
      if (this.opts.pipefail) {
        for (let i = statuses.length - 1; i >= 0; i--) if (statuses[i] !== 0) { st = statuses[i]!; break; }
      }
      return this.done(st);
    });
  }

  /** `( ... )` */
  async subshell(body: Body, ...redirs: Redir[]): Promise<number> {
    return this.stmt(async () => {
      // a ( ) subshell in a trap handler is no longer "running a trap": $BASH_COMMAND moves again
      const own: Body = (sub) => {
        sub.trapCommand = undefined;
        return body(sub);
      };
      const st = await withRedirs(this, redirs, () => this.runSubshell(own));
      this.reportSignal();
      this.pipestatus = [st];
      return this.done(st);
    });
  }

  /** `$(< file)`: a command substitution that is only an input redirect gives the file's contents. */
  async catIn(redir: Redir): Promise<number> {
    return this.stmt(async () => {
      const st = await withRedirs(this, [redir], async () => {
        const r = this.reader(0);
        if (r) this.write(1, await r.readAll());
        return 0;
      });
      return this.done(st);
    });
  }

  /**
   * bash's report of the foreground command just run when a signal killed it (`proc.childSignal`,
   * then cleared); only SIGTERM's report has no pid in it, the others are not printed.
   */
  reportSignal(): void {
    const n = this.proc.childSignal;
    this.proc.childSignal = null;
    // (not when this shell is dying of a signal itself: its children only went with it)
    if (n === 15 && !this.quietSignals && this.proc.death === null) this.err('Terminated\n');
  }

  /**
   * `cmd &`: run `body` in a subshell copy without waiting; `$!` is its pid, `$?` 0. Without job
   * control its stdin is /dev/null unless it redirects stdin itself.
   */
  async bg(body: Body, text = ''): Promise<number> {
    const sub = this.fork();
    sub.quietSignals = true; // its own process: bash reports how it ended only for `wait`
    let devnull: number | null = null;
    try {
      devnull = fs.openSync('/dev/null', 'r');
      sub.fds.set(0, { kind: 'os', fd: devnull });
    } catch {
      sub.fds.set(0, { kind: 'closed' });
    }
    // start it now, but only after this statement returns (bash forks and goes on)
    const run = Promise.resolve().then(() => sub.runSubshell(body, true)).catch(() => 1).finally(() => {
      if (devnull !== null) try { fs.closeSync(devnull); } catch { /* closed */ }
    });
    this.proc.jobs.add(sub.proc.pid, text, sub, run);
    this.proc.lastBg = String(sub.proc.pid);
    this.status = 0;
    return 0;
  }

  /** `{ ...; }` with redirects (without redirects the compiler emits a plain TS block). */
  async group(body: Body, ...redirs: Redir[]): Promise<number> {
    return this.stmt(async () => {
      const st = await withRedirs(this, redirs, async () => {
        await body(this);
        return this.status;
      });
      return this.redirectFailed ? this.done(st) : st;
    });
  }

  private async loop(cond: () => Promise<boolean>, body: Body): Promise<number> {
    let last = 0;
    let turns = 0;
    this.loopDepth++;
    try {
      while (!this.aborting && (await cond())) {
        // now and then let timers, child processes and signals in (a loop of builtins never would)
        if (++turns % 256 === 0) await new Promise((r) => setImmediate(r));
        try {
          await body(this);
          last = this.status;
        } catch (e) {
          if (!(e instanceof LoopSignal)) throw e;
          last = this.status;
          if (e.levels > 1) throw new LoopSignal(e.which, e.levels - 1);
          if (e.which === 'break') break;
        }
      }
    } finally {
      this.loopDepth--;
    }
    this.status = last;
    return last;
  }

  /** `while cond; do body; done [redirects]` */
  async while(cond: Body, body: Body, ...redirs: Redir[]): Promise<number> {
    return this.stmt(async () => {
      const st = await withRedirs(this, redirs, () => this.loop(() => this.cond(cond), body));
      return this.redirectFailed ? this.done(st) : st;
    });
  }

  /** `until cond; do body; done [redirects]` */
  async until(cond: Body, body: Body, ...redirs: Redir[]): Promise<number> {
    return this.stmt(async () => {
      const st = await withRedirs(this, redirs, () => this.loop(async () => !(await this.cond(cond)), body));
      return this.redirectFailed ? this.done(st) : st;
    });
  }

  /** `for name in words; do body; done` (words null = `"$@"`). */
  async for(name: string, words: readonly WordLike[] | null, body: Body, ...redirs: Redir[]): Promise<number> {
    // its header as written (`for i in a "b c"`), given by the compiler for `set -x`
    const header = this.takeCommandText();
    return this.stmt(async () => {
      const st = await withRedirs(this, redirs, async () => {
        const items = words === null ? this.positional.slice() : await this.words(words);
        let i = 0;
        let bad = false;
        const r = await this.loop(async () => {
          if (i >= items.length) return false;
          if (this.opts.xtrace && header !== undefined) traceText(this, header);
          // a readonly loop variable: bash reports it and ends the loop with status 1
          const ref = this.vars.lookupRaw(name);
          // a reference as loop variable refers to each word in turn
          if (ref?.nameref) ref.value = items[i++]!;
          else if (!this.setVar(name, items[i++]!)) bad = true;
          return !bad;
        }, body);
        return bad ? (this.status = 1) : r;
      });
      return this.redirectFailed ? this.done(st) : st;
    });
  }

  /** `for ((init; cond; post)); do body; done` (each part arithmetic text, or null). */
  async forArith(init: WordLike | null, cond: WordLike | null, post: WordLike | null, body: Body, ...redirs: Redir[]): Promise<number> {
    return this.stmt(async () => {
      let bad = false;
      // an arithmetic error reads `((: expr: message` and ends the loop with status 1
      const ev = async (w: WordLike): Promise<bigint> => {
        try {
          const text = await this.str(w);
          if (this.opts.xtrace) traceText(this, `(( ${text.trim()} ))`);
          return evalArith(this, text);
        } catch (e) {
          if (!(e instanceof ArithError)) throw e;
          this.error(`((: ${e.expr}: ${e.message}`);
          bad = true;
          return 0n;
        }
      };
      const st = await withRedirs(this, redirs, async () => {
        if (init !== null) await ev(init);
        if (bad) return (this.status = 1);
        let first = true;
        const r = await this.loop(async () => {
          if (!first && post !== null) await ev(post);
          first = false;
          const c = cond === null ? true : (await ev(cond)) !== 0n;
          return c && !bad;
        }, body);
        return bad ? (this.status = 1) : r;
      });
      return this.redirectFailed ? this.done(st) : st;
    });
  }

  /**
   * `case word in pat1|pat2) ...;; esac`: returns the index of the first item with a matching
   * pattern (-1 when none), and sets `$?` to 0.
   */
  async case(word: WordLike, ...items: readonly WordLike[][]): Promise<number> {
    let match = -1;
    const header = this.takeCommandText();
    await this.stmt(async () => {
      const subject = await this.str(word);
      if (this.opts.xtrace && header !== undefined) traceText(this, header);
      this.status = 0;
      for (let i = 0; i < items.length && match < 0; i++) {
        for (const p of items[i]!) {
          const pat = await expandPattern(this, toWord(p));
          if (matchPattern(subject, pat, { nocase: this.opts.nocasematch })) {
            match = i;
            break;
          }
        }
      }
      return this.status;
    });
    return this.aborting ? -1 : match;
  }

  /**
   * `case` with fall-through terminators: each item is `[patterns, op, body]`. The subject is
   * expanded once; a matching item's body runs, then `;;` ends the case, `;&` runs the next
   * item's body without testing it, `;;&` goes on testing the items after it. Status: the last
   * body's, 0 when nothing matched.
   */
  async cases(word: WordLike, ...items: readonly (readonly [readonly WordLike[], string, Body])[]): Promise<number> {
    const header = this.takeCommandText();
    const subject = await this.str(word);
    if (this.opts.xtrace && header !== undefined) traceText(this, header);
    this.status = 0;
    let i = 0;
    while (i < items.length) {
      let hit = false;
      for (const p of items[i]![0]) {
        const pat = await expandPattern(this, toWord(p));
        if (matchPattern(subject, pat, { nocase: this.opts.nocasematch })) { hit = true; break; }
      }
      if (!hit) { i++; continue; }
      // run this body and every body `;&` falls into
      for (;;) {
        await items[i]![2](this);
        const op = items[i]![1];
        i++;
        if (op === ';&' && i < items.length) continue;
        if (op === ';;&') break;
        return this.status;
      }
    }
    return this.status;
  }

  /** Define a function (`src` is its bash text, used when an island calls it). */
  async fn(name: string, body: Body, src?: string): Promise<number> {
    return this.stmt(async () => {
      this.funcs.set(name, { body, src, file: definingFile(this.frames, this.functionFile ?? this.scriptName), lineShift: this.lineShift, lineBase: this.lineBase });
      this.status = 0;
      return 0;
    });
  }

  /** Bash source of the functions defined so far (for islands). */
  functionSources(): string[] {
    const out: string[] = [];
    for (const f of this.funcs.values()) if (f.src) out.push(f.src);
    return out;
  }

  /** `[[ expr ]]` */
  async test(expr: CondExpr): Promise<number> {
    const text = this.takeCommandText();
    return this.stmt(async () => {
      let st: number;
      if (text !== undefined) this.command = text;
      try {
        st = await evalCond(this, expr);
      } catch (e) {
        if (e instanceof CondError) {
          this.error(e.message);
          st = e.status;
        } else throw e;
      }
      this.pipestatus = [st];
      return this.done(st);
    });
  }

  /** `(( expr ))` (parts expanded as in double quotes, then evaluated). */
  async arith(...parts: WordLike[]): Promise<number> {
    // $BASH_COMMAND: the command as written (`((x++))`), from its literal text or the compiler's
    const shown = this.takeCommandText() ?? (parts.every((p) => typeof p === 'string') ? `((${parts.join('')}))` : undefined);
    return this.stmt(async () => {
      if (shown !== undefined) this.command = shown;
      const text = await this.str({ t: 'w', parts: parts.map((p) => (typeof p === 'string' ? { t: 'lit', v: p } as const : p.t === 'w' ? p.parts : p)).flat() });
      if (this.opts.xtrace) traceText(this, `(( ${text} ))`);
      let st: number;
      try {
        st = evalArith(this, text) !== 0n ? 0 : 1;
      } catch (e) {
        if (e instanceof ArithError) {
          this.error(`((: ${e.expr}: ${e.message}`);
          st = 1;
        } else throw e;
      }
      this.pipestatus = [st];
      return this.done(st);
    });
  }

  /** `trap <compiled body> SIG...` (a literal trap string the compiler translated). */
  async trap(text: string | Body, ...rest: (Body | string)[]): Promise<number> {
    const shown = this.takeCommandText();
    return this.stmt(async () => {
      if (shown !== undefined) this.command = shown;
      // `trap(text, body, ...signals)`: the bash text is kept for `trap -p` and islands
      let body: Body;
      if (typeof text === 'string') body = Object.assign(rest.shift() as Body, { bash: text });
      else body = text;
      const line = this.line - this.lineShift;
      this.trapLines.set(body, line);
      this.shownTraps = null;
      let status = 0;
      for (const s of rest as string[]) {
        const name = trapName(s);
        if (name === null) {
          this.error(`trap: ${s}: invalid signal specification`);
          status = 1;
        } else this.traps.set(name, body);
      }
      return this.done(status);
    });
  }

  /** Keep the stack an `exit` leaves (see exitStack), once: the innermost frame takes it. */
  noteExit(e: unknown): void {
    if (e instanceof ExitSignal && !this.exitStack && this.frames.length) {
      this.exitStack = { frames: this.frames.slice(), locals: this.vars.frames.slice(), positional: this.positional };
    }
  }

  /** Run a trap handler (`$?` is preserved around it). */
  async runTrap(sig: string, status: number): Promise<void> {
    const t = this.traps.get(sig);
    if (t === undefined || t === '') return;
    if (sig === 'ERR') this.traps.delete('ERR'); // no recursion while it runs
    const savedOff = this.errexitOff;
    // bash numbers the handler's lines from the line of the command that triggered it (ERR,
    // DEBUG, RETURN) or from 1 (EXIT and signals)
    const fromLine = sig === 'ERR' || sig === 'DEBUG' || sig === 'RETURN';
    const savedLine = this.line;
    const savedShift = this.lineShift;
    const savedErrLine = this.errTrapLine;
    const savedTrapCommand = this.trapCommand;
    const savedCommand = this.command;
    this.trapCommand ??= this.command;
    if (sig === 'ERR') this.errTrapLine = savedLine;
    else if (sig === 'EXIT') this.errTrapLine = undefined;
    try {
      this.status = status;
      if (typeof t === 'string') {
        // a trap string runs natively, compiled on first use (its lines count from 1 as above)
        const code = await this.loadCode(t, { kind: 'trap' });
        const wasAborting = this.aborting;
        this.lineShift = (fromLine ? savedLine : 1) - 1 - this.lineBase;
        this.status = status;
        try {
          await code.run(this);
        } finally {
          this.aborting = wasAborting;
        }
        if (code.syntaxError) this.syntaxError(code.syntaxError, { kind: 'trap', name: this.errorName(), signal: sig });
      } else {
        const def = this.trapLines.get(t);
        if (def !== undefined) this.lineShift = (fromLine ? savedLine : 1) - def;
        await t(this);
      }
    } finally {
      // the handler's own commands never show: $BASH_COMMAND is the interrupted command again
      this.command = savedCommand;
      this.trapCommand = savedTrapCommand;
      this.line = savedLine;
      this.lineShift = savedShift;
      this.errTrapLine = savedErrLine;
      this.errexitOff = savedOff;
      if (sig === 'ERR' && !this.traps.has('ERR')) this.traps.set('ERR', t);
    }
  }

  /**
   * End of the block: run the EXIT trap and return the final status. `err` is what the block
   * threw (or undefined when it returned normally).
   */
  async finish(err?: unknown): Promise<number> {
    let status = this.status;
    const death = err instanceof SignalDeath ? err.signal : null;
    this.proc.death = null;
    if (death !== null) {
      // killed: the EXIT trap (not for SIGKILL) sees the last command's status
      this.proc.killedBy = death;
      if (death === 9) return 128 + 9;
      status = this.status;
    } else if (err !== undefined) {
      if (err instanceof ExitSignal) status = err.status;
      else if (err instanceof ReturnSignal) status = err.status;
      else if (err instanceof LoopSignal) status = this.status;
      else {
        this.error(`internal error: ${err instanceof Error ? err.message : String(err)}`);
        status = 1;
      }
    }
    this.status = status;
    if (this.traps.has('EXIT') && !this.inExitTrap) {
      this.inExitTrap = true;
      const t = this.traps.get('EXIT');
      this.traps.delete('EXIT');
      this.errexitOff = 0;
      // the handler runs where `exit` was called: its functions' frames and locals (bash)
      const at = this.exitStack;
      this.exitStack = undefined;
      const saved = { frames: this.frames, positional: this.positional, locals: this.vars.frames.length };
      if (at) {
        this.frames = at.frames;
        this.positional = at.positional;
        this.vars.frames.push(...at.locals.slice(saved.locals));
      }
      try {
        if (t !== undefined) {
          this.traps.set('EXIT', t);
          await this.runTrap('EXIT', status);
          this.traps.delete('EXIT');
        }
      } catch (e) {
        if (e instanceof ExitSignal) status = e.status;
        else if (!(e instanceof ReturnSignal || e instanceof LoopSignal)) throw e;
      } finally {
        this.frames = saved.frames;
        this.positional = saved.positional;
        this.vars.frames.splice(saved.locals);
      }
    }
    return death !== null ? 128 + death : status;
  }

  /**
   * Report a syntax error in dynamic text (runtime/shell/code.ts) as bash does; under an
   * effective `set -e` bash prints only the first line and exits with status 2.
   */
  syntaxError(messages: readonly string[], where: SyntaxErrorWhere): void {
    const text = syntaxErrorLines(messages, where);
    // the EXIT trap runs when the shell exits, outside the eval that ignores set -e (claude-code)
    const ignored = this.ignoreErrexit && !(where.kind === 'trap' && where.signal === 'EXIT');
    if (this.opts.errexit && !ignored && this.errexitOff === 0) {
      this.err(text.slice(0, text.indexOf('\n') + 1));
      throw new ExitSignal(2);
    }
    this.err(text);
  }

  /**
   * Compiled code for bash text met at run time (a sourced file, eval text, a trap string), from
   * the shell's loader (runtime/shell/code.ts); the default loader is created on first use.
   */
  async loadCode(text: string, origin: CodeOrigin): Promise<LoadedCode> {
    if (!this.loader) {
      const { createLoader } = await import('../code/loader.js');
      this.loader = createLoader().load;
    }
    return this.loader(text, origin);
  }

  /**
   * A bash island: run `text` (bash source starting at the current line) in real bash with this
   * shell's variables, and take back the variables it set, its cwd and its status.
   */
  async island(text: string): Promise<number> {
    return this.stmt(async () => {
      const { runIsland } = await import('./island.js');
      const st = await runIsland(this, text);
      return this.done(st);
    });
  }

  /** `<( body )` / `>( body )` for expansion: starts it, returns `/dev/fd/N` (procsub.ts). */
  async processSubst(op: '<' | '>', body: Body): Promise<string> {
    return startProcsub(this, op, body);
  }

  /** `$( body )` for expansion: its stdout; its status becomes `$?` and the last substitution status. */
  async commandSubst(body: Body): Promise<string> {
    const { out, status } = await this.capture(body);
    if (out.includes('\0')) this.error('warning: command substitution: ignored null byte in input');
    this.lastSubStatus = status;
    this.status = status;
    return out;
  }

  /** Pathname expansion from the working directory (`shopt -s dotglob` obeyed). */
  variable(name: string): Var | undefined {
    return this.vars.lookup(name);
  }
  glob(pattern: string): string[] {
    const ignore = this.getVar('GLOBIGNORE');
    let matches = globPaths(pattern, this.cwd, {
      dotglob: this.opts.dotglob || (ignore !== undefined && ignore !== ''),
      nocase: this.opts.nocaseglob,
      globstar: this.opts.globstar,
    });
    if (ignore) {
      // GLOBIGNORE: matches of any of its patterns are left out (and so are . and ..)
      const pats = ignore.split(':').filter(Boolean);
      matches = matches.filter((m) => {
        const base = m.replace(/\/$/, '').split('/').pop()!;
        if (base === '.' || base === '..') return false;
        return !pats.some((p) => matchPattern(m, p));
      });
    }
    return matches;
  }

  /** Capture the stdout of `body` run in a subshell copy (command substitution). */
  async capture(body: Body): Promise<{ out: string; status: number }> {
    const sub = this.fork();
    const cap = new Capture();
    sub.quietSignals = true;
    sub.fds.set(1, { kind: 'sink', sink: cap as Sink });
    sub.indirection = this.indirection + 1; // set -x: one more PS4 character inside $( )
    if (!this.opts.inheritErrexit) sub.opts.errexit = false; // bash clears -e in $( ) unless inherit_errexit
    const status = await this.proc.untilDeath(sub.runSubshell(body, true));
    return { out: cap.text(), status };
  }

  /**
   * Run `body` as a subshell: in a fork of this shell, or in this shell itself when it already
   * is the copy (`forked`: a pipeline stage, a command substitution). Loop signals end it, the
   * EXIT trap runs; returns its status.
   */
  async runSubshell(body: Body, forked = false): Promise<number> {
    if (forked) return this.runAsProcess(body);
    const sub = this.fork();
    sub.proc.jobs.inherited = [];
    const st = await this.proc.untilDeath(sub.runAsProcess(body));
    this.proc.childSignal = sub.proc.killedBy;
    return st;
  }

  /** Run `body` in this shell as a process of its own (registered under its pid while it runs). */
  private async runAsProcess(body: Body): Promise<number> {
    const { table, pid } = this.proc;
    table.register(pid, this);
    // the process umask is shared with the parent here: a subshell's `umask` ends with it
    const mask = process.umask();
    let err: unknown;
    try {
      await body(this);
    } catch (e) {
      err = e;
    }
    if (err instanceof LoopSignal) err = undefined;
    try {
      return await this.finish(err);
    } finally {
      table.unregister(pid, this);
      process.umask(mask);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Running a block

export interface BlockResult {
  status: number;
  cwd: string;
  /** Global variables at the end of the block (scalars and arrays). */
  vars: Map<string, VarValue>;
  /** Exported variable names at the end. */
  exported: Set<string>;
  /** Set when the block failed with something that is not a shell exit (a runtime bug). */
  error?: unknown;
  /** The block ended by exiting (`exit`, `set -e`, `${x:?}`, `set -u`) rather than by running to its end. */
  exited: boolean;
}

/** `$HOSTTYPE` as bash names the machine. */
function hostType(): string {
  return ({ x64: 'x86_64', arm64: 'aarch64', ia32: 'i686' } as Record<string, string>)[process.arch] ?? process.arch;
}

/** The function a compiled block exports. */
export type BlockFn = (sh: Shell) => Promise<void>;

/** Create a fresh Shell, run the block, run its EXIT trap, and report how it ended. */
export async function runBlock(fn: BlockFn, opts: CreateShellOptions | Shell = {}): Promise<BlockResult> {
  const sh = opts instanceof Shell ? opts : createShell(opts);
  // OS signals to this process reach the block's shell while it runs (os-signals.ts)
  const detach = attachSignals(sh);
  // `umask` changes the process's umask: it belongs to this block only
  const umask = process.umask();
  let err: unknown;
  let status: number;
  try {
    try {
      await fn(sh);
    } catch (e) {
      err = e;
    }
    status = await sh.finish(err);
  } finally {
    detach();
    // in-process background work does not outlive its block (its external children do)
    sh.proc.table.endAll(sh);
    sh.proc.table.pipes.dispose();
    process.umask(umask);
  }
  const vars = new Map<string, VarValue>();
  const exported = new Set<string>();
  for (const [k, v] of sh.vars.global) {
    if (v.value !== undefined) vars.set(k, v.value);
    if (v.exported) exported.add(k);
  }
  const internal = err !== undefined && !(err instanceof ExitSignal || err instanceof ReturnSignal || err instanceof LoopSignal);
  return { status, cwd: sh.cwd, vars, exported, exited: err instanceof ExitSignal, ...(internal ? { error: err } : {}) };
}

export { elements };
