/**
 * Loads a state file the way a bash block does (`source FILE`) and reports, byte-exact, what
 * bash ended up with for the given variable names: scalars, indexed arrays, or unset.
 * Values come back NUL-separated (no bash value can hold NUL), so every byte is compared.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface BashLoad {
  status: number | null;
  stderr: string;
  vars: Map<string, Buffer>;
  arrays: Map<string, Buffer[]>;
  unset: Set<string>;
}

const SCRIPT = fileURLToPath(new URL('./bash-load.sh', import.meta.url));

const bashEnv = () => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' });

/** `bash bash-load.sh FILE KEYS...` in `cwd` with a minimal environment (synchronous). */
export function bashLoad(file: string, keys: readonly string[], cwd: string): BashLoad {
  const r = spawnSync('bash', [SCRIPT, file, ...keys], { cwd, env: bashEnv(), maxBuffer: 1 << 30 });
  if (r.error) throw r.error;
  return decode(r.status, r.stdout, r.stderr.toString());
}

/** The same, without blocking the event loop. */
export function bashLoadAsync(file: string, keys: readonly string[], cwd: string): Promise<BashLoad> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [SCRIPT, file, ...keys], { cwd, env: bashEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve(decode(code, Buffer.concat(out), err));
      } catch (e) {
        reject(e);
      }
    });
  });
}

function decode(status: number | null, out: Buffer, stderr: string): BashLoad {
  const vars = new Map<string, Buffer>();
  const arrays = new Map<string, Buffer[]>();
  const unset = new Set<string>();
  let pos = 0;
  const next = (): Buffer => {
    const end = out.indexOf(0, pos);
    if (end < 0) throw new Error(`bash-load: truncated output at ${pos}`);
    const b = out.subarray(pos, end);
    pos = end + 1;
    return b;
  };
  while (pos < out.length) {
    const kind = next().toString();
    const key = next().toString();
    if (kind === 'S') vars.set(key, Buffer.from(next()));
    else if (kind === 'U') unset.add(key);
    else {
      const count = Number(next().toString());
      const vals: Buffer[] = [];
      for (let i = 0; i < count; i++) vals.push(Buffer.from(next()));
      arrays.set(key, vals);
    }
  }
  return { status, stderr, vars, arrays, unset };
}
