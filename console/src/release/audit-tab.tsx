import { api, unwrap } from '../api.js';
import { useAuditPages } from '../audit/audit-pages.js';
import { AuditTable } from '../audit/audit-table.js';
import { Notice } from '../components/notice.js';
import { Link, withQuery } from '../router.js';
import type { ReleaseTarget } from './target.js';

/** The release's own audit events (this namespace and context), newest first: who did what, and how it went. */
export function AuditTab({ target }: { target: ReleaseTarget }) {
  const scope = { namespace: target.namespace, context: target.context };
  const pages = useAuditPages(
    (cursor) => unwrap(api.GET('/api/releases/{name}/audit', { params: { path: { name: target.name }, query: { ...scope, cursor } } })),
    JSON.stringify({ name: target.name, ...scope }),
  );
  return (
    <>
      <h2>Audit</h2>
      <p class="hint">
        Installs, upgrades, rollbacks and uninstalls made through the platform, by you. Changes made with the helm CLI leave no event here.{' '}
        <Link href={withQuery('/audit', { release: target.name, ...scope })}>All your events of this release on the Audit page</Link>
      </p>
      <Notice kind="error">{pages.error}</Notice>
      <AuditTable pages={pages} forRelease empty="No event of this release yet." />
    </>
  );
}
