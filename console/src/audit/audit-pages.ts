import type { AuditEvent, AuditPage } from '@platform/api-client';
import { useEffect, useRef, useState } from 'preact/hooks';
import { messageOf } from '../api.js';

export interface AuditPages {
  /** Null until the first page of the current filters arrives. */
  events: AuditEvent[] | null;
  /** Whether older events exist beyond those shown (the last page had a `nextCursor`). */
  hasMore: boolean;
  loading: boolean;
  error: string;
  loadMore: () => void;
}

/**
 * Audit events newest first, one page at a time: the first page whenever `key` (the filters) changes, each
 * older page appended by `loadMore` with the cursor the page before gave. An answer that arrives for filters
 * no longer shown is dropped.
 */
export function useAuditPages(fetchPage: (cursor: string | undefined) => Promise<AuditPage>, key: string): AuditPages {
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState('');
  const shownKey = useRef(key);

  const load = (after: string | null) => {
    const forKey = shownKey.current;
    setLoading(true);
    fetchPage(after ?? undefined)
      .then((page) => {
        if (forKey !== shownKey.current) return;
        setEvents((shown) => [...(after ? (shown ?? []) : []), ...page.events]);
        setCursor(page.nextCursor);
        setError('');
      })
      .catch((failure) => forKey === shownKey.current && setError(messageOf(failure)))
      .finally(() => forKey === shownKey.current && setLoading(false));
  };

  useEffect(() => {
    shownKey.current = key;
    setEvents(null);
    setCursor(null);
    setError('');
    load(null);
  }, [key]);

  return { events, hasMore: cursor !== null, loading, error, loadMore: () => cursor && load(cursor) };
}
