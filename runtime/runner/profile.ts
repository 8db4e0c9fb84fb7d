/**
 * What an execution profile (runtime/lang/profile.ts) means for one block the runner runs: the
 * Shell's options, its environment, and where the working directory is for the next block.
 *
 * claude-code (the Bash tool of Claude Code 2.1.328, ../shared/notes/claude-code.md §1–3):
 * `set -e` ignored (ERR traps fire), `$0` the shell, no positional parameters, line numbers as
 * `eval` reports them, extglob off, `CLAUDE_PROJECT_DIR` not in the environment but
 * `CLAUDECODE=1`, `CLAUDE_CODE_SESSION_ID`, `SHELL`, `GIT_EDITOR=true` in it; the cwd carries
 * to the next block only when the block exits 0, and is reset (with the client's message) when
 * it ends outside the project.
 *
 * script: a standalone bash script — `set -e` works, `$0` the .md path, the arguments are the
 * positional parameters, the cwd always carries.
 */
import { existsSync, realpathSync } from 'node:fs';
import { delimiter, join, relative, isAbsolute } from 'node:path';
import type { CreateShellOptions } from '../shell/shell.js';
import { evalLineShift, type Profile } from '../lang/profile.js';

/**
 * The shell Claude Code would start: `CLAUDE_CODE_SHELL`, then `SHELL`, when the path names bash
 * (a zsh choice is not modelled: cmdc interprets bash), else the first bash on a usual path or PATH.
 */
export function claudeShellPath(env: NodeJS.ProcessEnv): string {
  for (const v of [env.CLAUDE_CODE_SHELL, env.SHELL]) if (v && /bash/.test(v) && isAbsolute(v)) return v;
  const dirs = ['/bin', '/usr/bin', '/usr/local/bin', '/opt/homebrew/bin', ...(env.PATH ?? '').split(delimiter).filter(Boolean)];
  for (const d of dirs) if (existsSync(join(d, 'bash'))) return join(d, 'bash');
  return '/bin/bash';
}

export interface BlockShellInput {
  env: NodeJS.ProcessEnv;
  /** The command's argument words (positional parameters under script). */
  argv: readonly string[];
  /** `$0` and message prefix under script (the .md path). */
  scriptName: string;
  /** Number of lines of the block's code (for eval's line numbers under claude-code). */
  lines: number;
  /** The line number the compiled block gives its first line (`sh.at(n)`: the .md line; default 1). */
  firstLine?: number;
}

/** The Shell options a block gets under `profile`. */
export function blockShellOptions(profile: Profile, i: BlockShellInput): Pick<CreateShellOptions, 'argv' | 'scriptName' | 'functionFile' | 'ignoreErrexit' | 'lineBase' | 'indirection' | 'options'> {
  // functions defined in `bash -c` text or in `eval` report errors as `environment: line N`
  if (profile === 'script') return { argv: [...i.argv], scriptName: i.scriptName, ...(i.scriptName === 'bash' ? { functionFile: 'environment' } : {}) };
  return {
    functionFile: 'environment',
    argv: [],
    scriptName: claudeShellPath(i.env),
    ignoreErrexit: true,
    // eval reports line k of an n-line block as k + n - 1; the block's k is at() line - firstLine + 1
    lineBase: Math.max(1, i.lines) - (i.firstLine ?? 1),
    indirection: 1,
    options: { extglob: false },
  };
}

/** The lines of a block's text: for `evalLineShift`-style numbering from a line count. */
export function blockLines(code: string): number {
  return evalLineShift(code) + 1;
}

export interface ClaudeEnvInput {
  /** CLAUDE_CODE_SESSION_ID. */
  session: string;
}

/**
 * The environment of a Bash tool process (notes §3), from the runner's: `CLAUDE_PROJECT_DIR`
 * removed, `CLAUDECODE=1`, `CLAUDE_CODE_SESSION_ID`, `SHELL` (the chosen shell) and
 * `GIT_EDITOR=true` set; the rest (e.g. `CLAUDE_EFFORT`) inherited. The client's identity
 * variables (`AI_AGENT`, `CLAUDE_PID`, …) are not invented.
 */
export function claudeCodeEnv(env: NodeJS.ProcessEnv, i: ClaudeEnvInput): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  delete out.CLAUDE_PROJECT_DIR;
  out.CLAUDECODE = '1';
  out.CLAUDE_CODE_SESSION_ID = i.session;
  out.SHELL = claudeShellPath(env);
  out.GIT_EDITOR = 'true';
  return out;
}

export interface CwdAfter {
  /** The next block's working directory. */
  cwd: string;
  /** What the client prints when it resets the directory. */
  message?: string;
}

/**
 * Where the next block starts. script: wherever this one ended. claude-code: the trailing
 * `pwd -P` runs only when the block ends with status 0 (and not through `exit`), so otherwise
 * the directory stays where it was; a final directory outside the project is reset to the project directory.
 */
export function cwdAfter(profile: Profile, r: { status: number; exited: boolean; before: string; after: string; project: string }): CwdAfter {
  if (profile === 'script') return { cwd: r.after };
  // `exit` (even `exit 0`) ends the shell before the trailing `pwd -P`
  if (r.status !== 0 || r.exited) return { cwd: r.before };
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  const after = real(r.after);
  const project = real(r.project);
  const rel = relative(project, after);
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) return { cwd: after };
  return { cwd: project, message: `Shell cwd was reset to ${project}` };
}
