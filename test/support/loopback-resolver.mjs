// Preloaded (--import) into every service a test platform starts (test/support/platform.ts): host names
// resolve only when they are IP literals or localhost. Made-up names that a fuzzer or a test sends (chart
// repository and registry URLs, cluster servers) then fail as unknown hosts here, instead of becoming DNS
// queries that leave the machine. Address-policy decisions on names are unit-tested with resolver stubs.
import dns from 'node:dns';
import dnsPromises from 'node:dns/promises';
import { syncBuiltinESMExports } from 'node:module';
import { isIP } from 'node:net';
import process from 'node:process';

const resolvable = (hostname) => isIP(hostname) !== 0 || /(^|\.)localhost\.?$/i.test(hostname);

function unknownHost(hostname) {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname });
}

const systemLookup = dns.lookup;
dns.lookup = function lookup(hostname, options, callback) {
  if (resolvable(String(hostname))) return systemLookup.call(this, hostname, options, callback);
  process.nextTick(typeof options === 'function' ? options : callback, unknownHost(hostname));
  return {};
};

const systemPromisesLookup = dnsPromises.lookup;
dnsPromises.lookup = function lookup(hostname, options) {
  return resolvable(String(hostname)) ? systemPromisesLookup.call(this, hostname, options) : Promise.reject(unknownHost(hostname));
};
dns.promises.lookup = dnsPromises.lookup;
// Modules that imported `lookup` by name (`import { lookup } from 'node:dns/promises'`) see the replacements too.
syncBuiltinESMExports();
