import { readFile, writeFile } from 'node:fs/promises';

/** A tracked figure: its name is fixed (results are compared over time), its goal is the issue's. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  goal?: { atLeast: number } | { atMost: number };
  /** What bounds the figure on this machine, measured in the same run. */
  bound?: Bound;
}

/**
 * The best value a figure could take here whatever the platform did, measured in the same run (in the
 * figure's unit): the consistent read every answer needs, what a bare process costs, helm through the proxy
 * that the security boundary puts in its way. A missed goal beyond its bound cannot be met on this machine;
 * one within it is the platform's to close.
 */
export interface Bound {
  value: number;
  /** What was measured, as the table's reader should see it. */
  what: string;
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

/** Whether `value` meets the goal (no goal: met). */
function meets(goal: Figure['goal'], value: number): boolean {
  if (!goal) return true;
  return 'atLeast' in goal ? value >= goal.atLeast : value <= goal.atMost;
}

/** `met`, `MISSED` (the platform's to close) or `cannot` (its measured bound is beyond the goal already). */
export function verdict(figure: Figure): string {
  if (!figure.goal) return '';
  if (meets(figure.goal, figure.value)) return 'met';
  return figure.bound && !meets(figure.goal, figure.bound.value) ? 'cannot (bound)' : 'MISSED';
}

/** For each missed goal, its bound and what it means; the reason a goal that cannot be met is given. */
function missedGoals(figures: Figure[]): string[] {
  const lines = figures.flatMap((figure) => {
    if (meets(figure.goal, figure.value)) return [];
    const value = `${round(figure.value)} ${figure.unit}`.trim();
    if (!figure.bound) return [`${figure.name}: ${value} against ${goalText(figure.goal)}; no bound measured`];
    const bound = `${round(figure.bound.value)} ${figure.unit}`.trim();
    const reading = meets(figure.goal, figure.bound.value)
      ? `within the goal: the platform's share is what separates ${value} from it`
      : `beyond the goal already: it cannot be met on this machine`;
    return [`${figure.name}: ${value} against ${goalText(figure.goal)}; bound ${bound}, ${figure.bound.what}: ${reading}`];
  });
  return lines.length === 0 ? [] : ['', 'Goals missed, and what bounds them (measured in this run):', ...lines.map((line) => `  ${line}`)];
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
      verdict(figure),
      figure.bound ? `${round(figure.bound.value)} ${figure.unit}`.trim() : '',
    ]),
  );
  const header = ['figure', 'value', 'previous', 'goal', '', 'bound'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  const lines = [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)];
  const details = sections.flatMap((section) => [``, `${section.title}:`, ...section.details.map((detail) => `  ${detail}`)]);
  return [...lines, ...missedGoals(sections.flatMap((section) => section.figures)), ...details].join('\n');
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

/** `{figures: {name: value}, bounds: {name: value}}`: each bound under the name of the figure it bounds. */
export async function writeResults(file: string, sections: Section[]): Promise<void> {
  const all = sections.flatMap((section) => section.figures);
  const figures = Object.fromEntries(all.map((figure) => [figure.name, round(figure.value, 3)]));
  const bounds = Object.fromEntries(all.flatMap((figure) => (figure.bound ? [[figure.name, round(figure.bound.value, 3)]] : [])));
  await writeFile(file, `${JSON.stringify({ figures, bounds }, null, 2)}\n`);
}
