import type { ChartRepository } from '@platform/api-client';
import { useEffect, useState } from 'preact/hooks';
import { api, messageOf, unwrap } from '../api.js';
import { ConfirmAction } from '../components/confirm-action.js';
import { formatTime } from '../components/release-bits.js';
import { Notice } from '../components/notice.js';
import { useAction } from '../release/use-action.js';
import { AddRepositoryForm } from '../repositories/add-repository-form.js';
import { ChartSearch } from '../repositories/chart-search.js';
import { TableScroll } from '../components/table-scroll.js';

/** The user's chart repositories: installs name them instead of a URL, and use their stored credentials; their charts searched at once. */
export function RepositoriesPage({ query }: { query: URLSearchParams }) {
  const [repositories, setRepositories] = useState<ChartRepository[] | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [loadError, setLoadError] = useState('');
  const { error, news, setNews, busy, act } = useAction();

  const load = () =>
    unwrap(api.GET('/api/repositories'))
      .then((found) => {
        setRepositories(found);
        setLoadError('');
      })
      .catch((failure) => setLoadError(messageOf(failure)));
  useEffect(() => void load(), []);

  const remove = (name: string) =>
    void act(async () => {
      await unwrap(api.DELETE('/api/repositories/{name}', { params: { path: { name } } }));
      setConfirming(null);
      setNews(`Repository ${name} is removed, with its credentials.`);
      await load();
    });

  return (
    <section>
      <h1 tabIndex={-1}>Chart repositories</h1>
      <p class="hint">On the Install page, a repository's name stands for its URL and credentials.</p>
      {/* A list that failed to load lets the search run all the same: it reads the repositories itself, and says so if it cannot. */}
      <ChartSearch query={query} repositories={repositories?.map((repository) => repository.name).join(' ') ?? (loadError === '' ? null : '')} />
      <AddRepositoryForm
        onAdded={(name) => {
          setNews(`Repository ${name} is added.`);
          void load();
        }}
      />
      <div class="card">
        <h2>Your repositories</h2>
        <Notice kind="error">{loadError || error}</Notice>
        <Notice kind="success">{news}</Notice>
        {repositories?.length === 0 && <p>No repository yet.</p>}
        {repositories && repositories.length > 0 && (
          <TableScroll label="Chart repositories">
            <table>
              <caption class="visually-hidden">Chart repositories</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">URL</th>
                  <th scope="col">Credentials</th>
                  <th scope="col">Added</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {repositories.map((repository) => (
                  <tr key={repository.name}>
                    <th scope="row">{repository.name}</th>
                    <td class="mono">
                      {repository.url}
                      {repository.plainHttp ? ' (plain HTTP)' : ''}
                    </td>
                    <td>{repository.hasCredentials ? 'stored' : 'none'}</td>
                    <td>{formatTime(repository.createdAt)}</td>
                    <td class="row-actions">
                      <ConfirmAction
                        verb="Remove"
                        name={repository.name}
                        asking={confirming === repository.name}
                        busy={busy}
                        onAsk={() => setConfirming(repository.name)}
                        onCancel={() => setConfirming(null)}
                        onConfirm={() => remove(repository.name)}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        )}
      </div>
    </section>
  );
}
