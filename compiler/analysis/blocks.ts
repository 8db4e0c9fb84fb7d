/**
 * A command file as the analyses see it: its markdown split (compiler/markdown.ts), each bash
 * block parsed to cmdc's AST (after model-filled placeholders are replaced by variable
 * references, so `<branch-name>` does not keep a block from being analysed), and its prose
 * steps. Positions stay .md positions. Blocks that still do not parse have `ast: null`; the
 * analyses skip them (compile reports their parse errors).
 */
import type * as A from '../ast.js';
import { parseCommandMarkdown, type BashBlock, type CommandMarkdown } from '../markdown.js';
import { findPlaceholders, rewritePlaceholders } from '../placeholders.js';

export interface AnalysedBlock {
  /** 0-based position among the file's bash blocks. */
  index: number;
  block: BashBlock;
  ast: A.File | null;
  /** How messages name it: `block 2 ("Block 1b: Plan inventory")`. */
  label: string;
}

/** Prose between blocks (what the agent reads), with the number of bash blocks before it. */
export interface ProseStep {
  text: string;
  line: number;
  /** Bash blocks that come before it in the file. */
  after: number;
}

export interface CommandSource {
  file: string;
  source: string;
  md: CommandMarkdown;
  blocks: AnalysedBlock[];
  prose: ProseStep[];
}

/** `block 2 ("Block 1b: Plan inventory")` */
export function blockLabel(b: Pick<BashBlock, 'index' | 'heading'>): string {
  return `block ${b.index + 1}${b.heading ? ` ("${b.heading}")` : ''}`;
}

/** Split and parse a command file. Never throws on bad input. */
export function readCommandSource(file: string, source: string): CommandSource {
  const md = parseCommandMarkdown(source, file);
  const ph = findPlaceholders(md, file);
  const blocks: AnalysedBlock[] = [];
  const prose: ProseStep[] = [];
  for (const step of md.steps) {
    if (step.kind === 'agent') {
      prose.push({ text: step.text, line: step.line, after: blocks.length });
      continue;
    }
    // a ts block is TypeScript: the bash analyses (state flow, lint) do not read it
    if (step.kind === 'ts') continue;
    let ast: A.File | null = null;
    try {
      ast = rewritePlaceholders(step, ph.placeholders, file).ast ?? null;
    } catch {
      ast = null;
    }
    blocks.push({ index: step.index, block: step, ast, label: blockLabel(step) });
  }
  return { file, source, md, blocks, prose };
}
