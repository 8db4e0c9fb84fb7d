/**
 * cmdc's bookkeeping never shows in the project's `git status` (issue 9 item 8): commands are
 * run (bundled, whole and block by block) in fresh git repositories, and `git status
 * --porcelain` must list exactly the files the commands' own blocks create and nothing of
 * cmdc's (state directory it created, .cmdc/ with owner index, locks, checkpoints, run records;
 * `cmdc build`'s .cmdc/bin). Variants: a command with no state library (the runner creates the
 * instance), one on cmdc's own state library, one on the project's own library whose state
 * files the project ignores, a block that refuses to run on a dirty tree, `cmdc build`, and gc
 * marking a .cmdc/ made before the marker existed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { bundleCommandFiles, gitStatus, ROOT } from '../helpers/project.js';
import { GITIGNORE_TEXT } from '../../runtime/store/ignore.js';

const TMP = mkdtempSync(join(tmpdir(), 'cmdc-git-clean-'));
const SRC = join(TMP, 'src');
const PROJ = join(TMP, 'proj');

const fence = (code: string) => '```bash\n' + code + '\n```\n';
const COMMANDS: Record<string, string> = {
  // no state library: the runner creates and tracks the instance itself
  plain: `# /plain\n\n## Block 1\n\n${fence('echo "one"')}\nSay hello.\n\n## Block 2\n\n${fence('echo "two" > out.txt')}`,
  // cmdc's own state library (runtime/lib, installed where commands source it)
  lib: `# /lib\n\n## Block 1\n\n${fence(
    'source "${CLAUDE_PROJECT_DIR:-.}/.claude/lib/core/state-persistence.sh"\nWORKFLOW_ID=$(generate_unique_workflow_id lib)\ninit_workflow_state "$WORKFLOW_ID" >/dev/null\nappend_workflow_state NOTE hello\nsave_json_checkpoint plan \'{"a":1}\'',
  )}\nDo the work.\n\n## Block 2\n\n${fence('source "${CLAUDE_PROJECT_DIR:-.}/.claude/lib/core/state-persistence.sh"\nload_workflow_state "$(basename "$(discover_latest_state_file lib)" .sh | sed s/^workflow_//)"\necho "$NOTE" > note.txt')}`,
  // the project's own state-file code (the seed's kind): state files the project's .gitignore covers
  own: `# /own\n\n## Block 1\n\n${fence(
    'WORKFLOW_ID="own_$(date +%s%N)"\nmkdir -p .claude/tmp\nprintf "export WORKFLOW_ID=\\"%s\\"\\n" "$WORKFLOW_ID" > ".claude/tmp/workflow_$WORKFLOW_ID.sh"\necho "id $WORKFLOW_ID"',
  )}\nDo the work.\n\n## Block 2\n\n${fence('f=$(ls -t .claude/tmp/workflow_own_*.sh | head -1)\nsource "$f"\necho "back $WORKFLOW_ID"')}`,
  // a block that refuses to run on a dirty tree (what broke in the issue)
  clean: `# /clean\n\n## Block 1\n\n${fence('echo "start"')}\nThink.\n\n## Block 2\n\n${fence(
    'if [ -n "$(git status --porcelain)" ]; then echo "dirty:" >&2; git status --porcelain >&2; exit 1; fi\necho "tree clean"',
  )}`,
};

let bundles: Record<string, string> = {};

function git(args: string[]): string {
  const r = spawnSync('git', args, { cwd: PROJ, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: TMP, GIT_CONFIG_NOSYSTEM: '1' } });
  assert.is(r.status, 0, r.stderr);
  return r.stdout;
}

/** A fresh repository: .claude/lib with cmdc's library and the project's own, a .gitignore for the latter's state files. */
function fresh(opts: { tmpTracked?: boolean } = {}): void {
  rmSync(PROJ, { recursive: true, force: true });
  mkdirSync(join(PROJ, '.claude/lib/core'), { recursive: true });
  for (const f of ['state-persistence.sh', 'error-handling.sh']) copyFileSync(join(ROOT, 'runtime/lib', f), join(PROJ, '.claude/lib/core', f));
  writeFileSync(join(PROJ, '.gitignore'), '.claude/tmp/workflow_own_*.sh\n');
  if (opts.tmpTracked) {
    mkdirSync(join(PROJ, '.claude/tmp'), { recursive: true });
    writeFileSync(join(PROJ, '.claude/tmp/README'), 'scratch space\n');
  }
  git(['init', '-q', '-b', 'main']);
  git(['add', '-A']);
  git(['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'init']);
}

function cmd(name: string, args: string[], session = 'git-clean-session'): { status: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: TMP, CLAUDE_CODE_SESSION_ID: session };
  const r = spawnSync(process.execPath, [bundles[name]!, ...args], { cwd: PROJ, env, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test.before(async () => {
  mkdirSync(SRC, { recursive: true });
  const files = Object.entries(COMMANDS).map(([n, text]) => {
    writeFileSync(join(SRC, `${n}.md`), text);
    return join(SRC, `${n}.md`);
  });
  bundles = (await bundleCommandFiles(files, SRC, join(TMP, 'build'))).bundles;
});
test.after(() => rmSync(TMP, { recursive: true, force: true }));

test('no state library: the runner-created instance (state dir, .cmdc, run record) is invisible', () => {
  fresh();
  assert.is(cmd('plain', ['--block', '#1']).status, 0);
  assert.ok(existsSync(join(PROJ, '.claude/tmp/.cmdc/runs')), 'the run record lives in .cmdc/runs');
  assert.is(gitStatus(PROJ), '');
  assert.is(cmd('plain', ['--block', '#2']).status, 0);
  assert.is(gitStatus(PROJ), '?? out.txt\n');
  // a whole run (agent step answered by a replay file outside the project) leaves the same
  writeFileSync(join(TMP, 'replay.json'), '{"default":""}');
  assert.is(cmd('plain', ['--agent-replay', join(TMP, 'replay.json')]).status, 0);
  assert.is(gitStatus(PROJ), '?? out.txt\n');
  assert.is(readFileSync(join(PROJ, '.claude/tmp/.gitignore'), 'utf8'), GITIGNORE_TEXT);
  assert.is(readFileSync(join(PROJ, '.claude/tmp/.cmdc/.gitignore'), 'utf8'), GITIGNORE_TEXT);
});

test("cmdc's own state library: state file, owner index, lock, checkpoint are invisible", () => {
  fresh();
  const a = cmd('lib', ['--block', '#1']);
  assert.is(a.status, 0, a.stderr);
  assert.ok(existsSync(join(PROJ, '.claude/tmp/.cmdc/owners')) && existsSync(join(PROJ, '.claude/tmp/.cmdc/checkpoints')));
  const b = cmd('lib', ['--block', '#2']);
  assert.is(b.status, 0, b.stderr);
  assert.is(gitStatus(PROJ), '?? note.txt\n');
});

test("the project's own state files: the ones it ignores stay ignored, cmdc adds nothing visible", () => {
  fresh();
  const a = cmd('own', ['--block', '#1']);
  assert.is(a.status, 0, a.stderr);
  assert.match(a.stdout, /^id own_\d{19}\n$/);
  // the project made .claude/tmp itself: cmdc does not mark it, only its own .cmdc
  assert.not.ok(existsSync(join(PROJ, '.claude/tmp/.gitignore')));
  assert.is(gitStatus(PROJ), '');
  assert.is(cmd('own', ['--block', '#2']).status, 0);
  assert.is(gitStatus(PROJ), '');
});

test('a block that refuses a dirty tree runs after an earlier block of the same instance', () => {
  fresh();
  assert.is(cmd('clean', ['--block', '#1']).status, 0);
  const r = cmd('clean', ['--block', '#2']);
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, 'tree clean\n');
  // a .claude/tmp the project owns and tracks is left unmarked: .cmdc/ and the run records stay
  // invisible, the state files there are visible as the project's own files would be (known limit)
  fresh({ tmpTracked: true });
  assert.is(cmd('lib', ['--block', '#1']).status, 0);
  assert.is(cmd('clean', ['--block', '#1']).status, 0);
  assert.not.ok(existsSync(join(PROJ, '.claude/tmp/.gitignore')));
  const status = gitStatus(PROJ).split('\n').filter(Boolean).map((l) => l.replace(/_\d{19}_[\w-]+\.sh$/, '_<ID>.sh'));
  assert.equal(status, ['?? .claude/tmp/workflow_clean_<ID>.sh', '?? .claude/tmp/workflow_lib_<ID>.sh']);
});

test('cmdc build output (.cmdc/bin) is invisible', () => {
  fresh();
  mkdirSync(join(PROJ, 'commands'), { recursive: true });
  writeFileSync(join(PROJ, 'commands/hello.ts'), `import { run } from ${JSON.stringify(join(ROOT, 'runtime/runner/run.ts'))};\nawait run({ name: 'hello', source: 'hello.md', frontmatter: {}, steps: [] }, process.argv);\n`);
  git(['add', '-A']);
  git(['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'entry']);
  const r = spawnSync(process.execPath, [join(ROOT, 'cli/bin/cmdc.mjs'), 'build'], { cwd: PROJ, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.ok(existsSync(join(PROJ, '.cmdc/bin/hello.mjs')));
  assert.is(gitStatus(PROJ), '');
});

test('gc marks a .cmdc/ made before the marker existed', () => {
  fresh();
  assert.is(cmd('plain', ['--block', '#1']).status, 0);
  unlinkSync(join(PROJ, '.claude/tmp/.cmdc/.gitignore'));
  unlinkSync(join(PROJ, '.claude/tmp/.gitignore'));
  assert.match(gitStatus(PROJ), /\?\? \.claude\/tmp\//);
  const r = spawnSync(process.execPath, [join(ROOT, 'cli/bin/cmdc.mjs'), 'state', 'gc'], { cwd: PROJ, encoding: 'utf8', env: { ...process.env, CLAUDE_PROJECT_DIR: PROJ } });
  assert.is(r.status, 0, r.stderr);
  // gc marks .cmdc; the runner-created state file in the (now unmarked) directory still shows
  assert.ok(existsSync(join(PROJ, '.claude/tmp/.cmdc/.gitignore')));
  assert.match(git(['status', '--porcelain', '--untracked-files=all']), /^\?\? \.claude\/tmp\/workflow_plain_\d{19}_[\w-]+\.sh\n$/);
});

test.run();
