/**
 * The typed tier's statements on a block's shell: each one is the exact tier's statement
 * (runtime/shell/shell.ts) with a TypeScript surface, so bash semantics are not re-implemented
 * here. `ts.at(line)` / `ts.top(line)` mark the statement as `sh.at` / `sh.top` do; then:
 *
 *   await ts.top(63).run($`grep -c x ${v.F}`)        a command (or pipeline) as bash runs it
 *   await ts.top(63).set({ T: ts.text($`date`) })     `T=$(date)` (status = the substitution's)
 *   await ts.top(43).set({ ID: ts.word('impl_', ts.text($`date +%s`)) })  `ID="impl_$(date +%s)"`
 *   const out = await ts.capture($`git rev-parse HEAD`) `$(…)` as a string, trailing newlines cut
 *   await ts.top(79).echo(`Plan: ${v.PLAN_TITLE}`, 2) `echo "…" >&2`
 *   if (ts.top(49).is(v.USER_ARGS.value === '')) …   `[ -z "$USER_ARGS" ]` as a TS condition
 */
import type { Shell } from '../shell/shell.js';
import { cmdsub, dq, r, type AssignValue, type Body, type Part, type Redir } from '../shell/words.js';
import type { Cmd } from './cmd.js';
import { isRef, type Text } from './vars.js';

export class Typed {
  /** The .md line of the current statement (as given to at/top). */
  line = 0;

  constructor(readonly sh: Shell) {}

  /** Mark a statement nested in a compound command (as `sh.at`; `text`: its `$BASH_COMMAND`). */
  at(line: number, text?: string): this {
    this.line = line;
    this.sh.at(line, text);
    return this;
  }

  /** Mark a top-level statement of the block (as `sh.top`). */
  top(line: number, text?: string): this {
    this.line = line;
    this.sh.top(line, text);
    return this;
  }

  /** The bodies of a command's stages, each marked with the statement's line. */
  private bodies(cmd: Cmd): Body[] {
    const line = this.line;
    return cmd.stages.map((s) => (sh: Shell) => sh.at(line).cmd(s.words, ...s.redirs));
  }

  /** Run `cmd` as bash runs the same words: its status is `$?`, `set -e` and the ERR trap apply. */
  run(cmd: Cmd): Promise<number> {
    const bodies = this.bodies(cmd);
    if (bodies.length === 1) {
      const s = cmd.stages[0]!;
      return this.sh.cmd(s.words, ...s.redirs);
    }
    return this.sh.pipe(...bodies);
  }

  /** `$(cmd)` as a word part (for {@link set}): run when the statement expands it. */
  text(cmd: Cmd): Part {
    const bodies = this.bodies(cmd);
    return cmdsub(bodies.length === 1 ? bodies[0]! : (sh) => sh.pipe(...bodies));
  }

  /**
   * One word glued from literal text, variables and `ts.text(…)` substitutions, in order, as
   * `"text$X$(cmd)"` expands (for {@link set}: never split or globbed; each piece read when the
   * statement expands it).
   */
  word(...pieces: readonly (Text | Part)[]): Part {
    return dq(...pieces.flatMap((p): readonly (string | Part)[] => (isRef(p) ? p.parts : [p])));
  }

  /** `$(cmd)` now: its output without trailing newlines; `$?` is its status. */
  async capture(cmd: Cmd): Promise<string> {
    const bodies = this.bodies(cmd);
    const out = await this.sh.commandSubst(bodies.length === 1 ? bodies[0]! : (sh) => sh.pipe(...bodies));
    return out.replace(/\0/g, '').replace(/\n+$/, '');
  }

  /** `echo "text"` (to fd 2 with `>&2`): the shell's echo, written where its fd points. */
  echo(text: Text, fd: 1 | 2 = 1): Promise<number> {
    return fd === 2 ? this.sh.cmd(['echo', text], r('>&', '2')) : this.sh.cmd(['echo', text]);
  }

  /** `exit [N]` */
  exit(code?: Text | number): Promise<number> {
    return this.sh.cmd(code === undefined ? ['exit'] : ['exit', typeof code === 'number' ? String(code) : code]);
  }

  /** `export NAME…` (names already assigned, or to be) */
  export(...names: string[]): Promise<number> {
    return this.sh.decl('export', Object.fromEntries(names.map((n) => [n, null])));
  }

  /** `source FILE [redirects]`: runs the file in this shell (a library may be cmdc's own, run in process). */
  source(file: Text, ...redirs: Redir[]): Promise<number> {
    return this.sh.cmd(['source', file], ...redirs);
  }

  /** `K=v …` (a statement of assignments; values are literals, Refs or `ts.text(…)`). */
  set(vars: Readonly<Record<string, Text | Part>>): Promise<number> {
    return this.sh.assign(vars as Readonly<Record<string, AssignValue>>);
  }

  /**
   * A `[ … ]` test computed in TypeScript (`[ -z "$X" ]` → `v.X.value === ''`): sets `$?`,
   * PIPESTATUS and `$_` as the test builtin would and returns whether it held. For conditions
   * (`if`, `&&`, `||`), where `set -e` and the ERR trap do not apply.
   */
  is(holds: boolean): boolean {
    const sh = this.sh;
    if (sh.aborting) return false;
    const st = holds ? 0 : 1;
    sh.lastSubStatus = null;
    sh.status = st;
    sh.pipestatus = [st];
    sh.lastArg = ']';
    return holds;
  }
}
