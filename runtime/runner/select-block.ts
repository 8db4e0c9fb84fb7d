/**
 * `--block KEY`: which bash block of a command KEY names. The rule (README, "--block"):
 *
 *   #N              always the N-th bash block of the file (1-based)
 *   N               the N-th bash block, unless another block's heading carries the label N
 *                   ("## Block 2: …" as the 3rd block): then KEY is ambiguous and refused,
 *                   naming both blocks and the two spellings that are not (`#N`, `block N`)
 *   block N, Block 1a, 1a, the function name (block1aSetup), the whole heading
 *                   the block whose heading carries that label / that name (case-insensitive)
 *
 * A label is the word after "Block" in the heading ("Block 1a: Setup" -> 1a). Two blocks with
 * the same label are refused too (the file names two blocks alike).
 */
import type { BashStep, CommandModule } from '../command.js';

export type BlockChoice = { index: number } | { error: string };

interface Candidate {
  step: BashStep;
  /** Index in command.steps. */
  index: number;
  /** 1-based position among the bash blocks. */
  ordinal: number;
  label: string | null;
}

/** "Block 1a: Setup" -> "1a"; null when the heading has no block label. */
export function blockLabel(heading: string): string | null {
  const m = /\bblock\s+([0-9]+[a-z]?)\b/i.exec(heading);
  return m ? m[1]!.toLowerCase() : null;
}

function describe(c: Candidate, source: string): string {
  return `block #${c.ordinal}${c.step.heading ? ` ("${c.step.heading}")` : ` (${c.step.name})`} at ${source}:${c.step.line}`;
}

/** The bash block KEY names, or why it names none (unknown, ambiguous). */
export function selectBlock(command: CommandModule<unknown>, key: string): BlockChoice {
  const blocks: Candidate[] = [];
  command.steps.forEach((step, index) => {
    if (step.kind === 'bash') blocks.push({ step, index, ordinal: blocks.length + 1, label: blockLabel(step.heading) });
  });
  const k = key.trim().toLowerCase();
  const none = { error: `no block '${key}' (see --help for the list)` };
  const ordinal = /^#\s*([0-9]+)$/.exec(k);
  if (ordinal) {
    const c = blocks[Number(ordinal[1]) - 1];
    return c ? { index: c.index } : { error: `no block '${key}': the file has ${blocks.length} block${blocks.length === 1 ? '' : 's'}` };
  }
  const byLabel = (label: string): BlockChoice | null => {
    const hits = blocks.filter((c) => c.label === label);
    if (hits.length > 1) {
      return { error: `--block ${key} is ambiguous: ${hits.map((c) => describe(c, command.source)).join(' and ')} carry the same label; use --block '#N' (the N-th block)` };
    }
    return hits[0] ? { index: hits[0].index } : null;
  };
  if (/^[0-9]+$/.test(k)) {
    const nth = blocks[Number(k) - 1];
    const labelled = blocks.filter((c) => c.label === k);
    if (labelled.length && (!nth || labelled.some((c) => c !== nth))) {
      if (!nth) return byLabel(k) ?? none;
      const other = labelled.find((c) => c !== nth)!;
      return {
        error:
          `--block ${key} is ambiguous: the ${ordinalWord(nth.ordinal)} block is ${describe(nth, command.source)}, ` +
          `but ${describe(other, command.source)} is labelled ${k}; ` +
          `use --block '#${k}' for the ${ordinalWord(nth.ordinal)} block or --block 'block ${k}' for the one labelled ${k}`,
      };
    }
    return nth ? { index: nth.index } : none;
  }
  const label = /^block\s+([0-9]+[a-z]?)$/.exec(k)?.[1] ?? (/^[0-9]+[a-z]$/.test(k) ? k : null);
  if (label) return byLabel(label) ?? none;
  const hit = blocks.find((c) => c.step.name.toLowerCase() === k || c.step.heading.toLowerCase() === k);
  return hit ? { index: hit.index } : none;
}

/** 1 -> "1st", 2 -> "2nd", 11 -> "11th", 23 -> "23rd". */
function ordinalWord(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
