/**
 * compiler/placeholders.ts: token forms and names, quoting contexts read without parsing, the
 * binding rules (argument-hint, instruction wording, --set, unbound), the rewrite that makes a
 * `<branch-name>` block parse with .md positions kept, and block-is-template / prose-in-block.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCommandMarkdown, type BashBlock } from '../../compiler/markdown.js';
import {
  detectTemplateBlock,
  findPlaceholders,
  placeholderName,
  rewritePlaceholders,
  scanContexts,
} from '../../compiler/placeholders.js';

const md = (text: string) => parseCommandMarkdown(text, 'p.md');
const blocks = (text: string) => md(text).steps.filter((s): s is BashBlock => s.kind === 'bash');
const fence = (code: string) => '```bash\n' + code + '\n```';

test('placeholderName', () => {
  const table: [string, string][] = [
    ['<branch-name>', 'BRANCH_NAME'],
    ['<commit message>', 'COMMIT_MESSAGE'],
    ['YOUR_WORKFLOW_DESCRIPTION_HERE', 'WORKFLOW_DESCRIPTION'],
    ['YOUR_API_KEY', 'API_KEY'],
    ['FEATURE_NAME_HERE', 'FEATURE_NAME'],
    ['{{ incident.title }}', 'INCIDENT_TITLE'],
    ['YOUR_HERE', 'VALUE'],
    ['<1st-file>', '_1ST_FILE'],
  ];
  for (const [token, name] of table) assert.is(placeholderName(token), name, token);
});

test('scanContexts: quotes, comments, heredocs, $( ) inside quotes', () => {
  const text = `a "b $(c 'd') e" 'f' # g\ncat <<'X' <<Y\nh\nX\ni\nY\nj`;
  const at = (s: string) => scanContexts(text)[text.indexOf(s)];
  assert.equal(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map(at), [
    'unquoted', 'double', 'unquoted', 'single', 'double', 'single', 'comment', 'heredoc-quoted', 'heredoc', 'unquoted',
  ]);
});

// [markdown, placeholders as "token line:col quoting binding variable | instruction", diagnostic ids]
const BINDINGS: [string, string[], string[]][] = [
  [
    "Replace YOUR_DESC_HERE with the user's description.\n\n" + fence('echo "YOUR_DESC_HERE"'),
    ["YOUR_DESC_HERE 4:7 double arguments CMDC_ARGUMENTS | Replace YOUR_DESC_HERE with the user's description."],
    [],
  ],
  [
    '---\nargument-hint: <branch-name> [base]\n---\n' + fence('git checkout -b <branch-name> main'),
    ['<branch-name> 5:17 unquoted arguments CMDC_ARGV[0] | null'],
    [],
  ],
  [
    'Pick a short name for <branch-name>. Then run it.\n\n' + fence('git switch -c <branch-name>'),
    ['<branch-name> 4:15 unquoted set CMDC_SET_BRANCH_NAME | Pick a short name for <branch-name>.'],
    [],
  ],
  [
    fence('# Set YOUR_TOKEN_HERE to the token from the arguments\nexport T=YOUR_TOKEN_HERE'),
    ['YOUR_TOKEN_HERE 3:10 unquoted arguments CMDC_ARGUMENTS | Set YOUR_TOKEN_HERE to the token from the arguments'],
    [],
  ],
  [fence('curl -H "X: YOUR_KEY_HERE" "${YOUR_URL}"'), ['YOUR_KEY_HERE 2:13 double unbound CMDC_SET_KEY | null'], ['unbound-placeholder']],
  [fence('echo "Usage: cmd <file>" >&2\ncat <<EOF\n<div>\nEOF'), [], []],
  [fence("echo '{{title}}'"), ['{{title}} 2:7 single unbound CMDC_SET_TITLE | null'], ['unbound-placeholder']],
  [
    'Fill `<summary>` from the diff.\n\n' + fence("gh pr create --body '<summary>'"),
    ["<summary> 4:22 single set CMDC_SET_SUMMARY | Fill `<summary>` from the diff."],
    [],
  ],
  // a quoted `<x>` the prose only shows (no request to put anything there) is text
  ['Return REPORT_CREATED: <path> when done.\n\n' + fence('echo "Usage: /create-plan <desc> [--file <path>]" >&2'), [], []],
  ['The agent prints `DONE: <path>` at the end.\n\n' + fence("echo 'writes <path> when asked'"), [], []],
  ['See <path> in the log below.\n\n' + fence('cat <<EOF\nfile: <path>\nEOF'), [], []],
  // ... one the prose asks to fill is a placeholder, quoted or not
  ['Replace <path> with the report file.\n\n' + fence('echo "<path>"'), ['<path> 4:7 double set CMDC_SET_PATH | Replace <path> with the report file.'], []],
  ['Use the plan file as <plan>.\n\n' + fence("cat '<plan>'"), ["<plan> 4:6 single set CMDC_SET_PLAN | Use the plan file as <plan>."], []],
  // issue 10 item 8: the real /revise — the hint's words contain the placeholder's, and the prose
  // ties it to the user's input; either is enough to bind it to the arguments
  [
    '---\nargument-hint: <revision-description-with-plan-path>\n---\n' +
      'Replace YOUR_REVISION_DESCRIPTION_HERE with the actual revision description from the user.\n\n' +
      fence('REVISION_DESCRIPTION="YOUR_REVISION_DESCRIPTION_HERE"'),
    ['YOUR_REVISION_DESCRIPTION_HERE 7:23 double arguments CMDC_ARGUMENTS | Replace YOUR_REVISION_DESCRIPTION_HERE with the actual revision description from the user.'],
    [],
  ],
  [
    '---\nargument-hint: <revision-description-with-plan-path>\n---\n' + fence('echo "YOUR_REVISION_DESCRIPTION_HERE"'),
    ['YOUR_REVISION_DESCRIPTION_HERE 5:7 double arguments CMDC_ARGUMENTS | null'],
    [],
  ],
  [
    'Replace YOUR_FEATURE_HERE with the feature description from the user.\n\n' + fence('F="YOUR_FEATURE_HERE"'),
    ['YOUR_FEATURE_HERE 4:4 double arguments CMDC_ARGUMENTS | Replace YOUR_FEATURE_HERE with the feature description from the user.'],
    [],
  ],
  [
    'Set TOPIC_PLACEHOLDER_HERE to what the user typed after the command.\n\n' + fence("T='TOPIC_PLACEHOLDER_HERE'"),
    ["TOPIC_PLACEHOLDER_HERE 4:4 single arguments CMDC_ARGUMENTS | Set TOPIC_PLACEHOLDER_HERE to what the user typed after the command."],
    [],
  ],
  [
    '---\nargument-hint: <plan-path> <notes>\n---\n' + fence('cat "YOUR_PLAN_PATH_HERE"; echo "YOUR_EXTRA_NOTES_HERE"'),
    ['YOUR_PLAN_PATH_HERE 5:6 double arguments CMDC_ARGV[0] | null', 'YOUR_EXTRA_NOTES_HERE 5:34 double arguments CMDC_ARGV[1] | null'],
    [],
  ],
  // the hint names it (its words are among the hint's) even when the prose speaks of a choice; with no hint match, a choice is --set
  [
    '---\nargument-hint: <path-with-options>\n---\nReplace YOUR_OPTIONS_HERE with the options you choose.\n\n' + fence('x "YOUR_OPTIONS_HERE"'),
    ['YOUR_OPTIONS_HERE 7:4 double arguments CMDC_ARGUMENTS | Replace YOUR_OPTIONS_HERE with the options you choose.'],
    [],
  ],
  [
    '---\nargument-hint: <file>\n---\nReplace YOUR_BRANCH_HERE with a branch name you pick.\n\n' + fence('git switch "YOUR_BRANCH_HERE"'),
    ['YOUR_BRANCH_HERE 7:13 double set CMDC_SET_BRANCH | Replace YOUR_BRANCH_HERE with a branch name you pick.'],
    [],
  ],
];

test('binding rules', () => {
  for (const [text, want, ids] of BINDINGS) {
    const r = findPlaceholders(md(text), 'p.md');
    const got = r.placeholders.map(
      (p) => `${p.token} ${p.line}:${p.col} ${p.quoting} ${p.bound ?? 'unbound'} ${p.variable} | ${p.instruction}`,
    );
    assert.equal(got, want, text);
    assert.equal(r.diagnostics.map((d) => d.id), ids, text);
  }
});

test('rewrite: the block parses after substitution, positions are those of the .md', () => {
  const text = 'Replace <branch-name> with a name.\n\n- step:\n  ```bash\n  git checkout -b <branch-name>\n  echo \'<branch-name>\' "<branch-name>"\n  ```';
  const m = md(text);
  const b = blocks(text)[0]!;
  const found = findPlaceholders(m, 'p.md').placeholders;
  assert.is(found.length, 3);
  const r = rewritePlaceholders(b, found, 'p.md');
  assert.is(r.code, 'git checkout -b "${CMDC_SET_BRANCH_NAME}"\necho \'\'"${CMDC_SET_BRANCH_NAME}"\'\' "${CMDC_SET_BRANCH_NAME}"');
  assert.ok(r.ast);
  const [s1, s2] = r.ast!.stmts;
  assert.equal([s1!.pos, s1!.end, s2!.pos, s2!.end], [{ line: 5, col: 3 }, { line: 5, col: 32 }, { line: 6, col: 3 }, { line: 6, col: 39 }]);
  // Without the rewrite it does not parse, and the parse error points at the placeholder.
  const plain = rewritePlaceholders(b, [], 'p.md');
  assert.equal([plain.ast, plain.diagnostics.map((d) => [d.id, d.line, d.col])], [undefined, [['parse-error', 5, 19]]]);
});

test('rewrite: a placeholder in a quoted heredoc unquotes it and escapes the body', () => {
  const text = 'Set YOUR_NAME_HERE to a title.\n' + fence("cat <<'EOF'\n# YOUR_NAME_HERE costs $5 `x`\nEOF");
  const r = rewritePlaceholders(blocks(text)[0]!, findPlaceholders(md(text), 'p.md').placeholders, 'p.md');
  assert.is(r.code, 'cat <<EOF\n# ${CMDC_SET_NAME} costs \\$5 \\`x\\`\nEOF');
});

// [block code, expected "id line:col" list]
const TEMPLATES: [string, string[]][] = [
  ['Summarize the changes made in the last week.\nGroup them by area and list the authors.', ['block-is-template 2:1']],
  ['- Read the plan file and the spec\n- Write the tests for each phase', ['block-is-template 2:1']],
  ['cat > r.md <<EOF\nSeverity: [SEVERITY LEVEL]\nEOF', ['block-is-template 3:11']],
  ['if true; then\n  {{command_to_run}}\nfi\nfi', ['block-is-template 3:3']],
  ['git log -5\nUpdate the changelog with the entries above.', ['prose-in-block 3:1']],
  ['echo "Update the changelog with the entries above."\n# Then run the tests for the whole thing.\nmake test', []],
  ['set -euo pipefail\nsource lib.sh\ninit_workflow_state "$ID"', []],
  // issue 9 item 5: bracketed upper-case words inside quoted strings are data
  ['echo "adding [NOT STARTED] markers"', []],
  ["echo 'Phase 2 [IN PROGRESS]' >> plan.md", []],
  ['MSG="phase marked [BLOCKED BY REVIEW]"\necho "$MSG"', []],
  ['sed -i "s/\\[NOT STARTED\\]/[IN PROGRESS]/" "$PLAN"', []],
  ['for p in 1 2; do\n  printf "%s\\n" "### Phase $p: Setup [NOT STARTED]"\ndone', []],
  ['COUNT=$(grep -c "\\[NOT STARTED\\]" "$PLAN" || true)\necho "$COUNT phases [NOT STARTED]"', []],
  // heredoc text: status markers and text the block also handles as a string are data ...
  ["cat > plan.md <<'EOF'\n### Phase 1: Setup [NOT STARTED]\n### Phase 2: Build [IN PROGRESS]\nEOF", []],
  ['cat > r.md <<EOF\n- Review: [NEEDS REVIEW]\nEOF', []],
  ["cat > r.md <<EOF\nOwner: [TEAM LEAD]\nEOF\ngrep -q '\\[TEAM LEAD\\]' r.md && echo unassigned", []],
  // ... other heredoc blanks, and blanks outside strings, stay templates
  ['cat > r.md <<EOF\nSummary: [ONE LINE SUMMARY]\nEOF', ['block-is-template 3:10']],
  ['echo hi\n[DESCRIBE THE FIX]', ['block-is-template 3:1']],
  // a block that does not parse for another reason: the quoted marker is still data (the
  // block becomes an island and bash reports the stray `fi`), a bare one is a blank
  ['if true; then\n  echo "[NOT STARTED]"\nfi\nfi', []],
  ['if true; then\n  [FILL IN COMMAND]\nfi\nfi', ['block-is-template 3:3']],
];

test('block-is-template and prose-in-block', () => {
  for (const [code, want] of TEMPLATES) {
    const text = fence(code);
    const b = blocks(text)[0]!;
    const r = rewritePlaceholders(b, [], 'p.md');
    const got = detectTemplateBlock(b, 'p.md', r).map((d) => `${d.id} ${d.line}:${d.col}`);
    assert.equal(got, want, code);
  }
  const [d] = detectTemplateBlock(blocks('## Block 2: Report\n' + fence('Write a report of the findings for the user.'))[0]!, 'p.md', {});
  assert.match(d!.message, /^bash block 1 \("Block 2: Report"\) is prose, not bash: "Write a report/);
});

test.run();
