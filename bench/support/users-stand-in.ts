import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UserKubeconfig, UserKubeconfigVersion } from '@platform/contracts';

export interface UsersStandIn {
  url: string;
  close(): Promise<void>;
}

/**
 * The two internal routes of the users service that the releases service calls, answering for any user id
 * with the same kubeconfig and allowed contexts. FerretDB on SQLite (the local MongoDB) scans the whole
 * users collection for every query by numeric id, so a thousand real users take many minutes to create and
 * would slow every request of the benchmark; the releases service's memory does not depend on where the
 * kubeconfigs come from.
 */
export async function startUsersStandIn(rawKubeConfig: string, allowedContexts: string[]): Promise<UsersStandIn> {
  const server = createServer((request, response) => {
    const match = /^\/internal\/users\/([1-9][0-9]*)\/(kubeconfig|kubeconfig-version)$/.exec(request.url ?? '');
    if (request.method !== 'GET' || !match) {
      response.writeHead(404).end();
      return;
    }
    const userId = Number(match[1]);
    const body =
      match[2] === 'kubeconfig'
        ? UserKubeconfig.parse({ userId, kubeconfigVersion: 1, rawKubeConfig, allowedContexts })
        : UserKubeconfigVersion.parse({ userId, kubeconfigVersion: 1 });
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
