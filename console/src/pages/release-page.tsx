import type { Release } from '@platform/api-client';
import { useEffect, useState } from 'preact/hooks';
import { api, messageOf, unwrap } from '../api.js';
import { Notice } from '../components/notice.js';
import { StatusBadge, formatTime } from '../components/release-bits.js';
import { AuditTab } from '../release/audit-tab.js';
import { DiffTab } from '../release/diff-tab.js';
import { HistoryTab } from '../release/history-tab.js';
import { OverviewTab } from '../release/overview-tab.js';
import { RevisionTab } from '../release/revision-tab.js';
import { RollbackTab } from '../release/rollback-tab.js';
import { targetQuery, type ReleaseTarget } from '../release/target.js';
import { UninstallTab } from '../release/uninstall-tab.js';
import { UpgradeTab } from '../release/upgrade-tab.js';
import type { Storage } from '../release-list.js';
import { Link, withQuery } from '../router.js';

const tabs = [
  ['overview', 'Overview'],
  ['history', 'History'],
  ['revision', 'Revision'],
  ['diff', 'Diff'],
  ['upgrade', 'Upgrade'],
  ['rollback', 'Rollback'],
  ['uninstall', 'Uninstall'],
  ['audit', 'Audit'],
] as const;
type Tab = (typeof tabs)[number][0];

/** One release: its revisions, views of any of them, diffs, and upgrade or rollback with a preview first. */
export function ReleasePage(props: { context: string; namespace: string; name: string; query: URLSearchParams }) {
  const storage = (props.query.get('storage') as Storage | null) ?? 'secret';
  const target: ReleaseTarget = { name: props.name, namespace: props.namespace, context: props.context, storage };
  const requested = props.query.get('tab');
  const tab: Tab = tabs.some(([id]) => id === requested) ? (requested as Tab) : 'overview';
  const [history, setHistory] = useState<Release[] | null>(null);
  const [error, setError] = useState('');
  const [version, setVersion] = useState(0);
  const path = location.pathname;
  const tabHref = (id: Tab, extra: Record<string, string | number | undefined> = {}) =>
    withQuery(path, { storage: storage === 'secret' ? undefined : storage, tab: id === 'overview' ? undefined : id, ...extra });

  useEffect(() => {
    let live = true;
    unwrap(api.GET('/api/releases/{name}/history', { params: { path: { name: target.name }, query: targetQuery(target) } }))
      .then((found) => {
        if (!live) return;
        setHistory(found);
        setError('');
      })
      .catch((failure) => live && setError(messageOf(failure)));
    return () => void (live = false);
  }, [props.context, props.namespace, props.name, storage, version]);

  const latest = history?.[history.length - 1];
  const changed = () => setVersion((count) => count + 1);

  return (
    <section>
      <p class="crumbs">
        <Link href="/releases">Releases</Link> / {props.context} / {props.namespace}
      </p>
      <h1 tabIndex={-1}>{props.name}</h1>
      {latest && (
        <p class="release-facts">
          <StatusBadge status={latest.info.status} /> revision {latest.version} · {latest.chart.metadata.name}-{latest.chart.metadata.version} · last deployed{' '}
          {formatTime(latest.info.last_deployed)}
        </p>
      )}
      <Notice kind="error">{error}</Notice>
      <nav class="tabs" aria-label="Release views">
        {tabs.map(([id, label]) => (
          <Link key={id} href={tabHref(id)} aria-current={tab === id ? 'page' : undefined}>
            {label}
          </Link>
        ))}
      </nav>
      {history && latest && (
        <div class="card">
          {tab === 'overview' && <OverviewTab target={target} latest={latest} version={version} />}
          {tab === 'history' && <HistoryTab history={history} tabHref={tabHref} />}
          {tab === 'revision' && <RevisionTab target={target} history={history} query={props.query} tabHref={tabHref} />}
          {tab === 'diff' && <DiffTab target={target} history={history} query={props.query} tabHref={tabHref} />}
          {tab === 'upgrade' && <UpgradeTab target={target} latest={latest} onChanged={changed} />}
          {tab === 'rollback' && <RollbackTab target={target} history={history} query={props.query} onChanged={changed} />}
          {tab === 'uninstall' && <UninstallTab target={target} onChanged={changed} />}
          {tab === 'audit' && <AuditTab target={target} />}
        </div>
      )}
    </section>
  );
}

export type TabHref = (tab: Tab, extra?: Record<string, string | number | undefined>) => string;
