import { lazy, Suspense, type FormEvent } from 'react';
import { api, processFileUrl } from '../api.ts';
import type { ProcessId } from '../apiTypes.ts';
import { Loaded } from '../components/Loaded.tsx';
import { NotificationBanner } from '../components/NotificationBanner.tsx';
import { PageHeading } from '../components/PageHeading.tsx';
import { DifferenceView } from '../configuration/DifferenceView.tsx';
import type { ConfiguredProcess, VersionSummary } from '../configurationTypes.ts';
import { formatDateTime } from '../format.ts';
import { usePartnership } from '../partnership.tsx';
import { Link, navigate, useLocation } from '../router.tsx';
import { chartFromGraph } from '../statechart/chartModel.ts';
import { useResource } from '../useResource.ts';

const Statechart = lazy(() => import('../statechart/Statechart.tsx'));

/** A version number from the address, when it is one of the process's. */
function askedVersion(search: URLSearchParams, name: string, process: ConfiguredProcess): number | undefined {
  const n = Number(search.get(name));
  return process.versions.some((v) => v.version === n) ? n : undefined;
}

function publishedText(v: VersionSummary): string {
  return v.origin === 'upload' ? `Published by ${v.publishedBy} on ${formatDateTime(v.createdAt)}` : `From the configuration files, first started on ${formatDateTime(v.createdAt)}`;
}

function VersionSelect({ id, name, label, versions, value }: { id: string; name: string; label: string; versions: VersionSummary[]; value: number }) {
  return (
    <div className="govuk-form-group app-filters__item">
      <label className="govuk-label" htmlFor={id}>
        {label}
      </label>
      <select className="govuk-select" id={id} name={name} defaultValue={String(value)}>
        {versions.map((v) => (
          <option key={v.version} value={v.version}>
            Version {v.version}
          </option>
        ))}
      </select>
    </div>
  );
}

