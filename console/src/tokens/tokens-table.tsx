import type { ApiToken } from '@platform/api-client';
import { useState } from 'preact/hooks';
import { ConfirmAction } from '../components/confirm-action.js';
import { formatTime } from '../components/release-bits.js';
import { TableScroll } from '../components/table-scroll.js';

const limitsOf = (scope: ApiToken['scope']) =>
  [
    scope.contexts && `contexts ${scope.contexts.join(', ')}`,
    scope.namespaces && `namespaces ${scope.namespaces.join(', ')}`,
    scope.releases && `releases ${scope.releases.join(', ')}`,
  ]
    .filter(Boolean)
    .join('; ') || 'none';

/** The tokens, each revocable after a confirmation that names it (a revoked token stops working at once). */
export function TokensTable(props: { tokens: ApiToken[]; busy: boolean; onRevoke: (token: ApiToken) => void }) {
  const [confirming, setConfirming] = useState<string | null>(null);
  if (props.tokens.length === 0) return <p>No token yet.</p>;
  return (
    <TableScroll label="API tokens">
      <table>
        <caption class="visually-hidden">API tokens</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Access</th>
            <th scope="col">Limited to</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.tokens.map((token) => (
            <tr key={token.id}>
              <th scope="row">{token.name}</th>
              <td>{token.scope.access}</td>
              <td>{limitsOf(token.scope)}</td>
              <td>{formatTime(token.createdAt)}</td>
              <td>{formatTime(token.expiresAt)}</td>
              <td>{token.lastUsedAt ? formatTime(token.lastUsedAt) : 'never'}</td>
              <td class="row-actions">
                <ConfirmAction
                  verb="Revoke"
                  name={token.name}
                  asking={confirming === token.id}
                  busy={props.busy}
                  onAsk={() => setConfirming(token.id)}
                  onCancel={() => setConfirming(null)}
                  onConfirm={() => props.onRevoke(token)}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
