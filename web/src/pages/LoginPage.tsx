import { useEffect } from 'react';
import { useForm } from 'react-hook-form';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { logIn } from '../api/client';
import { ErrorNote } from '../components/Notice';
import { useSession } from '../session';

interface Fields {
  principal: string;
  password: string;
}

// Only same-site paths: a crafted ?next= must not send the user elsewhere.
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/projects';
}

export function LoginPage() {
  const { user, refresh } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const {
    register,
    handleSubmit,
    setError,
    formState: { errors, isSubmitting },
  } = useForm<Fields>();
  useEffect(() => {
    document.title = 'Log in · Berth';
  }, []);
  if (user) return <Navigate to={next} replace />;
  const submit = async (fields: Fields) => {
    try {
      await logIn(fields.principal, fields.password);
      await refresh();
      navigate(next, { replace: true });
    } catch (error) {
      setError('root', { message: error instanceof Error ? error.message : String(error) });
    }
  };
  return (
    <main className="login">
      <form onSubmit={handleSubmit(submit)} aria-labelledby="login-title" noValidate>
        <h1 id="login-title">Berth</h1>
        <label>
          Username
          <input
            autoComplete="username"
            autoFocus
            {...register('principal', { required: 'Enter your username' })}
            aria-invalid={!!errors.principal}
          />
        </label>
        {errors.principal && <span className="field-error">{errors.principal.message}</span>}
        <label>
          Password
          <input
            type="password"
            autoComplete="current-password"
            {...register('password', { required: 'Enter your password' })}
            aria-invalid={!!errors.password}
          />
        </label>
        {errors.password && <span className="field-error">{errors.password.message}</span>}
        {errors.root && <ErrorNote error={new Error(errors.root.message)} />}
        <button type="submit" className="primary" disabled={isSubmitting}>
          Log in
        </button>
      </form>
    </main>
  );
}
