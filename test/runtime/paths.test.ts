/**
 * The state-directory rule has one TypeScript spelling (runtime/store/paths.ts stateDirSpelling)
 * and one bash spelling (cmdc_state_dir in runtime/lib/state-persistence.sh): a table of
 * variable/PWD combinations gives byte-identical paths from both, and stateDir() is its
 * normalised form (relative values resolved from the working directory).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stateDir, stateDirSpelling } from '../../runtime/store/paths.js';

const LIB = fileURLToPath(new URL('../../runtime/lib/state-persistence.sh', import.meta.url));

const ROWS: { CMDC_STATE_DIR?: string; CLAUDE_PROJECT_DIR?: string; pwd: string }[] = [
  { pwd: '/w' },
  { pwd: '/' },
  { pwd: '/w', CLAUDE_PROJECT_DIR: '/p' },
  { pwd: '/w', CLAUDE_PROJECT_DIR: 'rel/p' },
  { pwd: '/w', CLAUDE_PROJECT_DIR: '/p/' },
  { pwd: '/w', CLAUDE_PROJECT_DIR: '' },
  { pwd: '/w', CMDC_STATE_DIR: '/s' },
  { pwd: '/w', CMDC_STATE_DIR: '/s//', CLAUDE_PROJECT_DIR: '/p' },
  { pwd: '/w', CMDC_STATE_DIR: 's/../t' },
  { pwd: '/w', CMDC_STATE_DIR: '', CLAUDE_PROJECT_DIR: '../p' },
  { pwd: '/w x', CMDC_STATE_DIR: 'a b/' },
  { pwd: '/w', CMDC_STATE_DIR: '/' },
];

test('stateDirSpelling = bash cmdc_state_dir, byte for byte', () => {
  const script = ROWS.map((r) => {
    const q = (s: string | undefined) => (s === undefined ? '' : `'${s}'`);
    return `( ${r.CMDC_STATE_DIR === undefined ? 'unset CMDC_STATE_DIR' : `CMDC_STATE_DIR=${q(r.CMDC_STATE_DIR)}`}; `
      + `${r.CLAUDE_PROJECT_DIR === undefined ? 'unset CLAUDE_PROJECT_DIR' : `CLAUDE_PROJECT_DIR=${q(r.CLAUDE_PROJECT_DIR)}`}; `
      + `PWD=${q(r.pwd)}; cmdc_state_dir out_dir; printf '%s\\n' "$out_dir" )`;
  }).join('\n');
  const b = spawnSync('bash', ['-c', `source "$1" || exit 9\n${script}`, 'bash', LIB], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  assert.is(b.status, 0, b.stderr);
  assert.equal(ROWS.map((r) => stateDirSpelling(r, r.pwd)), b.stdout.split('\n').slice(0, -1));
});

test('stateDir() is the normalised spelling; an explicit dir wins', () => {
  for (const r of ROWS) {
    const env = { CMDC_STATE_DIR: r.CMDC_STATE_DIR, CLAUDE_PROJECT_DIR: r.CLAUDE_PROJECT_DIR };
    assert.is(stateDir({ env, cwd: r.pwd }), resolve(stateDirSpelling(env, r.pwd)), JSON.stringify(r));
  }
  assert.is(stateDir({ env: { CLAUDE_PROJECT_DIR: 'p' }, cwd: '/w' }), '/w/p/.claude/tmp');
  assert.is(stateDir({ env: { CMDC_STATE_DIR: 's/../t/' }, cwd: '/w' }), '/w/t');
  assert.is(stateDir({ dir: 'x/', env: { CMDC_STATE_DIR: '/s' }, cwd: '/w' }), resolve('x'));
});

test.run();
