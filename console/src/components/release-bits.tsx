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

/** A time in the reader's locale, its UTC value in the tooltip (and in `datetime` for assistive technology). */
export function Time({ value }: { value: string }) {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) return <>{value}</>;
  const utc = time.toISOString();
  return (
    <time dateTime={utc} title={`${utc.replace('T', ' ').replace(/\.\d+Z$/, '')} UTC`}>
      {time.toLocaleString()}
    </time>
  );
}
