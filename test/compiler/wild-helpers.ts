/**
 * Shared by the wild-fixture suites: runs the whole front-end analysis of issue 5 on one
 * command file (markdown → placeholders → parse → argument rewrite → template detection), the
 * way the pipeline will, and returns everything the tests look at.
 */
import { argumentOptionsFrom, rewriteArgumentRefs, type ArgumentUse } from '../../compiler/arguments.js';
import type * as A from '../../compiler/ast.js';
import type { Diagnostic } from '../../compiler/diagnostics.js';
import { commandInfoFor, parseCommandMarkdown, type BashBlock, type CommandFileInfo, type CommandMarkdown } from '../../compiler/markdown.js';
import { detectTemplateBlock, findPlaceholders, rewritePlaceholders, type Placeholder } from '../../compiler/placeholders.js';

export interface BlockResult {
  block: BashBlock;
  ast?: A.File;
  code: string;
  uses: ArgumentUse[];
}

export interface FileAnalysis {
  md: CommandMarkdown;
  info: CommandFileInfo | null;
  placeholders: Placeholder[];
  blocks: BlockResult[];
  diagnostics: Diagnostic[];
}

export function analyse(text: string, file: string): FileAnalysis {
  const md = parseCommandMarkdown(text, file);
  const info = commandInfoFor(file, md.frontmatter);
  const ph = findPlaceholders(md, file);
  const opts = argumentOptionsFrom(md.frontmatter);
  const diagnostics: Diagnostic[] = [...md.diagnostics, ...ph.diagnostics];
  const blocks: BlockResult[] = [];
  for (const block of md.steps) {
    if (block.kind !== 'bash') continue;
    const r = rewritePlaceholders(block, ph.placeholders, file);
    diagnostics.push(...detectTemplateBlock(block, file, r));
    if (!r.ast) {
      diagnostics.push(...r.diagnostics);
      blocks.push({ block, code: r.code, uses: [] });
      continue;
    }
    const a = rewriteArgumentRefs(r.ast, {
      file,
      block,
      edits: r.edits,
      convention: opts.convention,
      names: opts.names,
      explicitConvention: opts.explicit,
      skill: info?.layout === 'skill',
    });
    diagnostics.push(...a.diagnostics);
    blocks.push({ block, ast: a.file, code: a.code, uses: a.uses });
  }
  return { md, info, placeholders: ph.placeholders, blocks, diagnostics };
}
