import { useState } from 'preact/hooks';
import { messageOf } from '../api.js';
import { Notice } from '../components/notice.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';

/** Log in, or sign up (which logs in too). */
export function AuthPage({ mode }: { mode: 'login' | 'signup' }) {
  const session = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const title = mode === 'signup' ? 'Create an account' : 'Log in';

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      await (mode === 'signup' ? session.signUp(email, password) : session.login(email, password));
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="auth card">
      <h1 tabIndex={-1}>{title}</h1>
      {session.endedNotice && <Notice kind="info">{session.endedNotice}</Notice>}
      <form onSubmit={submit}>
        <label for="email">Email</label>
        <input id="email" type="email" autoComplete="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        <label for="password">Password</label>
        <input
          id="password"
          type="password"
          autoComplete={mode === 'signup' ? 'new-password' : 'current-password'}
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        <Notice kind="error">{error}</Notice>
        <button type="submit" disabled={busy}>
          {mode === 'signup' ? 'Sign up' : 'Log in'}
        </button>
      </form>
      <p>
        {mode === 'signup' ? (
          <>
            Already have an account? <Link href="/login">Log in</Link>
          </>
        ) : (
          <>
            New here? <Link href="/signup">Create an account</Link>
          </>
        )}
      </p>
    </section>
  );
}
