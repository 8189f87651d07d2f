/** Above this many cells the middle of two texts is shown as replaced whole rather than aligned line by line. */
const maxAlignmentCells = 4_000_000;
const contextLines = 3;

type Edit = { op: ' ' | '-' | '+'; line: string };

/**
 * A unified diff (`--- a`, `+++ b`, `@@` hunks with three lines of context) of two texts; '' when equal.
 * Deterministic: the same two texts always give the same bytes.
 */
export function unifiedDiff(before: string, after: string, labels: { from: string; to: string }): string {
  if (before === after) return '';
  const edits = lineEdits(splitLines(before), splitLines(after));
  const hunks = hunksOf(edits);
  return [`--- ${labels.from}`, `+++ ${labels.to}`, ...hunks].join('\n') + '\n';
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** The longest common subsequence after trimming the common head and tail (most object diffs are small). */
function lineEdits(a: string[], b: string[]): Edit[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head += 1;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail += 1;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const middle =
    midA.length * midB.length > maxAlignmentCells
      ? [...midA.map((line): Edit => ({ op: '-', line })), ...midB.map((line): Edit => ({ op: '+', line }))]
      : alignedEdits(midA, midB);
  return [...a.slice(0, head).map((line): Edit => ({ op: ' ', line })), ...middle, ...a.slice(a.length - tail).map((line): Edit => ({ op: ' ', line }))];
}

function alignedEdits(a: string[], b: string[]): Edit[] {
  const width = b.length + 1;
  // lengths[i * width + j]: the LCS length of a[i..] and b[j..].
  const lengths = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      lengths[i * width + j] = a[i] === b[j] ? lengths[(i + 1) * width + j + 1]! + 1 : Math.max(lengths[(i + 1) * width + j]!, lengths[i * width + j + 1]!);
    }
  }
  const edits: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      edits.push({ op: ' ', line: a[i]! });
      i += 1;
      j += 1;
    } else if (lengths[(i + 1) * width + j]! >= lengths[i * width + j + 1]!) {
      edits.push({ op: '-', line: a[i]! });
      i += 1;
    } else {
      edits.push({ op: '+', line: b[j]! });
      j += 1;
    }
  }
  while (i < a.length) edits.push({ op: '-', line: a[i++]! });
  while (j < b.length) edits.push({ op: '+', line: b[j++]! });
  return edits;
}

/** Groups the edits into hunks: changes closer than twice the context share one hunk. */
function hunksOf(edits: Edit[]): string[] {
  const changed = edits.flatMap((edit, index) => (edit.op === ' ' ? [] : [index]));
  const out: string[] = [];
  let cursor = 0;
  while (cursor < changed.length) {
    let last = cursor;
    while (last + 1 < changed.length && changed[last + 1]! - changed[last]! <= 2 * contextLines) last += 1;
    const start = Math.max(0, changed[cursor]! - contextLines);
    const end = Math.min(edits.length, changed[last]! + contextLines + 1);
    let oldStart = 1;
    let newStart = 1;
    for (const edit of edits.slice(0, start)) {
      if (edit.op !== '+') oldStart += 1;
      if (edit.op !== '-') newStart += 1;
    }
    const slice = edits.slice(start, end);
    const oldCount = slice.filter((edit) => edit.op !== '+').length;
    const newCount = slice.filter((edit) => edit.op !== '-').length;
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`, ...slice.map((edit) => `${edit.op}${edit.line}`));
    cursor = last + 1;
  }
  return out;
}

/** GNU diff's ranges: an empty side starts one line before. */
function range(start: number, count: number): string {
  if (count === 0) return `${start - 1},0`;
  return count === 1 ? `${start}` : `${start},${count}`;
}
