import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { ClusterAddressPolicy } from './address-policy.js';

/**
 * The helm binary's only way out to clusters: a forward proxy on 127.0.0.1 (its kubeconfig's `proxy-url`)
 * that asks the address policy about every connection. helm's Kubernetes client follows redirects, so a
 * hostile "cluster" could otherwise send it anywhere the service can reach; through here, every hop of a
 * redirect is judged like the first. Tunnels (CONNECT, for https) and plain http requests both pass.
 */
export class ClusterEgressProxy {
  private server?: Promise<Server>;

  constructor(private readonly policy: ClusterAddressPolicy) {}

  /** `http://127.0.0.1:<port>`, listening from the first call on. */
  async url(): Promise<string> {
    this.server ??= this.listen();
    const { port } = (await this.server).address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    const server = await this.server;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  private async listen(): Promise<Server> {
    const server = createServer((request, response) => void this.forward(request, response));
    server.on('connect', (request: IncomingMessage, socket: Socket, head: Buffer) => void this.tunnel(request, socket, head));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    server.unref();
    return server;
  }

  private async tunnel(request: IncomingMessage, client: Socket, head: Buffer): Promise<void> {
    client.on('error', () => client.destroy());
    const target = await this.allowed(`https://${request.url ?? ''}`);
    if (!target) return void client.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
    const upstream = connect(Number(target.port || 443), target.address);
    // No Nagle on either side: helm's client speaks HTTP/2 in small frames, and a frame held back until the
    // previous one is acknowledged (a delayed ACK) would add that wait to every call the tunnel carries.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    upstream.on('error', () => client.destroy());
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    client.on('close', () => upstream.destroy());
  }

  private async forward(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = await this.allowed(request.url ?? '');
    if (!target || target.url.protocol !== 'http:') return void response.writeHead(403).end();
    const upstream = httpRequest(
      {
        host: target.address,
        port: Number(target.url.port || 80),
        method: request.method,
        path: `${target.url.pathname}${target.url.search}`,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  }

  /** The address to connect to, or undefined when the policy refuses the target (or it is not a URL). */
  private async allowed(target: string): Promise<{ url: URL; address: string; port: string } | undefined> {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return undefined;
    }
    try {
      return { url, address: await this.policy.check(url), port: url.port };
    } catch {
      return undefined;
    }
  }
}
