import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { AppError } from '@platform/service-kit';
import { ErrorCode } from '@platform/contracts';

/**
 * Cluster URLs are user input, so the service must not become a way into its own host or the cloud's
 * metadata endpoint. Addresses that resolve to loopback, unspecified, link-local or metadata ranges are refused
 * unless the operator's allowlist names them. Private ranges stay allowed: real clusters live there.
 * A refusal is 502/604 ("the cluster could not be reached"): by policy, this service will not reach it.
 */
const refused = new BlockList();
refused.addSubnet('127.0.0.0', 8, 'ipv4');
refused.addSubnet('0.0.0.0', 8, 'ipv4');
refused.addSubnet('169.254.0.0', 16, 'ipv4');
refused.addAddress('::1', 'ipv6');
refused.addAddress('::', 'ipv6');
refused.addSubnet('fe80::', 10, 'ipv6');
refused.addAddress('fd00:ec2::254', 'ipv6');

export type Resolver = (host: string) => Promise<string[]>;

const systemResolver: Resolver = async (host) => (await lookup(host, { all: true })).map((entry) => entry.address);

export class ClusterAddressPolicy {
  private readonly allowedSubnets = new BlockList();
  private readonly allowedEndpoints = new Set<string>();

  constructor(allowlist: readonly string[], private readonly resolve: Resolver = systemResolver) {
    for (const entry of allowlist) {
      const cidr = /^(.+)\/(\d{1,3})$/.exec(entry);
      if (cidr && isIP(cidr[1]!)) {
        this.allowedSubnets.addSubnet(cidr[1]!, Number(cidr[2]), isIP(cidr[1]!) === 6 ? 'ipv6' : 'ipv4');
      } else {
        this.allowedEndpoints.add(entry.toLowerCase());
      }
    }
  }

  /** The address to connect to for `server`; throws 502/604 when every address is refused or none resolves. */
  async check(server: URL): Promise<string> {
    const host = server.hostname.replace(/^\[|\]$/g, '');
    const port = server.port || (server.protocol === 'https:' ? '443' : '80');
    let addresses: string[];
    try {
      addresses = isIP(host) ? [host] : await this.resolve(host);
    } catch (error) {
      throw new AppError(502, ErrorCode.ClusterUnreachable, [`cluster unreachable: cannot resolve ${host}`], { cause: error });
    }
    // Every answer must pass: a name that resolves to one public and one loopback address is refused.
    for (const address of addresses) {
      if (!this.permits(unmapped(address), host, port)) {
        throw new AppError(502, ErrorCode.ClusterUnreachable, [`cluster address not allowed: ${host}`]);
      }
    }
    const first = addresses[0];
    if (!first) throw new AppError(502, ErrorCode.ClusterUnreachable, [`cluster unreachable: cannot resolve ${host}`]);
    return unmapped(first);
  }

  private permits(address: string, host: string, port: string): boolean {
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (!refused.check(address, family)) return true;
    if (this.allowedSubnets.check(address, family)) return true;
    const bracket = (name: string) => (name.includes(':') ? `[${name}]` : name);
    return this.allowedEndpoints.has(`${bracket(address)}:${port}`) || this.allowedEndpoints.has(`${bracket(host.toLowerCase())}:${port}`);
  }
}

/** `::ffff:127.0.0.1` is 127.0.0.1. */
function unmapped(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address;
}
