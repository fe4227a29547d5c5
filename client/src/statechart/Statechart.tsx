import { useEffect, useId, useState } from 'react';
import type { StateId } from '../apiTypes.ts';
import { navigate } from '../router.tsx';
import { shapeKey, type ChartModel, type ChartNode } from './chartModel.ts';
import { COUNT_ROWS_HEIGHT, EDGE_LINE_HEIGHT, layoutChart, type ChartLayout, type PlacedNode } from './layoutChart.ts';

/**
 * A process drawn as boxes (states) and arrows (events), laid out by ELK. With `hrefFor` each state
 * links somewhere (the administrators' case list) and shows its counts; with `current` one state is
 * highlighted (a case page). Counts redraw without a new layout; only a change of shape lays out again.
 * Drawn at its own size, so its text stays as large as the page's small print: a diagram wider than
 * the page scrolls inside its own region (focusable, to scroll by keyboard) and never the page.
 * Default export so pages can load it, and ELK with it, only when needed.
 */
export default function Statechart({
  model,
  title,
  current,
  hrefFor,
}: {
  model: ChartModel;
  title: string;
  current?: StateId;
  hrefFor?: (state: StateId) => string;
}) {
  const withCounts = hrefFor !== undefined;
  const key = `${withCounts}:${shapeKey(model)}`;
  const [layout, setLayout] = useState<{ key: string; chart: ChartLayout } | null>(null);
  const [failed, setFailed] = useState(false);
  const markerId = useId();
  const titleId = useId();

  useEffect(() => {
    let live = true;
    layoutChart(model, withCounts).then(
      (chart) => live && setLayout({ key, chart }),
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, [key]); // `key` describes everything in `model` the layout depends on.

  if (failed) return <p className="govuk-body">The diagram could not be drawn.</p>;
  if (!layout) return <p className="govuk-body app-secondary-text">Drawing the diagram…</p>;

  const { chart } = layout;
  const byId = new Map(model.nodes.map((node) => [node.id, node]));
  return (
    <div className="app-statechart">
      <div className="app-statechart__scroll" role="region" aria-label={`Diagram: ${title}`} tabIndex={0}>
        <svg
          className="app-statechart__svg"
          viewBox={`0 0 ${chart.width} ${chart.height}`}
          width={chart.width}
          height={chart.height}
          aria-labelledby={titleId}
          role={withCounts ? 'group' : 'img'}
        >
          <title id={titleId}>{title}</title>
          <defs>
            <marker id={markerId} viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
              <path d="M 0 0 L 10 5 L 0 10 z" className="app-statechart__arrowhead" />
            </marker>
          </defs>
          {chart.edges.map((edge) => (
            <g key={edge.id} aria-hidden="true">
              <polyline
                className="app-statechart__edge"
                points={edge.points.map((point) => `${point.x},${point.y}`).join(' ')}
                markerEnd={`url(#${markerId})`}
              />
              {edge.label && (
                <text className="app-statechart__edge-label" x={edge.label.x + edge.label.width / 2} y={edge.label.y}>
                  {edge.label.lines.map((line, index) => (
                    <tspan key={index} x={edge.label!.x + edge.label!.width / 2} dy={index === 0 ? EDGE_LINE_HEIGHT - 2 : EDGE_LINE_HEIGHT}>
                      {line}
                    </tspan>
                  ))}
                </text>
              )}
            </g>
          ))}
          {chart.nodes.map((placed) => {
            const node = byId.get(placed.id);
            if (!node) return null;
            const box = <StateBox placed={placed} node={node} current={node.id === current} withCounts={withCounts} />;
            if (!hrefFor) return <g key={placed.id}>{box}</g>;
            const href = hrefFor(node.id);
            return (
              <a
                key={placed.id}
                href={href}
                className="app-statechart__link"
                data-state={node.id}
                aria-label={`${node.label}: ${countText(node)}. Show these cases`}
                onClick={(event) => {
                  event.preventDefault();
                  navigate(href);
                }}
              >
                {box}
              </a>
            );
          })}
        </svg>
      </div>
      {model.fromEveryOpenState.map(({ event, to }) => (
        <p className="govuk-body-s app-statechart__note" key={`${event}-${to}`}>
          {to === null
            ? `${event} can happen at every stage that is not final, and keeps the case at its stage.`
            : `${event}, from every stage that is not final, leads to ${byId.get(to)?.label ?? to}.`}
        </p>
      ))}
    </div>
  );
}

function countText(node: ChartNode): string {
  const cases = `${node.count ?? 0} ${node.count === 1 ? 'case' : 'cases'}`;
  return node.overdue ? `${cases}, ${node.overdue} overdue` : cases;
}

function StateBox({
  placed,
  node,
  current,
  withCounts,
}: {
  placed: PlacedNode;
  node: ChartNode;
  current: boolean;
  withCounts: boolean;
}) {
  const classes = ['app-statechart__node', node.final && 'app-statechart__node--final', current && 'app-statechart__node--current']
    .filter(Boolean)
    .join(' ');
  const centre = placed.x + placed.width / 2;
  const countsTop = placed.y + placed.height - COUNT_ROWS_HEIGHT;
  return (
    <>
      <rect className={classes} x={placed.x} y={placed.y} width={placed.width} height={placed.height} rx={node.final ? 18 : 4} />
      <text className={`app-statechart__label${current ? ' app-statechart__label--current' : ''}`} x={centre} y={placed.y + 12}>
        {placed.lines.map((line, index) => (
          <tspan key={index} x={centre} dy={index === 0 ? 16 : 20}>
            {line}
          </tspan>
        ))}
      </text>
      {withCounts && (
        <text className="app-statechart__count" x={centre} y={countsTop + 14}>
          <tspan x={centre}>{`${node.count ?? 0} ${node.count === 1 ? 'case' : 'cases'}`}</tspan>
          {node.overdue ? (
            <tspan x={centre} dy={18} className="app-statechart__overdue">
              {`${node.overdue} overdue`}
            </tspan>
          ) : null}
        </text>
      )}
    </>
  );
}
