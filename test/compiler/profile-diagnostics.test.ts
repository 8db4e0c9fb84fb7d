/**
 * Diagnostics of the claude-code profile (compiler/profile-diagnostics.ts, compiler/arguments.ts):
 * `set-e-ineffective` for a block relying on `set -e`, `positional-parameters-empty` for `$#`,
 * `"$@"`, `$*`, `shift`, `getopts` at the top level, `argument-in-function` kept; none of them
 * for a script (`argument-convention: positional` / `profile: script`) or inside functions where
 * they are the function's own.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compile } from '../../compiler/index.js';

function ids(body: string, fm = ''): string[] {
  const text = `---\ndescription: t\n${fm}---\n\n\`\`\`bash\n${body}\n\`\`\`\n`;
  const r = compile(['t.md'], { root: '/nonexistent', readFile: () => text });
  return r.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.id} ${d.line}:${d.col}`);
}

const CASES: [string, string, string[]][] = [
  // set -e in its spellings; reported once per block, at the first
  ['set -e\nfalse', '', ['set-e-ineffective 6:1']],
  ['set -euo pipefail\necho x', '', ['set-e-ineffective 6:1']],
  ['echo a; set -o errexit; set -e', '', ['set-e-ineffective 6:9']],
  ['f() { set -e; false; }', '', ['set-e-ineffective 6:7']],
  ['set +e; set -u; set -x', '', []],
  // positional parameters at the top level
  ['echo $#', '', ['positional-parameters-empty 6:6']],
  ['for a in "$@"; do :; done', '', ['positional-parameters-empty 6:11']],
  ['echo "$*"; shift', '', ['positional-parameters-empty 6:7', 'positional-parameters-empty 6:12']],
  ['while getopts "ab" o; do :; done', '', ['positional-parameters-empty 6:7']],
  ['while [ $# -gt 0 ]; do case "$1" in *) shift;; esac; done', '', ['positional-parameters-empty 6:9', 'positional-parameters-empty 6:40']],
  // a function's own parameters: nothing to say; a command-argument reference inside one is
  ['f() { echo $# "$@"; shift; getopts a o; }; f x', '', []],
  ['f() { echo "$1"; }', '', ['argument-in-function 6:13']],
  // a script: none of them
  ['set -e\necho $# "$@"; shift', 'argument-convention: positional\n', []],
  ['set -e\necho $# "$@"; shift', 'profile: script\n', []],
];

test('claude-code profile diagnostics, and none for a script', () => {
  for (const [body, fm, want] of CASES) assert.equal(ids(body, fm), want, body);
});

test.run();
