import type { ComponentChildren } from 'preact';

/** A message the person should notice: errors are announced at once (role alert), news politely. */
export function Notice({ kind, children }: { kind: 'error' | 'success' | 'info'; children: ComponentChildren }) {
  if (children === null || children === undefined || children === '') return null;
  return (
    <div class={`notice ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}
