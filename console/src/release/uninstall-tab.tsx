import { useState } from 'preact/hooks';
import { api, messageOf, unwrap } from '../api.js';
import { Notice } from '../components/notice.js';
import { Link } from '../router.js';
import type { ReleaseTarget } from './target.js';

/** Uninstall, confirmed by typing the release's name; with its history kept it can still be rolled back. */
export function UninstallTab({ target, onChanged }: { target: ReleaseTarget; onChanged: () => void }) {
  const [confirmation, setConfirmation] = useState('');
  const [keepHistory, setKeepHistory] = useState(false);
  const [error, setError] = useState('');
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const uninstall = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      const query = {
        namespace: target.namespace,
        context: target.context,
        storage: target.storage === 'memory' ? undefined : target.storage,
        keepHistory: keepHistory || undefined,
      };
      await unwrap(api.DELETE('/api/releases/{name}', { params: { path: { name: target.name }, query } }));
      setDone(true);
      if (keepHistory) onChanged();
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };

  if (done) {
    return (
      <Notice kind="success">
        {target.name} is uninstalled{keepHistory ? '; its history is kept and it can be rolled back' : ''}. <Link href="/releases">Back to the releases</Link>
      </Notice>
    );
  }
  return (
    <>
      <h2>Uninstall</h2>
      <p>Removes the release's objects from the cluster (its delete hooks run), as `helm uninstall` does.</p>
      <form onSubmit={uninstall}>
        <label class="check">
          <input type="checkbox" checked={keepHistory} onChange={(e) => setKeepHistory(e.currentTarget.checked)} /> Keep the history (the release can be rolled
          back later)
        </label>
        <label for="uninstall-confirm">Type the release name, {target.name}, to confirm</label>
        <input id="uninstall-confirm" autoComplete="off" value={confirmation} onInput={(e) => setConfirmation(e.currentTarget.value)} />
        <Notice kind="error">{error}</Notice>
        <div class="actions">
          <button type="submit" class="danger" disabled={busy || confirmation !== target.name}>
            Uninstall {target.name}
          </button>
        </div>
      </form>
    </>
  );
}
