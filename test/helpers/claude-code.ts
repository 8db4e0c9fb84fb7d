/**
 * The bash oracle for "as Claude Code runs it" (../shared/notes/claude-code.md §1-4): a block is
 * edited as the client and the model edit it (`$ARGUMENTS`, `$N`, `${CLAUDE_PROJECT_DIR}`, filled
 * placeholders), then run by one `bash -c` in the Bash tool's wrapper —
 *   source '<snapshot>' 2>/dev/null || true && \builtin shopt -u extglob … && eval '<block>'
 *   < /dev/null && pwd -P >| <cwd file>
 * — with `$#` 0, `$0` bash, `CLAUDE_PROJECT_DIR` unset, Claude Code's variables set, and the
 * working directory carried to the next call only when the call exits 0. Used by the project
 * e2e and concurrency tests; nothing here knows about cmdc.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One Bash tool call's result. */
export interface ToolCall {
  status: number;
  stdout: string;
  stderr: string;
  /** The working directory for the next call. */
  cwd: string;
}

export function bashSingleQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The text the model runs for a block: Claude Code replaces `$ARGUMENTS` (a plain text match)
 * and `${CLAUDE_PROJECT_DIR}` / `${CLAUDE_SESSION_ID}` in the command's body; the model then
 * replaces the placeholders the prose tells it to fill.
 */
export function editBlock(code: string, o: { args: string; projectDir: string; sessionId: string; fill?: Record<string, string> }): string {
  const words = argumentWords(o.args);
  // `$N` (zero-based word N; no word character may follow; a missing word stays literal), then
  // `$ARGUMENTS`; one pass, so a value is never substituted again.
  let text = code
    .replace(/\$ARGUMENTS|\$([0-9]+)(?![A-Za-z0-9_])/g, (m: string, n: string | undefined) => (n === undefined ? o.args : (words[Number(n)] ?? m)))
    .split('${CLAUDE_PROJECT_DIR}')
    .join(o.projectDir)
    .split('${CLAUDE_SESSION_ID}')
    .join(o.sessionId);
  for (const [token, value] of Object.entries(o.fill ?? {})) text = text.split(token).join(value);
  return text;
}

/**
 * The argument words as Claude Code takes them (the first simple command's words of the string
 * parsed as bash): quotes removed, backslash escapes kept as their character. Enough for the
 * plain arguments the tests use (no expansions, no operators).
 */
export function argumentWords(args: string): string[] {
  const words: string[] = [];
  let cur = '';
  let has = false;
  for (let i = 0; i < args.length; i++) {
    const c = args[i]!;
    if (c === "'") {
      const j = args.indexOf("'", i + 1);
      const end = j === -1 ? args.length : j;
      cur += args.slice(i + 1, end);
      has = true;
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < args.length && args[j] !== '"'; j++) {
        if (args[j] === '\\' && '"\\$`'.includes(args[j + 1] ?? '')) j++;
        cur += args[j];
      }
      has = true;
      i = j;
    } else if (c === '\\' && i + 1 < args.length) {
      cur += args[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has) words.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) words.push(cur);
  return words;
}

/** Whether Claude Code leaves out `< /dev/null` (the command has a heredoc or an input redirect). */
function hasInputRedirect(block: string): boolean {
  return /<</.test(block) || /(^|[^<>&0-9])<(?![<(&])/m.test(block);
}

/** The `bash -c` string of one Bash tool call. */
export function wrapperText(block: string, snapshot: string, cwdFile: string): string {
  const unalias = (name: string) => `{ \\builtin unalias -- '${name}'; \\builtin unset -f -- '${name}'; } >/dev/null 2>&1 || true`;
  return [
    `source ${bashSingleQuote(snapshot)} 2>/dev/null || true`,
    `\\builtin shopt -u extglob 2>/dev/null || true`,
    unalias('which'),
    unalias('unsetenv'),
    `eval ${bashSingleQuote(block)}${hasInputRedirect(block) ? '' : ' < /dev/null'}`,
    `pwd -P >| ${bashSingleQuote(cwdFile)}`,
  ].join(' && ');
}

/** The environment of a Bash tool process: the given base, Claude Code's variables, no CLAUDE_PROJECT_DIR. */
export function toolEnv(base: NodeJS.ProcessEnv, sessionId: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...base,
    CLAUDECODE: '1',
    CLAUDE_CODE_SESSION_ID: sessionId,
    CLAUDE_CODE_CHILD_SESSION: '1',
    CLAUDE_CODE_SESSION_ATTENDED: '0',
    AI_AGENT: 'claude-code_2-1-328_agent',
    GIT_EDITOR: 'true',
    SHELL: '/bin/bash',
  };
  delete env.CLAUDE_PROJECT_DIR;
  return env;
}

/** A snapshot file as the client writes it (here: nothing but a comment; the user has no .bashrc). */
export function writeSnapshot(dir: string): string {
  const file = join(dir, 'snapshot-bash.sh');
  writeFileSync(file, '# Snapshot file\n# Unset all aliases to avoid conflicts with functions\nunalias -a 2>/dev/null || true\n');
  return file;
}

/** Run one block as a Bash tool call, synchronously. */
export function toolCall(block: string, o: { cwd: string; env: NodeJS.ProcessEnv; snapshot: string; cwdFile: string }): ToolCall {
  writeFileSync(o.cwdFile, '');
  const r = spawnSync('/bin/bash', ['-c', wrapperText(block, o.snapshot, o.cwdFile)], {
    cwd: o.cwd,
    env: o.env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  const status = r.status ?? 128 + 9;
  const next = status === 0 ? readFileSync(o.cwdFile, 'utf8').trim() : '';
  return { status, stdout: r.stdout, stderr: r.stderr, cwd: next || o.cwd };
}

/** The same, asynchronously (concurrent instances). */
export function toolCallAsync(block: string, o: { cwd: string; env: NodeJS.ProcessEnv; snapshot: string; cwdFile: string }): Promise<ToolCall> {
  writeFileSync(o.cwdFile, '');
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/bash', ['-c', wrapperText(block, o.snapshot, o.cwdFile)], { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const status = code ?? 128 + (signal === 'SIGKILL' ? 9 : 15);
      const next = status === 0 ? readFileSync(o.cwdFile, 'utf8').trim() : '';
      resolve({ status, stdout, stderr, cwd: next || o.cwd });
    });
  });
}
