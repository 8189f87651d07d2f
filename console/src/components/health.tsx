import type { ReleaseResources } from '@platform/api-client';
import { useEffect, useState } from 'preact/hooks';
import { api, messageOf, unwrap } from '../api.js';
import { targetQuery, type ReleaseTarget } from '../release/target.js';

const statusClass: Record<string, string> = { Current: 'good', InProgress: 'warn', Failed: 'bad', NotFound: 'bad', Unknown: 'neutral' };
const statusWords: Record<string, string> = {
  Current: 'Healthy',
  InProgress: 'In progress',
  Failed: 'Failed',
  NotFound: 'Missing objects',
  Unknown: 'Unknown',
};

export function HealthStatus({ status }: { status: string }) {
  return <span class={`badge ${statusClass[status] ?? 'neutral'}`}>{statusWords[status] ?? status}</span>;
}

/** The release's health as the API rates its deployed revision's objects (worst of them). */
export function useResources(target: ReleaseTarget, reloadKey: unknown = 0) {
  const [resources, setResources] = useState<ReleaseResources | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    let live = true;
    setError('');
    unwrap(
      api.GET('/api/releases/{name}/resources', {
        params: { path: { name: target.name }, query: targetQuery(target) },
      }),
    )
      .then((found) => live && setResources(found))
      .catch((failure) => live && setError(messageOf(failure)));
    return () => void (live = false);
  }, [target.name, target.namespace, target.context, target.storage, reloadKey]);
  return { resources, error };
}
