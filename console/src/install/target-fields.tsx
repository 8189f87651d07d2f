import type { InstallBody } from '@platform/api-client';

/** Where the release goes: every install names its release, namespace, context and storage. */
export type InstallTarget = Pick<InstallBody, 'name' | 'namespace' | 'context' | 'createNamespace'> & { storage: NonNullable<InstallBody['storage']> };

const storages: Array<InstallTarget['storage']> = ['secret', 'configmap'];

export function TargetFields(props: { target: InstallTarget; contexts: string[]; onChange: (target: InstallTarget) => void }) {
  const { target } = props;
  const change = (changes: Partial<InstallTarget>) => props.onChange({ ...target, ...changes });
  return (
    <div class="inline-fields">
      <div class="field">
        <label for="install-name">Release name</label>
        <input id="install-name" required autoComplete="off" value={target.name} onInput={(e) => change({ name: e.currentTarget.value.trim() })} />
      </div>
      <div class="field">
        <label for="install-namespace">Namespace</label>
        <input
          id="install-namespace"
          required
          autoComplete="off"
          value={target.namespace}
          onInput={(e) => change({ namespace: e.currentTarget.value.trim() })}
        />
      </div>
      <div class="field">
        <label for="install-context">Context</label>
        <select id="install-context" value={target.context} onChange={(e) => change({ context: e.currentTarget.value })}>
          {props.contexts.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="install-storage">Storage</label>
        <select id="install-storage" value={target.storage} onChange={(e) => change({ storage: e.currentTarget.value as InstallTarget['storage'] })}>
          {storages.map((storage) => (
            <option key={storage} value={storage}>
              {storage}
            </option>
          ))}
        </select>
      </div>
      <label class="check">
        <input type="checkbox" checked={target.createNamespace === true} onChange={(e) => change({ createNamespace: e.currentTarget.checked })} /> Create the
        namespace if it does not exist
      </label>
    </div>
  );
}
