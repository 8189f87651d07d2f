import { readFile, writeFile } from 'node:fs/promises';

/** A tracked figure: its name is fixed (results are compared over time), its goal is the issue's. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  goal?: { atLeast: number } | { atMost: number };
}

/** One benchmark's figures and the side-by-side measurements they were computed from. */
export interface Section {
  title: string;
  figures: Figure[];
  details: string[];
}

export const round = (value: number, digits = 2) => Number(value.toFixed(digits));

function goalText(goal: Figure['goal']): string {
  if (!goal) return '';
  return 'atLeast' in goal ? `>= ${goal.atLeast}` : `<= ${goal.atMost}`;
}

function met(figure: Figure): string {
  if (!figure.goal) return '';
  const ok = 'atLeast' in figure.goal ? figure.value >= figure.goal.atLeast : figure.value <= figure.goal.atMost;
  return ok ? 'met' : 'MISSED';
}

/**
 * The table as printed at the end of a run (also pasted into bench/README.md), each figure next to the value
 * recorded before in results.json (`previous`: what the run before this one measured, not a baseline of this run).
 */
export function table(sections: Section[], previous: Record<string, number> = {}): string {
  const rows = sections.flatMap((section) =>
    section.figures.map((figure) => [
      figure.name,
      `${round(figure.value)} ${figure.unit}`.trim(),
      previous[figure.name] === undefined ? '' : `${round(previous[figure.name]!)} ${figure.unit}`.trim(),
      goalText(figure.goal),
      met(figure),
    ]),
  );
  const header = ['figure', 'value', 'previous', 'goal', ''];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  const lines = [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)];
  const details = sections.flatMap((section) => [``, `${section.title}:`, ...section.details.map((detail) => `  ${detail}`)]);
  return [...lines, ...details].join('\n');
}

/** The figures a results file holds ({} when there is none yet or it cannot be read). */
export async function readResults(file: string): Promise<Record<string, number>> {
  try {
    const { figures } = JSON.parse(await readFile(file, 'utf8')) as { figures?: Record<string, number> };
    return figures ?? {};
  } catch {
    return {};
  }
}

export async function writeResults(file: string, sections: Section[]): Promise<void> {
  const figures = Object.fromEntries(sections.flatMap((section) => section.figures.map((figure) => [figure.name, round(figure.value, 3)])));
  await writeFile(file, `${JSON.stringify({ figures }, null, 2)}\n`);
}
