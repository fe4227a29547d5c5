import type { FormUi } from '../apiTypes.ts';
import type { Field } from './fields.ts';

/**
 * A long form asked a page at a time (the GOV.UK "one thing per page" pattern): a form whose UI
 * hints group its questions asks one group per page, under the group's title, and any question no
 * group names on a page of its own; a form of more than `SHORT_FORM` questions and no groups asks
 * one question per page. A short form stays on one page, where seeing every question at once helps:
 * the few short answers of most events (an action, a meeting's outcome) read as one thing.
 */
export interface QuestionPage {
  /** The group's title; undefined for a page named after the form itself. */
  title?: string;
  /** The page's questions, in form order; questions shown beneath a choice come with that choice. */
  fields: Field[];
}

export const SHORT_FORM = 8;

export function pagesOf(fields: Field[], ui: FormUi | null, underChoices: ReadonlySet<string>): QuestionPage[] {
  const asked = fields.filter((field) => !underChoices.has(field.name));
  const groups = ui?.groups ?? [];
  if (groups.length === 0 && asked.length <= SHORT_FORM) return [{ fields: asked }];
  const pages: QuestionPage[] = [];
  const byGroup = new Map<string, QuestionPage>();
  for (const field of asked) {
    const group = groups.find((candidate) => candidate.questions.includes(field.name));
    if (!group) {
      pages.push({ fields: [field] });
      continue;
    }
    const page = byGroup.get(group.title);
    if (page) page.fields.push(field);
    else {
      const first = { title: group.title, fields: [field] };
      byGroup.set(group.title, first);
      pages.push(first);
    }
  }
  return pages;
}

/**
 * The page that asks a top-level question, or undefined when no page does. A question shown beneath
 * a choice is asked on the page of the question it belongs to (`revealedBy`: question → revealing path).
 */
export function pageAsking(pages: QuestionPage[], name: string, revealedBy: (name: string) => string | undefined): number | undefined {
  const owner = revealedBy(name)?.split('.')[0] ?? name;
  const index = pages.findIndex((page) => page.fields.some((field) => field.name === owner));
  return index === -1 ? undefined : index;
}
