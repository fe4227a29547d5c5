/**
 * Memoises a loader by key, for what changes only with a deployment (definitions, forms): each is
 * fetched once per page load and shared. A failed load is forgotten so the next use tries again.
 */
export function cached<A extends unknown[], T>(
  keyOf: (...args: A) => string,
  load: (...args: A) => Promise<T>,
): (...args: A) => Promise<T> {
  const entries = new Map<string, Promise<T>>();
  return (...args) => {
    const key = keyOf(...args);
    let entry = entries.get(key);
    if (!entry) {
      entry = load(...args);
      entries.set(key, entry);
      entry.catch(() => entries.delete(key));
    }
    return entry;
  };
}
