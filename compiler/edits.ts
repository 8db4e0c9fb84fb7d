/**
 * Text edits on a bash block, with positions kept: the substitutions of compiler/arguments.ts
 * and compiler/placeholders.ts are computed as edits in the block's original text (char
 * offsets into `BashBlock.code`), applied in one go, and the edited text is re-parsed with every
 * node position mapped back to the original .md line:col (node `src` is the edited text, so a
 * statement that becomes a bash island runs the substituted code).
 */
import type * as A from './ast.js';
import type { BashBlock } from './markdown.js';
import { parseBash, type ParseResult } from './parse.js';

/** Where a block's text sits in the .md file (a BashBlock is one). */
export type BlockSource = Pick<BashBlock, 'code' | 'line' | 'indents'>;

/** Replace `[start, end)` of the original text by `text`. */
export interface Edit {
  start: number;
  end: number;
  text: string;
}

/** The result of applying edits: the new text and a map from its char indexes to the original's. */
export interface Edited {
  text: string;
  /** Char index in `text` → char index in the original (monotonic; inside a replacement it stays inside the replaced span). */
  toOriginal: (index: number) => number;
}

/** Apply non-overlapping edits (any order; overlapping ones after the first are dropped). */
export function applyEdits(original: string, edits: readonly Edit[]): Edited {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const kept: Edit[] = [];
  let last = 0;
  for (const e of sorted) {
    if (e.start < last || e.end < e.start || e.end > original.length) continue;
    kept.push(e);
    last = e.end;
  }
  // Segments: [newStart, newEnd, origStart, origEnd, replaced]
  const segs: { ns: number; ne: number; os: number; oe: number; replaced: boolean }[] = [];
  let out = '';
  let at = 0;
  for (const e of kept) {
    if (e.start > at) {
      segs.push({ ns: out.length, ne: out.length + (e.start - at), os: at, oe: e.start, replaced: false });
      out += original.slice(at, e.start);
    }
    segs.push({ ns: out.length, ne: out.length + e.text.length, os: e.start, oe: e.end, replaced: true });
    out += e.text;
    at = e.end;
  }
  segs.push({ ns: out.length, ne: out.length + (original.length - at), os: at, oe: original.length, replaced: false });
  out += original.slice(at);
  const toOriginal = (i: number): number => {
    if (i <= 0) return 0;
    if (i >= out.length) return original.length;
    let lo = 0;
    let hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segs[mid]!.ns <= i) lo = mid;
      else hi = mid - 1;
    }
    const s = segs[lo]!;
    if (!s.replaced) return s.os + (i - s.ns);
    return Math.min(s.os + (i - s.ns), s.oe);
  };
  return { text: out, toOriginal };
}

/** Parse a block's text after edits, positions in the original .md file. */
export function parseEdited(block: BlockSource, edits: readonly Edit[], file: string): ParseResult & { code: string } {
  if (edits.length === 0) {
    return { ...parseBash(block.code, { file, lineOffset: block.line - 1, colOffset: block.indents }), code: block.code };
  }
  const edited = applyEdits(block.code, edits);
  const parsed = parseBash(edited.text, {
    file,
    lineOffset: block.line - 1,
    colOffset: block.indents,
    origin: { text: block.code, map: edited.toOriginal },
  });
  return { ...parsed, code: edited.text };
}

/** Converts .md positions of a block's nodes to char offsets in its original text and back. */
export class BlockOffsets {
  private readonly starts: number[] = [0];

  constructor(readonly block: BlockSource) {
    const t = block.code;
    for (let i = 0; i < t.length; i++) if (t.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  /** Char offset in the block's code of a 1-based .md position (clamped to the text). */
  offset(pos: A.Pos): number {
    const row = Math.min(Math.max(pos.line - this.block.line, 0), this.starts.length - 1);
    const indent = this.block.indents[row] ?? this.block.indents[this.block.indents.length - 1] ?? 0;
    const lineEnd = row + 1 < this.starts.length ? this.starts[row + 1]! - 1 : this.block.code.length;
    return Math.min(Math.max(this.starts[row]! + pos.col - 1 - indent, this.starts[row]!), lineEnd);
  }

  /** 1-based .md position of a char offset in the block's code. */
  pos(offset: number): A.Pos {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    const indent = this.block.indents[lo] ?? this.block.indents[this.block.indents.length - 1] ?? 0;
    return { line: this.block.line + lo, col: offset - this.starts[lo]! + 1 + indent };
  }

  /** `[start, end)` offsets of a node. */
  span(node: { pos: A.Pos; end: A.Pos }): [number, number] {
    return [this.offset(node.pos), this.offset(node.end)];
  }
}
