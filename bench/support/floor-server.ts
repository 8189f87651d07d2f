import { spawn } from 'node:child_process';
import { once } from 'node:events';

/** A process that answers every request at once: what any HTTP service on this runtime costs at least. */
export interface FloorServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * node's own HTTP server answering a small JSON body, nothing else: no framework, no logging, no other
 * connection. Run in a process of its own, as the services are, so that the same open-loop rate measures,
 * for this machine at this moment, the CPU a process spends being woken for a request and answering it,
 * and the latency of one loopback hop with the driver's own jitter.
 */
export async function startFloorServer(): Promise<FloorServer> {
  const program = `
    const server = require('node:http').createServer((request, response) => {
      response.setHeader('content-type', 'application/json; charset=utf-8');
      response.end('{"id":1,"email":"floor@bench.test","contexts":[]}');
    });
    server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;
  const child = spawn(process.execPath, ['-e', program], { stdio: ['ignore', 'pipe', 'inherit'] });
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
