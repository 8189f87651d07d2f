import { LRUCache } from 'lru-cache';
import type { UserKubeconfigSource } from './kubeconfig-source.js';

export interface KubeconfigVersionsOptions {
  /** Users whose version is remembered. */
  max: number;
  /**
   * How long a remembered version is trusted without news. Events keep it current; this only bounds how
   * long a change could go unseen should the event path fail without saying so.
   */
  ttlMs: number;
}

/** Where a version came from, for the metrics. */
export type VersionLookup = 'known' | 'checked';

/**
 * The kubeconfig version per user that this replica may serve without asking the users service.
 *
 * A version is remembered only while the users events consumer is live (it exists on the server, so every
 * event stored from then on reaches this replica): the answer of a check made during the live period, raised
 * by every event heard since. A change committed after such a check is published after it, so it arrives as
 * an event; a change not heard yet is one whose event is still on its way. For the user's own writes that
 * window is closed by the request's floor (KubeconfigVersionHeader.minimum, sent by the gateway): a
 * remembered version below it is not used. Whenever the consumer stops being live, everything is forgotten
 * and each user's next request checks with the users service again; a request without a floor always checks.
 */
export class KubeconfigVersions {
  private readonly known: LRUCache<number, number>;
  private live = false;
  /** Moves whenever liveness changes: a check that began in another period must not be remembered. */
  private period = 0;

  constructor(
    private readonly source: Pick<UserKubeconfigSource, 'version'>,
    options: KubeconfigVersionsOptions,
  ) {
    this.known = new LRUCache<number, number>({ max: options.max, ttl: options.ttlMs });
  }

  /** The consumer's liveness (see ConsumerLiveness); only a change forgets. */
  setLive(live: boolean): void {
    if (live === this.live) return;
    this.live = live;
    this.period += 1;
    this.known.clear();
  }

  /** A users event: the user's version is now at least `version`. */
  heard(userId: number, version: number): void {
    if (this.live) this.raise(userId, version);
  }

  /**
   * The user's current version: the remembered one when it is at least `floor`, else the users service's
   * answer. `floor` undefined (a caller that is not the gateway) always asks.
   */
  async current(userId: number, floor: number | undefined): Promise<{ version: number; lookup: VersionLookup }> {
    const known = this.known.get(userId);
    if (this.live && floor !== undefined && known !== undefined && known >= floor) return { version: known, lookup: 'known' };
    const asked = this.ticket();
    const { kubeconfigVersion } = await this.source.version(userId);
    this.answered(userId, kubeconfigVersion, asked);
    return { version: kubeconfigVersion, lookup: 'checked' };
  }

  /** Marks the moment a question to the users service is sent; pass it to answered(). */
  ticket(): number {
    return this.live ? this.period : -1;
  }

  /** The users service's answer to a question sent at `ticket`: remembered if no event could have been missed since. */
  answered(userId: number, version: number, ticket: number): void {
    if (this.live && ticket === this.period) this.raise(userId, version);
  }

  private raise(userId: number, version: number): void {
    const known = this.known.get(userId);
    if (known === undefined || version > known) this.known.set(userId, version);
  }
}
