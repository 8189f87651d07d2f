import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request through a RecordingProxy, with what the caller sent and what the server answered. */
export interface ProxiedRequest {
  method: string;
  path: string;
  authorization?: string;
  ifNoneMatch?: string;
  status: number;
  etag?: string;
  lastModified?: string;
}

/**
 * A loopback HTTP proxy in front of `target` (`host:port`), passing every request and answer through unchanged
 * and keeping each one's headers that matter to credentials and caching: a test counts what a client asks a
 * real server, and sees what the server answered, without touching either.
 */
export async function startRecordingProxy(target: string) {
  const [host, port] = target.split(':');
  const requests: ProxiedRequest[] = [];
  const server = createServer((incoming, answer) => {
    const forwarded = request({ host, port, path: incoming.url, method: incoming.method, headers: incoming.headers }, (response) => {
      const { etag, 'last-modified': lastModified } = response.headers;
      const ifNoneMatch = incoming.headers['if-none-match'];
      requests.push({
        method: incoming.method ?? 'GET',
        path: incoming.url ?? '/',
        ...(incoming.headers.authorization ? { authorization: incoming.headers.authorization } : {}),
        ...(ifNoneMatch !== undefined ? { ifNoneMatch } : {}),
        status: response.statusCode ?? 0,
        ...(etag !== undefined ? { etag } : {}),
        ...(lastModified !== undefined ? { lastModified } : {}),
      });
      answer.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(answer);
    });
    forwarded.on('error', () => answer.writeHead(502).end());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type RecordingProxy = Awaited<ReturnType<typeof startRecordingProxy>>;
