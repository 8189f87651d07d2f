import { useState } from 'preact/hooks';
import type { ChartSource } from './chart-source.js';

type Kind = ChartSource['kind'];
const kinds: Array<[Kind, string]> = [
  ['repository', 'Helm repository'],
  ['oci', 'OCI registry'],
  ['archive', 'Upload an archive'],
];

/** The chart's source, chosen and then loaded: the page asks the platform for its versions and values only then (`initial`: already loaded, shown in the fields). */
export function SourcePicker(props: { onLoad: (source: ChartSource) => void; busy: boolean; initial?: ChartSource }) {
  const initial = props.initial?.kind === 'repository' ? props.initial : null;
  const [kind, setKind] = useState<Kind>('repository');
  const [repository, setRepository] = useState(initial?.repository ?? '');
  const [name, setName] = useState(initial?.name ?? '');
  const [oci, setOci] = useState('');
  const [plainHttp, setPlainHttp] = useState(false);
  const [file, setFile] = useState<File | null>(null);

  const load = (event: Event) => {
    event.preventDefault();
    if (kind === 'repository') props.onLoad({ kind, repository: repository.trim(), name: name.trim() });
    else if (kind === 'oci') props.onLoad({ kind, oci: oci.trim(), plainHttp });
    else if (file) props.onLoad({ kind, file });
  };
  const ready = kind === 'repository' ? repository.trim() !== '' && name.trim() !== '' : kind === 'oci' ? oci.trim() !== '' : file !== null;

  return (
    <form class="card" onSubmit={load} aria-labelledby="source-heading">
      <h2 id="source-heading">Chart</h2>
      <fieldset class="choices">
        <legend>Where the chart comes from</legend>
        {kinds.map(([id, label]) => (
          <label class="check" key={id}>
            <input type="radio" name="source" value={id} checked={kind === id} onChange={() => setKind(id)} /> {label}
          </label>
        ))}
      </fieldset>
      {kind === 'repository' && (
        <div class="inline-fields">
          <div class="field wide">
            <label for="chart-repository">Repository URL, or the name of one of your repositories</label>
            <input
              id="chart-repository"
              placeholder="https://charts.example.com/stable"
              value={repository}
              onInput={(e) => setRepository(e.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="chart-name">Chart name</label>
            <input id="chart-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </div>
        </div>
      )}
      {kind === 'oci' && (
        <>
          <label for="chart-oci">OCI reference</label>
          <input id="chart-oci" class="wide" placeholder="oci://registry.example.com/charts/web" value={oci} onInput={(e) => setOci(e.currentTarget.value)} />
          <label class="check">
            <input type="checkbox" checked={plainHttp} onChange={(e) => setPlainHttp(e.currentTarget.checked)} /> The registry speaks plain HTTP (no TLS)
          </label>
        </>
      )}
      {kind === 'archive' && (
        <>
          <label for="chart-archive">Chart archive (.tgz, as `helm package` makes it; at most 1 MiB)</label>
          <input id="chart-archive" type="file" accept=".tgz,.tar.gz,application/gzip" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
        </>
      )}
      <div class="actions">
        <button type="submit" disabled={!ready || props.busy}>
          Load chart
        </button>
      </div>
    </form>
  );
}
