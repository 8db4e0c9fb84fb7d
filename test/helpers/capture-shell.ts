/**
 * A Shell for in-process runtime tests: a fresh temp dir as cwd and HOME, a C.UTF-8 locale,
 * stdout and stderr captured in memory, and the given exec-handler chain (stubs first).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createShell, type ExecHandler, type Shell } from '../../runtime/index.js';
import { Capture } from '../../runtime/shell/io.js';

export interface CaptureShell {
  sh: Shell;
  out: Capture;
  err: Capture;
  dir: string;
}

/** `prefix` names the temp dir (`cmdc-<prefix>-…`); `env` adds to PATH, HOME and LC_ALL. */
export function captureShell(prefix: string, exec: ExecHandler[] = [], env: Record<string, string> = {}): CaptureShell {
  const out = new Capture();
  const err = new Capture();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cmdc-${prefix}-`));
  const sh = createShell({
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, LC_ALL: 'C.UTF-8', ...env },
    cwd: dir,
    stdout: { kind: 'sink', sink: out },
    stderr: { kind: 'sink', sink: err },
    scriptName: 'bash',
    exec,
  });
  return { sh, out, err, dir };
}
