import { ApiProblem } from '../api/client';

/** An error as the user can act on it: the hub's title, its detail and each field it named. */
export function Problem({ error }: { error: unknown }) {
  if (!error) return null;
  const problem = error instanceof ApiProblem ? error : undefined;
  return (
    <div role="alert" className="problem">
      <strong>{problem ? problem.title : 'Something went wrong'}</strong>
      {(problem?.detail || !problem) && <p>{problem ? problem.detail : String((error as Error).message ?? error)}</p>}
      {problem && problem.errors.length > 0 && (
        <ul>
          {problem.errors.map((e) => (
            <li key={`${e.field}:${e.message}`}>
              <code>{e.field}</code>: {e.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
