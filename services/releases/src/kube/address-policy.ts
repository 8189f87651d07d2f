import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { AppError } from '@platform/service-kit';
import { ErrorCode } from '@platform/contracts';

/**
 * Cluster URLs are user input, so the service must not become a way into its own host, its own network or
 * the cloud's metadata endpoints. Addresses in these ranges are refused unless the operator's allowlist
 * names them (operators list their clusters' CIDRs; `npm start` lists the local test cluster).
 * A refusal is 502/604 ("the cluster could not be reached"): by policy, this service will not reach it.
 */
const refused = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // shared address space (carrier NAT; Alibaba's metadata 100.100.100.200)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (AWS, GCP, Azure, OpenStack metadata 169.254.169.254)
  ['168.63.129.16', 32], // Azure's host endpoint (WireServer: VM agent settings and certificates), a public address
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments (Oracle's metadata 192.0.0.192)
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  refused.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b:1::', 48], // local-use NAT64
  ['fc00::', 7], // unique local (AWS's metadata fd00:ec2::254)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed by some)
  ['ff00::', 8], // multicast
] as const) {
  refused.addSubnet(network, prefix, 'ipv6');
}

export type Resolver = (host: string) => Promise<string[]>;

const systemResolver: Resolver = async (host) => (await lookup(host, { all: true })).map((entry) => entry.address);

export class ClusterAddressPolicy {
  private readonly allowedSubnets = new BlockList();
  private readonly allowedEndpoints = new Set<string>();

  constructor(
    allowlist: readonly string[],
    private readonly resolve: Resolver = systemResolver,
  ) {
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
      addresses = (isIP(host) ? [host] : await this.resolve(host)).map((address) => address.split('%')[0]!);
    } catch (error) {
      throw new AppError(502, ErrorCode.ClusterUnreachable, [`cluster unreachable: cannot resolve ${host}`], { cause: error });
    }
    // Every answer must pass: a name that resolves to one public and one loopback address is refused.
    for (const address of addresses) {
      if (!this.permits(address, host, port)) {
        throw new AppError(502, ErrorCode.ClusterUnreachable, [`cluster address not allowed: ${host}`]);
      }
    }
    const first = addresses[0];
    if (!first) throw new AppError(502, ErrorCode.ClusterUnreachable, [`cluster unreachable: cannot resolve ${host}`]);
    // An IPv4-mapped address is the IPv4 address; other embeddings (NAT64) are reached as they are.
    return /^::ffff:/i.test(first) ? unmapped(first) : first;
  }

  /** Judged as itself and as the IPv4 address it carries: refused if either is, unless the allowlist names one. */
  private permits(address: string, host: string, port: string): boolean {
    const forms = [...new Set([address, unmapped(address)])];
    const family = (form: string) => (isIP(form) === 6 ? 'ipv6' : 'ipv4');
    if (!forms.some((form) => refused.check(form, family(form)))) return true;
    if (forms.some((form) => this.allowedSubnets.check(form, family(form)))) return true;
    const bracket = (name: string) => (name.includes(':') ? `[${name}]` : name);
    return [...forms, host.toLowerCase()].some((name) => this.allowedEndpoints.has(`${bracket(name)}:${port}`));
  }
}

/**
 * The IPv4 address inside an IPv6 one that carries it, so it is judged as itself: IPv4-mapped
 * (`::ffff:127.0.0.1`), IPv4-compatible (`::127.0.0.1`), IPv4-translated (`::ffff:0:a.b.c.d`), NAT64
 * (`64:ff9b::a.b.c.d`) and 6to4 (`2002:AABB:CCDD::`), in dotted or hex form.
 */
export function unmapped(address: string): string {
  if (isIP(address) !== 6) return address;
  const words = ipv6Words(address);
  const v4 = (high: number, low: number) => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  const zeros = (from: number, to: number) => words.slice(from, to).every((word) => word === 0);
  if (zeros(0, 5) && words[5] === 0xffff) return v4(words[6]!, words[7]!);
  if (zeros(0, 4) && words[4] === 0xffff && words[5] === 0) return v4(words[6]!, words[7]!);
  if (zeros(0, 6) && (words[6] !== 0 || words[7]! > 1)) return v4(words[6]!, words[7]!);
  if (words[0] === 0x64 && words[1] === 0xff9b && zeros(2, 6)) return v4(words[6]!, words[7]!);
  if (words[0] === 0x2002) return v4(words[1]!, words[2]!);
  return address;
}

/** The eight 16-bit words of an IPv6 address (`::` expanded, a dotted IPv4 tail read as two words). */
function ipv6Words(address: string): number[] {
  const withoutZone = address.split('%')[0]!;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(withoutZone);
  const hex = dotted
    ? withoutZone.slice(0, dotted.index) +
      [(Number(dotted[1]) << 8) | Number(dotted[2]), (Number(dotted[3]) << 8) | Number(dotted[4])].map((word) => word.toString(16)).join(':')
    : withoutZone;
  const [head, tail] = hex.split('::') as [string, string | undefined];
  const parse = (part: string | undefined) => (part ? part.split(':').map((word) => parseInt(word, 16)) : []);
  const headWords = parse(head);
  const tailWords = parse(tail);
  const fill = tail === undefined ? [] : new Array<number>(8 - headWords.length - tailWords.length).fill(0);
  return [...headWords, ...fill, ...tailWords];
}
