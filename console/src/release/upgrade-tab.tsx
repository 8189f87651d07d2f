import { planUpgrade, type Release, type ReleasePlan } from '@platform/api-client';
import { useEffect, useState } from 'preact/hooks';
import { stringify } from 'yaml';
import { api, messageOf, unwrap } from '../api.js';
import { Notice } from '../components/notice.js';
import { YamlEditor, yamlProblem } from '../components/yaml-editor.js';
import { PlanPanel } from './plan-panel.js';
import { targetQuery, type ReleaseTarget } from './target.js';
import { useAction } from './use-action.js';

/** Edit the values, preview the upgrade's plan, then apply exactly that plan. */
export function UpgradeTab({ target, latest, onChanged }: { target: ReleaseTarget; latest: Release; onChanged: () => void }) {
  const [values, setValues] = useState<string | null>(null);
  const [plan, setPlan] = useState<ReleasePlan | null>(null);
  const { error, setError, news, setNews, busy, act } = useAction();

  useEffect(() => {
    let live = true;
    unwrap(api.GET('/api/releases/{name}/{revision}/values', { params: { path: { name: target.name, revision: latest.version }, query: targetQuery(target) } }))
      .then((found) => live && setValues(Object.keys(found.values).length === 0 ? '' : stringify(found.values)))
      .catch((failure) => {
        if (!live) return;
        setValues('');
        setError(messageOf(failure));
      });
    return () => void (live = false);
  }, [target.name, target.namespace, target.context, target.storage, latest.version]);

  const edit = (text: string) => {
    setValues(text);
    setPlan(null);
  };
  const body = () => ({ ...targetQuery(target), values: values ?? '' });
  const preview = (event: Event) => {
    event.preventDefault();
    void act(async () => {
      setPlan(await unwrap(planUpgrade(api, target.name, body())));
    });
  };
  const apply = () =>
    act(async () => {
      await unwrap(api.POST('/api/releases/{name}/upgrade', { params: { path: { name: target.name } }, body: { ...body(), planToken: plan!.planToken } }));
      setNews(`Upgraded: revision ${plan!.basedOnRevision + 1} is deployed.`);
      setPlan(null);
      onChanged();
    });

  if (values === null) return <p>Loading the current values…</p>;
  const problem = yamlProblem(values);
  return (
    <>
      <h2>Upgrade</h2>
      <form onSubmit={preview}>
        <YamlEditor
          id="upgrade-values"
          label="Values (YAML)"
          hint={`The user-supplied values of revision ${latest.version}. Empty keeps them as they are. Tab indents; press Escape, then Tab, to leave the editor.`}
          value={values}
          onChange={edit}
        />
        <div class="actions">
          <button type="submit" disabled={busy || problem !== ''}>
            Preview upgrade
          </button>
        </div>
      </form>
      <Notice kind="error">{error}</Notice>
      <Notice kind="success">{news}</Notice>
      {plan && <PlanPanel plan={plan} busy={busy} onApply={() => void apply()} onDiscard={() => setPlan(null)} />}
    </>
  );
}
