import type { ApiToken, CreatedApiToken } from '@platform/api-client';
import { useEffect, useState } from 'preact/hooks';
import { api, messageOf, unwrap } from '../api.js';
import { Notice } from '../components/notice.js';
import { useAction } from '../release/use-action.js';
import { useSession } from '../session.js';
import { CreateTokenForm } from '../tokens/create-token-form.js';
import { TokensTable } from '../tokens/tokens-table.js';

/** Personal API tokens for scripts and CI (`Authorization: Bearer`): create, list, revoke. */
export function TokensPage() {
  const contexts = useSession().user?.contexts ?? [];
  const [tokens, setTokens] = useState<ApiToken[] | null>(null);
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const [loadError, setLoadError] = useState('');
  const { error, news, setNews, busy, act } = useAction();

  const load = () =>
    unwrap(api.GET('/api/tokens'))
      .then((found) => {
        setTokens(found);
        setLoadError('');
      })
      .catch((failure) => setLoadError(messageOf(failure)));
  useEffect(() => void load(), []);

  const onCreated = (token: CreatedApiToken) => {
    setCreated(token);
    setNews('');
    void load();
  };
  const revoke = (token: ApiToken) =>
    void act(async () => {
      await unwrap(api.DELETE('/api/tokens/{id}', { params: { path: { id: token.id } } }));
      if (created?.id === token.id) setCreated(null);
      setNews(`Token ${token.name} is revoked: it no longer works.`);
      await load();
    });

  return (
    <section>
      <h1 tabIndex={-1}>API tokens</h1>
      <p class="hint">
        For scripts and CI: send a token as <code>Authorization: Bearer &lt;token&gt;</code>. A token never manages tokens, the password or the kubeconfig.
      </p>
      {created && <NewToken token={created} />}
      <CreateTokenForm contexts={contexts} onCreated={onCreated} />
      <div class="card">
        <h2>Your tokens</h2>
        <Notice kind="error">{loadError || error}</Notice>
        <Notice kind="success">{news}</Notice>
        {tokens === null ? !loadError && <p>Loading…</p> : <TokensTable tokens={tokens} busy={busy} onRevoke={revoke} />}
      </div>
    </section>
  );
}

/** The secret, shown this once: the platform keeps only its hash. */
function NewToken({ token }: { token: CreatedApiToken }) {
  return (
    <div class="notice success" role="status">
      <p>Token {token.name} is created. Copy it now: it is shown only this once.</p>
      <label for="new-token">Your new token</label>
      <input id="new-token" class="mono wide" readOnly value={token.token} onFocus={(e) => e.currentTarget.select()} />
    </div>
  );
}
