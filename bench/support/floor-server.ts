import { spawn } from 'node:child_process';
import { once } from 'node:events';

/** A bare process the benchmarks compare the platform's own with: what any service here costs at least. */
export interface FloorServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * node's own HTTP server answering a small JSON body, nothing else: no framework, no logging, no other
 * connection. Run in a process of its own, as the services are, so that the same open-loop rate measures,
 * for this machine at this moment, the CPU a process spends being woken for a request and answering it,
 * and the latency of one loopback hop with the driver's own jitter. `?bytes=N` answers N bytes (spaces, made
 * once per size) instead: the cost of moving an answer of that size, with nothing computed for it.
 */
export function startFloorServer(): Promise<FloorServer> {
  return startProgram(`
    const bodies = new Map();
    const server = require('node:http').createServer((request, response) => {
      response.setHeader('content-type', 'application/json; charset=utf-8');
      const sized = /[?&]bytes=(\\d+)/.exec(request.url);
      if (!sized) return response.end('{"id":1,"email":"floor@bench.test","contexts":[]}');
      const bytes = Number(sized[1]);
      if (!bodies.has(bytes)) bodies.set(bytes, Buffer.alloc(bytes, 0x20));
      response.end(bodies.get(bytes));
    });
    server.listen(0, '127.0.0.1', () => console.log(server.address().port));`);
}

/**
 * The least a proxy with sessions in Redis does for a request: one `GET` of a session key (plain RESP on one
 * connection, no client library) and then the request forwarded to `upstreamUrl` on a keep-alive agent, the
 * answer piped back; no framework, no authorization, no signing, no logging. Clients send what the upstream
 * needs themselves (a signed identity). The latency it adds over calling the upstream directly bounds what
 * the gateway can add: the gateway makes the same two round trips, and more.
 */
export function startSessionProxyFloor(upstreamUrl: string, redisUrl: string): Promise<FloorServer> {
  return startProgram(
    `
    const http = require('node:http');
    const [upstream, redisAddress] = process.argv.slice(1).map((url) => new URL(url));
    const key = 'bench-floor:' + process.pid;
    const command = (...words) => '*' + words.length + '\\r\\n' + words.map((word) => '$' + Buffer.byteLength(word) + '\\r\\n' + word + '\\r\\n').join('');
    const redis = require('node:net').connect(Number(redisAddress.port || 6379), redisAddress.hostname);
    redis.setNoDelay(true);
    // Answers come in order: each one (a line, or a bulk string after its length line) calls the oldest waiter.
    const waiting = [];
    let pending = Buffer.alloc(0);
    redis.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const lineEnd = pending.indexOf('\\r\\n');
        if (lineEnd < 0) return;
        const length = pending[0] === 0x24 ? Number(pending.subarray(1, lineEnd)) : -1;
        const end = length < 0 ? lineEnd + 2 : lineEnd + 4 + length;
        if (pending.length < end) return;
        pending = pending.subarray(end);
        waiting.shift()();
      }
    });
    const agent = new http.Agent({ keepAlive: true });
    const server = http.createServer((request, response) => {
      waiting.push(() => {
        const forwarded = http.request(
          { host: upstream.hostname, port: upstream.port, path: request.url, method: request.method, headers: request.headers, agent },
          (answer) => {
            response.writeHead(answer.statusCode, answer.headers);
            answer.pipe(response);
          },
        );
        forwarded.on('error', () => response.destroy());
        request.pipe(forwarded);
      });
      redis.write(command('GET', key));
    });
    waiting.push(() => server.listen(0, '127.0.0.1', () => console.log(server.address().port)));
    redis.write(command('SET', key, JSON.stringify({ userId: 1, createdAt: Date.now() }), 'EX', '3600'));`,
    [upstreamUrl, redisUrl],
  );
}

async function startProgram(program: string, args: string[] = []): Promise<FloorServer> {
  const child = spawn(process.execPath, ['-e', program, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [port] = (await once(child.stdout, 'data')) as [Buffer];
  return {
    url: `http://127.0.0.1:${port.toString().trim()}`,
    pid: child.pid!,
    stop: async () => {
      const exited = once(child, 'exit');
      child.kill();
      await exited;
    },
  };
}
