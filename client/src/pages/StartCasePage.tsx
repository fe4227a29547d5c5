import { api } from '../api.ts';
import type { ProcessId } from '../apiTypes.ts';
import { Loaded } from '../components/Loaded.tsx';
import { GuidedForm } from '../forms/GuidedForm.tsx';
import { useDefinition, usePartnership } from '../partnership.tsx';
import { navigate } from '../router.tsx';

export function StartCasePage({ process }: { process: ProcessId }) {
  const partnership = usePartnership();
  const definition = useDefinition(process);
  return (
    <Loaded resource={definition} page>
      {(found) =>
        found && (
          <GuidedForm
            partnership={partnership.id}
            formId={found.start.form}
            title={found.start.label ?? `Start a case: ${found.title}`}
            caption={found.title}
            draftSubject={`start:${process}`}
            submitLabel="Start the case"
            cancelHref="/start"
            submit={(data) => api.startCase(partnership.id, process, data)}
            check={(data) => api.checkStart(partnership.id, process, data)}
            onDone={(created) =>
              navigate(`/cases/${encodeURIComponent(created.id)}`, { replace: true, flash: 'The case has been started.' })
            }
          />
        )
      }
    </Loaded>
  );
}
