import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useSession } from '../api/session';
import { Problem } from '../components/Problem';

export function SignIn() {
  const session = useSession();
  const navigate = useNavigate();
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await session.signIn(token.trim());
      navigate('/integrations');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="sign-in">
      <h1>ITSM Hub</h1>
      <form onSubmit={submit} aria-label="Sign in">
        <label htmlFor="token">API token</label>
        <input id="token" name="token" type="password" autoComplete="off" required value={token} onChange={(e) => setToken(e.target.value)} />
        <p className="hint">The hub printed its admin token when it started; <code>im token create</code> issues more. The token is kept for this browser session only.</p>
        <button type="submit" disabled={busy}>Sign in</button>
      </form>
      <Problem error={error} />
    </main>
  );
}
