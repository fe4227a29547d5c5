import ELK, { type ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { StateId } from '../apiTypes.ts';
import type { ChartModel } from './chartModel.ts';

export interface Point {
  x: number;
  y: number;
}

export interface PlacedNode {
  id: StateId;
  x: number;
  y: number;
  width: number;
  height: number;
  lines: string[];
}

export interface PlacedEdge {
  id: string;
  points: Point[];
  /** The events' labels, wrapped: each event starts a line of its own. */
  label: { lines: string[]; x: number; y: number; width: number; height: number } | null;
}

export interface ChartLayout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

// Sizes match the classes in app.css: 16px node labels, 14px edge labels.
const CHAR_WIDTH = 8.2;
const EDGE_CHAR_WIDTH = 7.4;
const LINE_HEIGHT = 20;
const MAX_LINE = 26;
export const EDGE_LINE_HEIGHT = 17;
const MAX_EDGE_LINE = 24;
const PADDING = 12;
/** Room below the label for "N cases" and "N overdue" on the administrators' chart. */
export const COUNT_ROWS_HEIGHT = 40;

/** Splits a label into lines of at most `max` characters, at spaces. */
function wrap(label: string, max = MAX_LINE): string[] {
  const lines: string[] = [];
  for (const word of label.split(/\s+/)) {
    const last = lines[lines.length - 1];
    if (last !== undefined && `${last} ${word}`.length <= max) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

const elk = new ELK();

/** Places states and arrows with ELK's layered algorithm, top to bottom in the order a case moves. */
export async function layoutChart(model: ChartModel, withCounts: boolean): Promise<ChartLayout> {
  const wrapped = new Map(model.nodes.map((node) => [node.id, wrap(node.label)]));
  const edgeLines = model.edges.map((edge) => edge.events.flatMap((event) => wrap(event, MAX_EDGE_LINE)));
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.spacing.nodeNode': '40',
      'elk.layered.spacing.nodeNodeBetweenLayers': '56',
      'elk.spacing.edgeLabel': '6',
      'elk.padding': '[top=12,left=12,bottom=12,right=12]',
    },
    children: model.nodes.map((node) => {
      const lines = wrapped.get(node.id)!;
      const longest = Math.max(...lines.map((line) => line.length), withCounts ? 10 : 0);
      return {
        id: node.id,
        width: Math.ceil(longest * CHAR_WIDTH) + 2 * PADDING,
        height: lines.length * LINE_HEIGHT + 2 * PADDING + (withCounts ? COUNT_ROWS_HEIGHT : 0),
      };
    }),
    edges: model.edges.map((edge, index) => {
      const lines = edgeLines[index]!;
      const longest = Math.max(...lines.map((line) => line.length));
      return {
        id: `e${index}`,
        sources: [edge.from],
        targets: [edge.to],
        labels: [{ text: `e${index}`, width: Math.ceil(longest * EDGE_CHAR_WIDTH) + 8, height: lines.length * EDGE_LINE_HEIGHT + 4 }],
      };
    }),
  };
  const laid = await elk.layout(graph);
  return {
    width: laid.width ?? 0,
    height: laid.height ?? 0,
    nodes: (laid.children ?? []).map((node) => ({
      id: node.id as StateId,
      x: node.x ?? 0,
      y: node.y ?? 0,
      width: node.width ?? 0,
      height: node.height ?? 0,
      lines: wrapped.get(node.id as StateId) ?? [],
    })),
    edges: (laid.edges ?? []).map((edge) => {
      const section = edge.sections?.[0];
      const label = edge.labels?.[0];
      return {
        id: edge.id,
        points: section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] : [],
        label: label
          ? { lines: edgeLines[Number(edge.id.slice(1))] ?? [], x: label.x ?? 0, y: label.y ?? 0, width: label.width ?? 0, height: label.height ?? 0 }
          : null,
      };
    }),
  };
}
