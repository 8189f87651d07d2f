import { planRollback, type Release, type ReleasePlan } from '@platform/api-client';
import { useState } from 'preact/hooks';
import { api, unwrap } from '../api.js';
import { Notice } from '../components/notice.js';
import { PlanPanel } from './plan-panel.js';
import { RevisionPicker, revisionFrom } from './revision-picker.js';
import { targetQuery, type ReleaseTarget } from './target.js';
import { useAction } from './use-action.js';

/** Choose an earlier revision, preview what returning to it changes, then apply exactly that. */
export function RollbackTab(props: { target: ReleaseTarget; history: Release[]; query: URLSearchParams; onChanged: () => void }) {
  const { target, history } = props;
  const latest = history[history.length - 1]!.version;
  const earlier = history.filter((revision) => revision.version !== latest);
  const [revision, setRevision] = useState(revisionFrom(props.query, 'revision', earlier, earlier[earlier.length - 1]?.version ?? 0));
  const [plan, setPlan] = useState<ReleasePlan | null>(null);
  const { error, news, setNews, busy, act } = useAction();

  if (earlier.length === 0) return <p>This release has only one revision: there is nothing to roll back to.</p>;

  const preview = (event: Event) => {
    event.preventDefault();
    void act(async () => {
      setPlan(await unwrap(planRollback(api, target.name, { ...targetQuery(target), revision })));
    });
  };
  const apply = () =>
    act(async () => {
      await unwrap(
        api.POST('/api/releases/{name}/rollback', {
          params: { path: { name: target.name } },
          body: { ...targetQuery(target), revision, planToken: plan!.planToken },
        }),
      );
      setNews(`Rolled back to revision ${revision}: revision ${plan!.basedOnRevision + 1} is deployed.`);
      setPlan(null);
      props.onChanged();
    });

  return (
    <>
      <h2>Rollback</h2>
      <form onSubmit={preview} class="inline-fields">
        <RevisionPicker
          id="rollback-revision"
          label="Roll back to revision"
          history={earlier}
          value={revision}
          onChange={(chosen) => {
            setRevision(chosen);
            setPlan(null);
          }}
        />
        <div class="actions">
          <button type="submit" disabled={busy}>
            Preview rollback
          </button>
        </div>
      </form>
      <Notice kind="error">{error}</Notice>
      <Notice kind="success">{news}</Notice>
      {plan && <PlanPanel plan={plan} busy={busy} onApply={() => void apply()} onDiscard={() => setPlan(null)} />}
    </>
  );
}
