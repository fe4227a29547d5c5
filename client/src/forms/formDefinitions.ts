import { api } from '../api.ts';
import type { FormDefinition, FormId, PartnershipId, ProcessDefinition } from '../apiTypes.ts';
import { cached } from '../cached.ts';
import { useResource } from '../useResource.ts';
import { describeFields, type Field } from './fields.ts';

/** A form by id, fetched once per page load. */
export const loadForm = cached(
  (partnership: PartnershipId, form: FormId) => `${partnership}/${form}`,
  (partnership: PartnershipId, form: FormId): Promise<FormDefinition> => api.form(partnership, form),
);

/** Where the server serves the form's validator as a same-origin module (see validation.ts). */
export function validatorUrl(partnership: PartnershipId, form: FormId): string {
  return `/api/partnerships/${encodeURIComponent(partnership)}/forms/${encodeURIComponent(form)}/validator.js`;
}

/**
 * Every top-level field of every form of a process, so a case's data and history show the forms'
 * own labels (a partner's name rather than its id). The first form to name a field wins.
 */
export function useProcessFields(partnership: PartnershipId, definition: ProcessDefinition | null): Field[] {
  const formIds = definition
    ? [...new Set([definition.start.form, ...definition.events.map((event) => event.form)])].filter(
        (form): form is FormId => form !== null,
      )
    : [];
  const [fields] = useResource(async () => {
    const loaded = await Promise.all(formIds.map((form) => loadForm(partnership, form).catch(() => null)));
    const byName = new Map<string, Field>();
    for (const form of loaded) {
      if (!form) continue;
      for (const field of describeFields(form.schema, form.schema, form.ui)) if (!byName.has(field.name)) byName.set(field.name, field);
    }
    return [...byName.values()];
  }, `${partnership}:${formIds.join(',')}`);
  return fields.status === 'ready' ? fields.data : [];
}
