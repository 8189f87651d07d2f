import { installRelease, planInstall, type ChartView, type Release, type ReleasePlan } from '@platform/api-client';
import { useState } from 'preact/hooks';
import { api, unwrap } from '../api.js';
import { releasePath } from '../app.js';
import { Notice } from '../components/notice.js';
import { YamlEditor, yamlProblem } from '../components/yaml-editor.js';
import { ChartDetails } from '../install/chart-details.js';
import { chartNameOf, chartReference, type ChartSource } from '../install/chart-source.js';
import { SourcePicker } from '../install/source-picker.js';
import { TargetFields, type InstallTarget } from '../install/target-fields.js';
import { ValuesForm } from '../install/values-form.js';
import { PlanPanel } from '../release/plan-panel.js';
import { useAction } from '../release/use-action.js';
import { Link, withQuery } from '../router.js';
import { useSession } from '../session.js';

/** A repository's chart the address names (`?repository=&chart=&version=`, as a chart search's Install link gives it). */
function presetOf(query: URLSearchParams): { source: ChartSource; version: string } | null {
  const repository = query.get('repository')?.trim() ?? '';
  const name = query.get('chart')?.trim() ?? '';
  if (repository === '' || name === '') return null;
  return { source: { kind: 'repository', repository, name }, version: query.get('version')?.trim() ?? '' };
}

/** Install a chart: choose its source and version (or arrive with them chosen), see its defaults, edit values, preview, then install. */
export function InstallPage({ query }: { query: URLSearchParams }) {
  const contexts = useSession().user?.contexts ?? [];
  const [preset] = useState(() => presetOf(query));
  const [source, setSource] = useState<ChartSource | null>(preset?.source ?? null);
  const [version, setVersion] = useState('');
  const [view, setView] = useState<ChartView | null>(null);
  const [values, setValues] = useState('');
  const [target, setTarget] = useState<InstallTarget>({
    name: preset ? chartNameOf(preset.source).toLowerCase() : '',
    namespace: 'default',
    context: contexts[0] ?? '',
    storage: 'secret',
  });
  const [preview, setPreview] = useState<ReleasePlan | null>(null);
  const [installed, setInstalled] = useState<Release | null>(null);
  const { error, busy, act } = useAction();

  if (contexts.length === 0) {
    return (
      <section>
        <h1 tabIndex={-1}>Install a chart</h1>
        <div class="card">
          <p>
            No context is allowed yet. <Link href="/kubeconfig">Store your kubeconfig and choose contexts</Link> to install into them.
          </p>
        </div>
      </section>
    );
  }

  const load = (next: ChartSource) => {
    setSource(next);
    setVersion('');
    setView(null);
    setValues('');
    setPreview(null);
    setInstalled(null);
    setTarget({ ...target, name: target.name || chartNameOf(next).toLowerCase() });
  };
  // The chart's defaults prefill the editor: the person sees what they override (sending them unchanged is harmless).
  const viewed = (found: ChartView | null) => {
    setView(found);
    if (found) setValues(found.values);
  };
  const edit = (text: string) => {
    setValues(text);
    setPreview(null);
  };
  const retarget = (next: InstallTarget) => {
    setTarget(next);
    setPreview(null);
  };
  const body = async () => ({
    ...target,
    chart: await chartReference(source!),
    version: source!.kind === 'archive' || version === '' ? undefined : version,
    values,
  });
  const previewInstall = () => act(async () => setPreview(await unwrap(planInstall(api, await body()))));
  // With the preview's token the platform installs exactly what was previewed, or refuses (409/609).
  const install = (planToken?: string) =>
    act(async () => {
      const answer = await unwrap(installRelease(api, { ...(await body()), planToken }));
      setPreview(null);
      setInstalled(answer);
    });
  const submit = (event: Event) => {
    event.preventDefault();
    void previewInstall();
  };

  const problem = yamlProblem(values);
  const ready = source !== null && target.name !== '' && target.namespace !== '' && problem === '' && !busy;
  return (
    <section>
      <h1 tabIndex={-1}>Install a chart</h1>
      <SourcePicker onLoad={load} busy={busy} initial={preset?.source} />
      {source && (
        <ChartDetails
          source={source}
          version={version}
          preferredVersion={source === preset?.source ? preset.version : ''}
          onVersion={setVersion}
          onView={viewed}
        />
      )}
      {source && (
        <form class="card" onSubmit={submit} aria-labelledby="release-heading">
          <h2 id="release-heading">Release</h2>
          <TargetFields target={target} contexts={contexts} onChange={retarget} />
          <ValuesForm schema={view?.schema ?? null} values={values} onChange={edit} />
          <YamlEditor
            id="install-values"
            label="Values (YAML)"
            hint="The chart's defaults; change what you need. Tab indents; press Escape, then Tab, to leave the editor."
            value={values}
            onChange={edit}
          />
          <div class="actions">
            <button type="submit" class="secondary" disabled={!ready}>
              Preview install
            </button>
            <button type="button" disabled={!ready} onClick={() => void install()}>
              Install
            </button>
          </div>
        </form>
      )}
      <Notice kind="error">{error}</Notice>
      {installed && (
        <Notice kind="success">
          Installed {installed.name} (revision {installed.version}, {installed.chart.metadata.name}-{installed.chart.metadata.version}) in {installed.namespace}
          .{' '}
          <Link
            href={withQuery(releasePath(target.context, installed.namespace, installed.name), {
              storage: target.storage === 'secret' ? undefined : target.storage,
            })}
          >
            Open {installed.name}
          </Link>
        </Notice>
      )}
      {preview && (
        <div class="card">
          <PlanPanel plan={preview} busy={busy} onApply={() => void install(preview.planToken)} onDiscard={() => setPreview(null)} />
        </div>
      )}
    </section>
  );
}