/** One process for the business unit: its versions with their cases and files, the diagram of a version, the difference between two. */
export function ConfiguredProcessPage({ process: processId }: { process: ProcessId }) {
  const partnership = usePartnership();
  const { pathname, search, flash } = useLocation();
  const [processes] = useResource(() => api.configuredProcesses(partnership.id), `configuration:${partnership.id}:${flash ?? ''}`);

  function choose(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const next = new URLSearchParams(search);
    for (const [key, value] of new FormData(event.currentTarget)) next.set(key, String(value));
    navigate(`${pathname}?${next}`, { replace: true });
  }

  return (
    <Loaded resource={processes} page>
      {(list) => {
        const process = list.find((p) => p.id === processId);
        if (!process) {
          return (
            <>
              <PageHeading>Page not found</PageHeading>
              <p className="govuk-body">There is no process “{processId}” in {partnership.name}.</p>
            </>
          );
        }
        const diagram = askedVersion(search, 'diagram', process) ?? process.newestVersion;
        const from = askedVersion(search, 'from', process);
        const to = askedVersion(search, 'to', process) ?? process.newestVersion;
        const againstTemplate = askedVersion(search, 'template', process);
        return (
          <>
            {flash && (
              <NotificationBanner kind="success" title={flash}>
                <p className="govuk-body">Download the published file below and keep it with the configuration files.</p>
              </NotificationBanner>
            )}
            <PageHeading caption="Configuration">{process.title}</PageHeading>
            <p className="govuk-body">
              New cases start on version {process.newestVersion}. A running case keeps the version it started on.
            </p>
            <Link className="govuk-button" href={`/configuration/${encodeURIComponent(process.id)}/upload`}>
              Upload a changed process
            </Link>

            <h2 className="govuk-heading-m">Versions</h2>
            <ol className="govuk-list app-versions" reversed>
              {[...process.versions].reverse().map((v) => (
                <li key={v.version} data-version={v.version}>
                  <h3 className="govuk-heading-s">
                    Version {v.version}
                    {v.version === process.newestVersion && <strong className="govuk-tag govuk-tag--blue app-tag-after">Newest</strong>}
                  </h3>
                  <dl className="govuk-summary-list">
                    <div className="govuk-summary-list__row">
                      <dt className="govuk-summary-list__key">Where it came from</dt>
                      <dd className="govuk-summary-list__value app-break-anywhere">{publishedText(v)}</dd>
                    </div>
                    <div className="govuk-summary-list__row">
                      <dt className="govuk-summary-list__key">Cases</dt>
                      <dd className="govuk-summary-list__value">
                        {v.cases}, of which {v.running} running
                      </dd>
                    </div>
                    <div className="govuk-summary-list__row">
                      <dt className="govuk-summary-list__key">Process file</dt>
                      <dd className="govuk-summary-list__value">
                        <a className="govuk-link" href={processFileUrl(partnership.id, process.id, v.version)} download>
                          Download<span className="govuk-visually-hidden"> the file of version {v.version}</span>
                        </a>
                      </dd>
                    </div>
                  </dl>
                </li>
              ))}
            </ol>

            <h2 className="govuk-heading-m">Diagram</h2>
            <form className="app-filters" onSubmit={choose}>
              <VersionSelect id="diagram-version" name="diagram" label="Version to draw" versions={process.versions} value={diagram} />
              <button type="submit" className="govuk-button govuk-button--secondary app-filters__button">
                Show the diagram
              </button>
            </form>
            <VersionDiagram process={process} version={diagram} />

            <h2 className="govuk-heading-m">Compare two versions</h2>
            <form className="app-filters" onSubmit={choose}>
              <VersionSelect id="compare-from" name="from" label="From version" versions={process.versions} value={from ?? Math.max(1, to - 1)} />
              <VersionSelect id="compare-to" name="to" label="To version" versions={process.versions} value={to} />
              <button type="submit" className="govuk-button govuk-button--secondary app-filters__button">
                Compare
              </button>
            </form>
            {from !== undefined && <VersionDifference process={process} from={from} to={to} />}

            {process.template !== null && (
              <>
                <h2 className="govuk-heading-m">Compare with the template</h2>
                <p className="govuk-body">
                  The process file extends the template “{process.template}” and says only how this partnership differs from it.
                </p>
                <form className="app-filters" onSubmit={choose}>
                  <VersionSelect id="template-version" name="template" label="Version" versions={process.versions} value={againstTemplate ?? process.newestVersion} />
                  <button type="submit" className="govuk-button govuk-button--secondary app-filters__button">
                    Compare with the template
                  </button>
                </form>
                {againstTemplate !== undefined && <TemplateDifference process={process} version={againstTemplate} />}
              </>
            )}
          </>
        );
      }}
    </Loaded>
  );
}

function VersionDiagram({ process, version }: { process: ConfiguredProcess; version: number }) {
  const partnership = usePartnership();
  const [graph] = useResource(
    async () => {
      const [found, definition] = await Promise.all([api.graph(partnership.id, process.id, version), api.process(partnership.id, process.id, version)]);
      return { found, definition };
    },
    `${partnership.id}/${process.id}@${version}`,
  );
  return (
    <Loaded resource={graph}>
      {({ found, definition }) => (
        <Suspense fallback={<p className="govuk-body app-secondary-text">Drawing the diagram…</p>}>
          <Statechart model={chartFromGraph(found, definition)} title={`The stages of ${process.title}, version ${version}`} />
        </Suspense>
      )}
    </Loaded>
  );
}

function VersionDifference({ process, from, to }: { process: ConfiguredProcess; from: number; to: number }) {
  const partnership = usePartnership();
  const [difference] = useResource(() => api.difference(partnership.id, process.id, from, to), `${partnership.id}/${process.id}:${from}-${to}`);
  return <Loaded resource={difference}>{(found) => <DifferenceView difference={found} />}</Loaded>;
}

function TemplateDifference({ process, version }: { process: ConfiguredProcess; version: number }) {
  const partnership = usePartnership();
  const [difference] = useResource(() => api.templateDifference(partnership.id, process.id, version), `${partnership.id}/${process.id}@${version}:template`);
  return <Loaded resource={difference}>{(found) => <DifferenceView difference={found} />}</Loaded>;
}
