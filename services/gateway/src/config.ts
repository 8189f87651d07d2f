import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { z } from '@platform/contracts';
import { AuditSpoolConfig } from '@platform/audit';
import { serviceConfigBase } from '@platform/service-kit';

const Seconds = z.coerce.number().int().positive();
const Count = z.coerce.number().int().positive();
const Flag = z.enum(['true', 'false', '1', '0']).transform((raw) => raw === 'true' || raw === '1');

/** A comma list of origins (`https://platform.example.com`); anything with a path, query or credentials is refused. */
const OriginList = z
  .string()
  .default('')
  .transform((raw, context) => {
    const origins: string[] = [];
    for (const entry of raw
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)) {
      const origin = originOf(entry);
      if (!origin) {
        context.addIssue({ code: z.ZodIssueCode.custom, message: 'expected a comma list of origins such as https://platform.example.com' });
        return z.NEVER;
      }
      origins.push(origin);
    }
    return origins;
  });

/**
 * The proxies in front of the gateway whose X-Forwarded-For is believed: a hop count (`1`: the ingress) or
 * a comma list of addresses and CIDRs. Empty: none, the client is the peer.
 */
const TrustedProxies = z
  .string()
  .default('')
  .transform((raw, context): number | string[] | undefined => {
    const trimmed = raw.trim();
    if (trimmed === '') return undefined;
    if (/^[0-9]{1,2}$/.test(trimmed)) return Number(trimmed);
    const entries = trimmed
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean);
    if (!entries.every(isAddressOrCidr)) {
      context.addIssue({ code: z.ZodIssueCode.custom, message: 'expected a hop count or a comma list of addresses and CIDRs' });
      return z.NEVER;
    }
    return entries;
  });

/** console/dist of this checkout or image: three levels above this file (src/ or dist/ of services/gateway). */
const defaultConsoleDir = fileURLToPath(new URL('../../../console/dist', import.meta.url));

export const GatewayConfig = serviceConfigBase(8080).extend({
  ...AuditSpoolConfig,
  REDIS_URL: z.string().url(),
  USERS_URL: z.string().url().default('http://127.0.0.1:8081'),
  RELEASES_URL: z.string().url().default('http://127.0.0.1:8082'),
  SESSION_COOKIE_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default('porter_session'),
  /** Idle time after which a session ends; every request that uses the session restarts it. */
  SESSION_TTL_SECONDS: Seconds.default(86_400),
  /** Off only for plain-HTTP local runs and tests. */
  COOKIE_SECURE: Flag.default('true'),
  /** Every Redis key of the gateway starts with this (tests use their own). */
  REDIS_KEY_PREFIX: z.string().min(1).max(64).default('gw:'),
  /** Login attempts kept per sliding window of LOGIN_THROTTLE_WINDOW_SECONDS (see LoginThrottle). */
  LOGIN_MAX_ATTEMPTS_PER_EMAIL_AND_ADDRESS: Count.default(10),
  LOGIN_MAX_ATTEMPTS_PER_EMAIL: Count.default(100),
  LOGIN_MAX_ATTEMPTS_PER_ADDRESS: Count.default(50),
  LOGIN_THROTTLE_WINDOW_SECONDS: Seconds.default(900),
  /** bcrypt runs (sign-up, login, account deletion) one client address may cause per sliding window. */
  PASSWORD_WORK_MAX_PER_ADDRESS: Count.default(30),
  PASSWORD_WORK_WINDOW_SECONDS: Seconds.default(60),
  /** Origins whose browsers may change state (POST, PUT, DELETE, PATCH); empty: the gateway's own host only. */
  ALLOWED_ORIGINS: OriginList,
  TRUST_PROXY: TrustedProxies,
  /** The web console's build (Vite's dist/), served at /; empty: no console. */
  CONSOLE_DIR: z.string().default(defaultConsoleDir),
});
export type GatewayConfig = z.infer<typeof GatewayConfig>;

function originOf(entry: string): string | null {
  try {
    const url = new URL(entry);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.pathname === '/' && !url.search && !url.username ? url.origin : null;
  } catch {
    return null;
  }
}

function isAddressOrCidr(entry: string): boolean {
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^[0-9]{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}
