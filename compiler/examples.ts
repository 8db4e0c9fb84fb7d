/**
 * Usage-example blocks: a bash fence that documents how to invoke a command is text the model
 * reads, not a step it runs. Such a fence stays in the prose (compiler/markdown.ts), is listed in
 * `--help`, and gets an info diagnostic. A fence is an example when
 *   - every line that is not blank or a comment is a slash-command line (`/errors --since 1h`,
 *     `/git:commit "msg"`) or a shell prompt line (`$ /research "x"`, `$ npm test`), or
 *   - it sits under a heading that names a usage/examples section ("## Usage", "### Examples",
 *     "Example usage", "Usage examples:") and does not use the command's input (`$ARGUMENTS`,
 *     `${CLAUDE_…}`, a `YOUR_…_HERE` blank): a skill's "## Usage" block that runs a script on
 *     the arguments is a step.
 */

export type ExampleReason = 'slash-command lines' | 'prompt lines' | 'usage heading';

/** `/name` as the first word: letters, digits, `-`, `_`, `:` (namespaces), no further `/`. */
const SLASH_LINE = /^\s*(?:\$\s+)?\/[A-Za-z][\w:-]*(?=\s|$)/;
/** A transcript line: `$ ` then a command. */
const PROMPT_LINE = /^\s*\$\s+\S/;
/** A heading whose first words name a usage/examples section. */
const USAGE_HEADING = /^\s*(?:\d+[.)]\s*)?(?:usage|examples?)(?:\s+(?:usage|examples?))?\s*:?\s*$/i;

/** Text the model fills in before running a block. */
const USES_INPUT = /\$ARGUMENTS|\$\{CLAUDE_[A-Z_]+\}|\bYOUR_[A-Z0-9_]*_HERE\b/;

/** Why a bash fence under `heading` is a usage example, or null when it is a step. */
export function exampleReason(code: string, heading: string | null): ExampleReason | null {
  const lines = code.split('\n').filter((l) => l.trim() !== '' && !/^\s*#/.test(l));
  if (lines.length && lines.every((l) => SLASH_LINE.test(l))) return 'slash-command lines';
  if (lines.length && lines.every((l) => PROMPT_LINE.test(l) || SLASH_LINE.test(l))) return 'prompt lines';
  if (heading !== null && USAGE_HEADING.test(heading) && !USES_INPUT.test(code)) return 'usage heading';
  return null;
}
