/**
 * Unsent form answers kept in localStorage, so a reload or a version conflict never loses what
 * someone typed. Keyed by user, then by what the form is for (a case and an event, or a process
 * being started), so two people on one browser never see each other's drafts. They last only as
 * long as the session: the session module clears them when it ends (see SessionProvider).
 */

const PREFIX = 'draft:';

interface StoredDraft<T> {
  savedAt: string;
  values: T;
}

function key(username: string, subject: string): string {
  return `${PREFIX}${username}:${subject}`;
}

export function loadDraft<T>(username: string, subject: string): StoredDraft<T> | null {
  try {
    const text = window.localStorage.getItem(key(username, subject));
    return text ? (JSON.parse(text) as StoredDraft<T>) : null;
  } catch {
    return null;
  }
}

export function saveDraft<T>(username: string, subject: string, values: T): void {
  const draft: StoredDraft<T> = { savedAt: new Date().toISOString(), values };
  try {
    window.localStorage.setItem(key(username, subject), JSON.stringify(draft));
  } catch {
    // Storage full or disabled (private browsing): the form still works, only without a draft.
  }
}

export function deleteDraft(username: string, subject: string): void {
  window.localStorage.removeItem(key(username, subject));
}

/** Removes every draft in this browser, except those of `keep` when given. */
export function clearDrafts(keep?: string): void {
  const kept = keep === undefined ? undefined : `${PREFIX}${keep}:`;
  try {
    for (let i = window.localStorage.length - 1; i >= 0; i--) {
      const name = window.localStorage.key(i);
      if (name?.startsWith(PREFIX) && (kept === undefined || !name.startsWith(kept))) window.localStorage.removeItem(name);
    }
  } catch {
    // Storage disabled: there are no drafts to remove.
  }
}
