import type { CreateApiTokenBody, CreatedApiToken } from '@platform/api-client';
import { useState } from 'preact/hooks';
import { api, unwrap } from '../api.js';
import { useAction } from '../release/use-action.js';
import { Notice } from '../components/notice.js';

/** A date `days` from today as the date input writes it (YYYY-MM-DD). */
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** Comma- or space-separated names; none means "not limited". */
const namesOf = (text: string) => [...new Set(text.split(/[\s,]+/).filter(Boolean))];

/** Create a token: access, an expiry (required by the platform, at most a year ahead) and optional limits. */
export function CreateTokenForm(props: { contexts: string[]; onCreated: (token: CreatedApiToken) => void }) {
  const [name, setName] = useState('');
  const [access, setAccess] = useState<'read' | 'write'>('read');
  const [expires, setExpires] = useState(inDays(90));
  const [contexts, setContexts] = useState<string[]>([]);
  const [namespaces, setNamespaces] = useState('');
  const [releases, setReleases] = useState('');
  const { error, busy, act } = useAction();

  const create = (event: Event) => {
    event.preventDefault();
    void act(async () => {
      // The end of the chosen day in the person's own time zone: "expires on the 3rd" includes the 3rd.
      const scope: CreateApiTokenBody['scope'] = { access };
      if (contexts.length > 0) scope.contexts = contexts;
      if (namesOf(namespaces).length > 0) scope.namespaces = namesOf(namespaces);
      if (namesOf(releases).length > 0) scope.releases = namesOf(releases);
      const body = { name: name.trim(), expiresAt: new Date(`${expires}T23:59:59`).toISOString(), scope };
      props.onCreated(await unwrap(api.POST('/api/tokens', { body })));
      setName('');
    });
  };
  const toggle = (context: string, on: boolean) => setContexts(on ? [...contexts, context].sort() : contexts.filter((each) => each !== context));

  return (
    <form class="card" onSubmit={create} aria-labelledby="create-token-heading">
      <h2 id="create-token-heading">New token</h2>
      <div class="inline-fields">
        <div class="field">
          <label for="token-name">Token name</label>
          <input id="token-name" required maxLength={100} autoComplete="off" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="token-expires">Expires on</label>
          <input id="token-expires" type="date" required min={inDays(1)} max={inDays(365)} value={expires} onInput={(e) => setExpires(e.currentTarget.value)} />
        </div>
      </div>
      <fieldset class="choices">
        <legend>Access</legend>
        <label class="check">
          <input type="radio" name="access" checked={access === 'read'} onChange={() => setAccess('read')} /> Read (GET calls only)
        </label>
        <label class="check">
          <input type="radio" name="access" checked={access === 'write'} onChange={() => setAccess('write')} /> Read and write (install, upgrade, roll back,
          uninstall)
        </label>
      </fieldset>
      <fieldset class="choices">
        <legend>Only these contexts (none: every allowed context)</legend>
        {props.contexts.map((context) => (
          <label class="check" key={context}>
            <input type="checkbox" checked={contexts.includes(context)} onChange={(e) => toggle(context, e.currentTarget.checked)} /> {context}
          </label>
        ))}
      </fieldset>
      <div class="inline-fields">
        <div class="field wide">
          <label for="token-namespaces">Only these namespaces (comma-separated; empty: all)</label>
          <input id="token-namespaces" autoComplete="off" value={namespaces} onInput={(e) => setNamespaces(e.currentTarget.value)} />
        </div>
        <div class="field wide">
          <label for="token-releases">Only these releases (comma-separated; empty: all)</label>
          <input id="token-releases" autoComplete="off" value={releases} onInput={(e) => setReleases(e.currentTarget.value)} />
        </div>
      </div>
      <Notice kind="error">{error}</Notice>
      <div class="actions">
        <button type="submit" disabled={busy || name.trim() === ''}>
          Create token
        </button>
      </div>
    </form>
  );
}
