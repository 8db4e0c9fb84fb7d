/**
 * Rule `shared-state-id-file`: a file at a fixed path — the same for every running instance,
 * not keyed by `$WORKFLOW_ID` — that hands a value from one block to another (the seed's
 * `STATE_ID_FILE` / `command_state_id.txt`, `${HOME}/.claude/tmp/<cmd>_arg_path.txt`, any
 * `.claude/tmp` or tmp-dir file written in one block and read in another). Also an id/path
 * hand-off file (`*_state_id.txt`, `*_arg_path.txt`) written or read by fixed name even when
 * the other side is in another command. Paths are resolved through assignments (data flow).
 */
import { sharedStateIdFile } from '../diagnostics.js';
import type { FileOp } from '../analysis/files.js';
import { canonical, isFixed } from '../analysis/values.js';
import type { LintFinding, LintRule } from './rule.js';

/** Hand-off files by name: an id or a path kept for a later block. */
const HANDOFF_NAME = /(state_id|workflow_id|_id|_arg_path|_path|_arg|_args)\.txt$/i;
/** Where per-run files live (a tmp or state directory). */
const TMP_PLACE = /\.claude\/(tmp|state)\/|^\$\{TMP\}\//;

function lineOf(op: FileOp): number {
  return op.word.pos.line;
}

export const rule: LintRule = {
  id: sharedStateIdFile.id,
  severity: sharedStateIdFile.severity,
  summary: 'a fixed path, not keyed by the workflow id, that hands a value from one block to another',
  check(ctx) {
    const groups = new Map<string, FileOp[]>();
    for (const op of ctx.fileOps()) {
      if (op.kind === 'remove' || !isFixed(op.segs)) continue;
      const path = canonical(op.segs);
      if (path === null) continue;
      const list = groups.get(path) ?? [];
      list.push(op);
      groups.set(path, list);
    }
    const findings: LintFinding[] = [];
    for (const [path, ops] of groups) {
      const writes = ops.filter((o) => o.kind === 'write' || o.kind === 'append');
      const reads = ops.filter((o) => o.kind === 'read' || o.kind === 'test');
      const handoff = HANDOFF_NAME.test(path);
      if (!handoff && !TMP_PLACE.test(path)) continue;
      const cross = writes.flatMap((w) => reads.filter((r) => r.block !== w.block).map((r) => [w, r] as const))[0];
      const label = (b: number) => ctx.cmd.blocks[b]!.label;
      let how: string | null = null;
      let at: FileOp | null = null;
      if (cross) {
        const [w, r] = cross;
        how = `written in ${label(w.block)} at line ${lineOf(w)}, read in ${label(r.block)} at line ${lineOf(r)}`;
        at = w;
      } else if (handoff && writes.length) {
        at = writes[0]!;
        how = `written in ${label(at.block)} by fixed name, for a later block or command to read`;
      } else if (handoff && reads.length) {
        at = reads[0]!;
        how = `read in ${label(at.block)} by fixed name, written by another block or command`;
      }
      if (how && at) findings.push({ diagnostic: sharedStateIdFile(ctx.at(at.word), path, how) });
    }
    return findings;
  },
};
