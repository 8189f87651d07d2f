import type { AddRepositoryBody } from '@platform/api-client';
import { useState } from 'preact/hooks';
import { api, unwrap } from '../api.js';
import { Notice } from '../components/notice.js';
import { useAction } from '../release/use-action.js';

type Credentials = 'none' | 'basic' | 'token';

/** Add a repository under a name: a Helm HTTP URL or an oci:// path, with basic auth, a token or nothing. */
export function AddRepositoryForm(props: { onAdded: (name: string) => void }) {
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [plainHttp, setPlainHttp] = useState(false);
  const [credentials, setCredentials] = useState<Credentials>('none');
  const [username, setUsername] = useState('');
  const [secret, setSecret] = useState('');
  const { error, busy, act } = useAction();
  const oci = url.trim().startsWith('oci://');

  const add = (event: Event) => {
    event.preventDefault();
    void act(async () => {
      const body: AddRepositoryBody = { name: name.trim(), url: url.trim() };
      if (oci && plainHttp) body.plainHttp = true;
      if (credentials === 'basic') Object.assign(body, { username, password: secret });
      if (credentials === 'token') body.token = secret;
      await unwrap(api.POST('/api/repositories', { body }));
      props.onAdded(body.name);
      setName('');
      setUrl('');
      setSecret('');
    });
  };

  return (
    <form class="card" onSubmit={add} aria-labelledby="add-repository-heading">
      <h2 id="add-repository-heading">Add a repository</h2>
      <div class="inline-fields">
        <div class="field">
          <label for="repository-name">Repository name</label>
          <input id="repository-name" required autoComplete="off" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="field wide">
          <label for="repository-url">URL (https://… or oci://…)</label>
          <input id="repository-url" required autoComplete="off" value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
        </div>
      </div>
      {oci && (
        <label class="check">
          <input type="checkbox" checked={plainHttp} onChange={(e) => setPlainHttp(e.currentTarget.checked)} /> The registry speaks plain HTTP (no TLS)
        </label>
      )}
      <fieldset class="choices">
        <legend>Credentials (stored encrypted, never shown again)</legend>
        {(
          [
            ['none', 'None'],
            ['basic', 'Username and password'],
            ['token', 'Bearer token'],
          ] as const
        ).map(([id, label]) => (
          <label class="check" key={id}>
            <input type="radio" name="credentials" checked={credentials === id} onChange={() => setCredentials(id)} /> {label}
          </label>
        ))}
      </fieldset>
      {credentials === 'basic' && (
        <div class="field">
          <label for="repository-username">Username</label>
          <input id="repository-username" autoComplete="off" value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
        </div>
      )}
      {credentials !== 'none' && (
        <div class="field">
          <label for="repository-secret">{credentials === 'basic' ? 'Password' : 'Token'}</label>
          <input id="repository-secret" type="password" autoComplete="off" value={secret} onInput={(e) => setSecret(e.currentTarget.value)} />
        </div>
      )}
      <Notice kind="error">{error}</Notice>
      <div class="actions">
        <button type="submit" disabled={busy || name.trim() === '' || url.trim() === ''}>
          Add repository
        </button>
      </div>
    </form>
  );
}
