const statusClass: Record<string, string> = {
  deployed: 'good',
  superseded: 'neutral',
  failed: 'bad',
  uninstalled: 'neutral',
  uninstalling: 'warn',
  'pending-install': 'warn',
  'pending-upgrade': 'warn',
  'pending-rollback': 'warn',
};

export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge ${statusClass[status] ?? 'neutral'}`}>{status}</span>;
}

/** A Helm timestamp in the reader's locale; empty when Helm left it out. */
export function formatTime(value: string | undefined): string {
  if (!value) return '';
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? value : time.toLocaleString();
}
