import type { ComponentChildren } from 'preact';

/**
 * The box a table scrolls sideways in on a narrow screen. It is focusable and named (a region), so a
 * keyboard can reach it and scroll it with the arrow keys, whatever the table holds.
 */
export function TableScroll({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <div class="table-scroll" tabIndex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}
