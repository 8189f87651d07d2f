import type { Release } from '@platform/api-client';
import { useEffect, useState } from 'preact/hooks';
import { stringify } from 'yaml';
import { api, messageOf, unwrap } from '../api.js';
import { Notice } from '../components/notice.js';
import type { TabHref } from '../pages/release-page.js';
import { Link, navigate } from '../router.js';
import { RevisionPicker, revisionFrom } from './revision-picker.js';
import { targetQuery, type ReleaseTarget } from './target.js';

const views = [
  ['values', 'Values'],
  ['computed', 'Computed values'],
  ['manifest', 'Manifest'],
  ['notes', 'Notes'],
] as const;
type View = (typeof views)[number][0];

/** The values, computed values, manifest or notes of any revision. */
export function RevisionTab(props: { target: ReleaseTarget; history: Release[]; query: URLSearchParams; tabHref: TabHref }) {
  const { target, history, query } = props;
  const revision = revisionFrom(query, 'revision', history, history[history.length - 1]!.version);
  const requested = query.get('view');
  const view: View = views.some(([id]) => id === requested) ? (requested as View) : 'values';
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    let live = true;
    setText(null);
    setError('');
    const path = { name: target.name, revision };
    const load = async (): Promise<string> => {
      if (view === 'manifest')
        return (await unwrap(api.GET('/api/releases/{name}/{revision}/manifest', { params: { path, query: targetQuery(target) } }))).manifest;
      if (view === 'notes') return (await unwrap(api.GET('/api/releases/{name}/{revision}/notes', { params: { path, query: targetQuery(target) } }))).notes;
      const found = await unwrap(
        api.GET('/api/releases/{name}/{revision}/values', { params: { path, query: { ...targetQuery(target), all: view === 'computed' || undefined } } }),
      );
      return Object.keys(found.values).length === 0 ? '' : stringify(found.values);
    };
    load()
      .then((found) => live && setText(found))
      .catch((failure) => live && setError(messageOf(failure)));
    return () => void (live = false);
  }, [target.name, target.namespace, target.context, target.storage, revision, view]);

  const empty = {
    values: "No user-supplied values: the chart's defaults apply.",
    computed: 'No values.',
    manifest: 'No manifest.',
    notes: 'This chart has no notes.',
  }[view];
  return (
    <>
      <h2>Revision {revision}</h2>
      <div class="inline-fields">
        <RevisionPicker
          id="revision-select"
          label="Revision"
          history={history}
          value={revision}
          onChange={(chosen) => navigate(props.tabHref('revision', { revision: chosen, view: view === 'values' ? undefined : view }), { replace: true })}
        />
      </div>
      <nav class="tabs sub" aria-label="Revision views">
        {views.map(([id, label]) => (
          <Link key={id} href={props.tabHref('revision', { revision, view: id === 'values' ? undefined : id })} aria-current={view === id ? 'page' : undefined}>
            {label}
          </Link>
        ))}
      </nav>
      <Notice kind="error">{error}</Notice>
      {text !== null &&
        (text.trim() === '' ? (
          <p class="hint">{empty}</p>
        ) : (
          <pre class="code" tabIndex={0} aria-label={`${views.find(([id]) => id === view)![1]} of revision ${revision}`}>
            {text}
          </pre>
        ))}
    </>
  );
}
