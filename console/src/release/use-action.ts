import { useState } from 'preact/hooks';
import { messageOf } from '../api.js';

/**
 * One action of a tab at a time (a preview, an apply): busy while it runs, its failure in the user's words,
 * and the news a success leaves; starting another clears both.
 */
export function useAction() {
  const [error, setError] = useState('');
  const [news, setNews] = useState('');
  const [busy, setBusy] = useState(false);
  const act = async (work: () => Promise<void>) => {
    setBusy(true);
    setError('');
    setNews('');
    try {
      await work();
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };
  return { error, setError, news, setNews, busy, act };
}
