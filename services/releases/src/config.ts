import { z } from '@platform/contracts';
import { AuditSpoolConfig } from '@platform/audit';
import { serviceConfigBase } from '@platform/service-kit';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** The releases service's environment, validated once at start-up. */
export const ReleasesConfig = serviceConfigBase(8082)
  .extend({
    ...AuditSpoolConfig,
    USERS_URL: z.string().url().default('http://127.0.0.1:8081'),
    HELM_BIN: z.string().min(1).default('helm'),
    /**
     * Cluster addresses reachable even though they are private, loopback, link-local or shared (100.64/10):
     * comma list of CIDRs (`10.20.0.0/16`, `::1/128`) or `host:port` (`127.0.0.1:6443`). Empty: none.
     */
    CLUSTER_ADDRESS_ALLOWLIST: z
      .string()
      .default('')
      .transform((raw) =>
        raw
          .split(',')
          .map((entry) => entry.trim())
          .filter((entry) => entry !== ''),
      ),
    CLIENT_CACHE_MAX: positiveInt(1000),
    CLIENT_CACHE_IDLE_SECONDS: positiveInt(600),
    KUBE_REQUEST_TIMEOUT_MS: positiveInt(10_000),
    /** Largest answer read from a cluster; a larger one is 502/604 (the list of every release record is the big one). */
    KUBE_RESPONSE_MAX_BYTES: positiveInt(64 * 2 ** 20),
    /** Largest release JSON a stored record may inflate to; a record past it is refused 500/603, naming it. */
    RELEASE_RECORD_MAX_BYTES: positiveInt(32 * 2 ** 20),
    /**
     * Release JSON the records read by one request (a history, a list's page) may inflate to in all; past it
     * the record that crosses it is refused 500/603, naming it. The bench's list of 100 releases of a large
     * chart decodes about 70 MiB.
     */
    RELEASE_REQUEST_MAX_BYTES: positiveInt(128 * 2 ** 20),
    /**
     * Release JSON the requests in flight may hold decoded at once in this replica; past it a decode is 503.
     * One request's budget: what is held is copied again into each answer, and with 256 MiB four concurrent
     * hostile histories took the process past the chart's 768Mi (README, Untrusted clusters: "sizing the releases pods").
     */
    RELEASE_REPLICA_MAX_BYTES: positiveInt(128 * 2 ** 20),
    /**
     * Worker threads that decode large release records off the event loop. Each may hold several copies of a
     * record at the cap while it decodes (about 200 MiB at 32 MiB): one keeps a replica within its memory
     * limit, and real records over 1 MiB, the only ones sent to it, are rare.
     */
    RELEASE_DECODE_WORKERS: positiveInt(1),
    /** Decoded release bodies kept for lists, in MiB of JSON (0: none; see ReleaseBodyCache). */
    RELEASE_BODY_CACHE_MB: z.coerce.number().int().min(0).default(128),
    HELM_TIMEOUT_MS: positiveInt(120_000),
    /** Where helm's throw-away run folders go; by default /dev/shm when writable (a tmpfs), else the temp folder. */
    HELM_WORK_DIR: z.string().min(1).optional(),
    /** helm processes at once in this replica, and per user; beyond them a run is refused (503, 429), never queued. */
    HELM_MAX_CONCURRENT: positiveInt(4),
    HELM_MAX_CONCURRENT_PER_USER: positiveInt(2),
    /**
     * A pending revision older than this is taken as left by a process that died mid-operation, and marked
     * failed by the next operation. Longer than HELM_TIMEOUT_MS (our helm runs are killed then); by default
     * HELM_TIMEOUT_MS + 30 s.
     */
    PENDING_STALE_AFTER_MS: z.coerce.number().int().positive().optional(),
  })
  .refine((config) => config.PENDING_STALE_AFTER_MS === undefined || config.PENDING_STALE_AFTER_MS > config.HELM_TIMEOUT_MS, {
    message: 'must be longer than HELM_TIMEOUT_MS',
    path: ['PENDING_STALE_AFTER_MS'],
  });
export type ReleasesConfig = z.infer<typeof ReleasesConfig>;
