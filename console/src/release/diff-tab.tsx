import type { Release, ReleaseDiff } from '@platform/api-client';
import { useEffect, useState } from 'preact/hooks';
import { api, messageOf, unwrap } from '../api.js';
import { DiffView } from '../components/diff-view.js';
import { Notice } from '../components/notice.js';
import type { TabHref } from '../pages/release-page.js';
import { navigate } from '../router.js';
import { RevisionPicker, revisionFrom } from './revision-picker.js';
import { targetQuery, type ReleaseTarget } from './target.js';

/** What changed between any two revisions (by default the one before the latest, and the latest). */
export function DiffTab(props: { target: ReleaseTarget; history: Release[]; query: URLSearchParams; tabHref: TabHref }) {
  const { target, history, query } = props;
  const latest = history[history.length - 1]!.version;
  const to = revisionFrom(query, 'to', history, latest);
  const from = revisionFrom(query, 'from', history, history[history.length - 2]?.version ?? latest);
  const [diff, setDiff] = useState<ReleaseDiff | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    let live = true;
    setDiff(null);
    setError('');
    unwrap(api.GET('/api/releases/{name}/diff', { params: { path: { name: target.name }, query: { ...targetQuery(target), from, to } } }))
      .then((found) => live && setDiff(found))
      .catch((failure) => live && setError(messageOf(failure)));
    return () => void (live = false);
  }, [target.name, target.namespace, target.context, target.storage, from, to]);

  const choose = (side: 'from' | 'to', revision: number) =>
    navigate(props.tabHref('diff', { from: side === 'from' ? revision : from, to: side === 'to' ? revision : to }), { replace: true });
  return (
    <>
      <h2>
        Diff between revisions {from} and {to}
      </h2>
      <div class="inline-fields">
        <RevisionPicker id="diff-from" label="From revision" history={history} value={from} onChange={(revision) => choose('from', revision)} />
        <RevisionPicker id="diff-to" label="To revision" history={history} value={to} onChange={(revision) => choose('to', revision)} />
      </div>
      <Notice kind="error">{error}</Notice>
      {diff && <DiffView diff={diff} />}
    </>
  );
}
