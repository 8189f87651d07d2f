import type { KubeContext } from '@platform/api-client';
import { useEffect, useState } from 'preact/hooks';
import { api, messageOf, unwrap } from '../api.js';
import { Notice } from '../components/notice.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { TableScroll } from '../components/table-scroll.js';

/** `usable`/`unusableReason` come with the contexts answer where the platform reports them. */
type ContextRow = KubeContext & { usable?: boolean; unusableReason?: string };

/** Store a kubeconfig, then choose which of its contexts the platform may use. */
export function KubeconfigPage() {
  const session = useSession();
  const userId = session.user!.id;
  const [contexts, setContexts] = useState<ContextRow[] | null>(null);
  const [allowed, setAllowed] = useState<Set<string>>(new Set());
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const [news, setNews] = useState('');
  const [busy, setBusy] = useState(false);

  const load = async () => {
    const rows = (await unwrap(api.GET('/api/users/{id}/contexts', { params: { path: { id: userId } } }))) as ContextRow[];
    setContexts(rows);
    setAllowed(new Set(rows.filter((row) => row.selected).map((row) => row.name)));
  };
  useEffect(() => {
    load().catch((failure) => setError(messageOf(failure)));
  }, [userId]);

  const run = async (action: () => Promise<void>, done: string) => {
    setBusy(true);
    setError('');
    setNews('');
    try {
      await action();
      await load();
      await session.refresh();
      setNews(done);
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };

  const storeKubeconfig = (event: Event) => {
    event.preventDefault();
    if (text.trim() === '') return setError('Paste a kubeconfig or choose a file first.');
    void run(async () => {
      await unwrap(api.PUT('/api/users/{id}', { params: { path: { id: userId } }, body: { rawKubeConfig: text } }));
      setText('');
    }, 'Kubeconfig stored. Choose the contexts the platform may use below.');
  };
  const saveAllowed = (event: Event) => {
    event.preventDefault();
    void run(async () => {
      await unwrap(api.PUT('/api/users/{id}', { params: { path: { id: userId } }, body: { allowedContexts: [...allowed].sort() } }));
    }, 'Allowed contexts saved.');
  };
  const readFile = async (event: Event) => {
    const file = (event.currentTarget as HTMLInputElement).files?.[0];
    if (file) setText(await file.text());
  };
  const toggle = (name: string, on: boolean) => {
    const next = new Set(allowed);
    if (on) next.add(name);
    else next.delete(name);
    setAllowed(next);
  };

  return (
    <section>
      <h1 tabIndex={-1}>Kubeconfig</h1>
      <Notice kind="error">{error}</Notice>
      <Notice kind="success">{news}</Notice>
      <div class="card">
        <h2>Contexts</h2>
        {contexts === null ? (
          <p>Loading…</p>
        ) : contexts.length === 0 ? (
          <p>No kubeconfig is stored yet. Store one below.</p>
        ) : (
          <form onSubmit={saveAllowed}>
            <TableScroll label="Contexts">
              <table>
                <caption class="visually-hidden">Contexts of the stored kubeconfig</caption>
                <thead>
                  <tr>
                    <th scope="col">Allow</th>
                    <th scope="col">Context</th>
                    <th scope="col">Cluster</th>
                    <th scope="col">Server</th>
                    <th scope="col">User</th>
                    <th scope="col">Usable</th>
                  </tr>
                </thead>
                <tbody>
                  {contexts.map((row) => {
                    const unusable = row.usable === false;
                    return (
                      <tr key={row.name} class={unusable ? 'muted' : undefined}>
                        <td>
                          <input
                            type="checkbox"
                            id={`allow-${row.name}`}
                            aria-label={`Allow ${row.name}`}
                            checked={allowed.has(row.name)}
                            disabled={unusable && !allowed.has(row.name)}
                            onChange={(e) => toggle(row.name, e.currentTarget.checked)}
                          />
                        </td>
                        <th scope="row">
                          <label for={`allow-${row.name}`}>{row.name}</label>
                        </th>
                        <td>{row.cluster}</td>
                        <td class="mono">{row.server}</td>
                        <td>{row.user}</td>
                        <td>
                          {unusable ? (
                            <span class="badge bad">No: {row.unusableReason ?? 'not usable by the platform'}</span>
                          ) : row.usable ? (
                            <span class="badge good">Yes</span>
                          ) : (
                            '—'
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </TableScroll>
            <div class="actions">
              <button type="submit" disabled={busy}>
                Save allowed contexts
              </button>
              {(session.user?.contexts?.length ?? 0) > 0 && <Link href="/releases">See releases</Link>}
            </div>
          </form>
        )}
      </div>
      <form class="card" onSubmit={storeKubeconfig}>
        <h2>{contexts && contexts.length > 0 ? 'Replace the kubeconfig' : 'Store a kubeconfig'}</h2>
        <p class="hint">
          Credentials must be inside the file (tokens or client certificates): the platform never reads files or runs programs a kubeconfig names. The
          kubeconfig is stored encrypted.
        </p>
        <label for="kubeconfig-file">Upload a file</label>
        <input id="kubeconfig-file" type="file" accept=".yaml,.yml,.json,.conf,text/*" onChange={(e) => void readFile(e)} />
        <label for="kubeconfig-text">Or paste it</label>
        <textarea id="kubeconfig-text" class="mono" rows={10} spellcheck={false} value={text} onInput={(e) => setText(e.currentTarget.value)} />
        <div class="actions">
          <button type="submit" disabled={busy}>
            Store kubeconfig
          </button>
        </div>
      </form>
    </section>
  );
}
