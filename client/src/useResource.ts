import { useCallback, useEffect, useState } from 'react';
import { ApiError } from './api.ts';

export type Resource<T> =
  | { status: 'loading' }
  | { status: 'ready'; data: T }
  | { status: 'failed'; error: ApiError };

const LOADING = { status: 'loading' } as const;

/**
 * Loads something from the API whenever `key` (which must name everything `load` depends on) changes.
 * `reload` fetches again but keeps showing what is already loaded until the answer arrives, so a
 * refresh (polling, after a conflict) does not flash.
 */
export function useResource<T>(load: () => Promise<T>, key: string): [Resource<T>, () => void] {
  const [loaded, setLoaded] = useState<{ key: string; resource: Resource<T> }>({ key, resource: LOADING });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let current = true;
    load().then(
      (data) => current && setLoaded({ key, resource: { status: 'ready', data } }),
      (error: unknown) =>
        current &&
        setLoaded({
          key,
          resource: { status: 'failed', error: error instanceof ApiError ? error : new ApiError(0, 'client_error', String(error)) },
        }),
    );
    return () => {
      current = false;
    };
  }, [key, generation]); // `load` is described by `key`; a new closure each render must not refetch.

  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return [loaded.key === key ? loaded.resource : LOADING, reload];
}
