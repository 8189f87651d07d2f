import type { Release } from '@platform/api-client';

/** A select of the release's revisions, newest first. */
export function RevisionPicker(props: {
  id: string;
  label: string;
  history: Release[];
  value: number;
  onChange: (revision: number) => void;
  exclude?: number;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} value={String(props.value)} onChange={(event) => props.onChange(Number(event.currentTarget.value))}>
        {[...props.history]
          .reverse()
          .filter((revision) => revision.version !== props.exclude)
          .map((revision) => (
            <option key={revision.version} value={String(revision.version)}>
              {revision.version} — {revision.info.status}
              {revision.info.description ? ` (${revision.info.description})` : ''}
            </option>
          ))}
      </select>
    </div>
  );
}

/** A revision number from the address, when it names one of the history; else the fallback. */
export function revisionFrom(query: URLSearchParams, key: string, history: Release[], fallback: number): number {
  const wanted = Number(query.get(key));
  return history.some((revision) => revision.version === wanted) ? wanted : fallback;
}
