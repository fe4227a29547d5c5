/** `graph PARTNERSHIP/PROCESS[@VERSION] --format mermaid|svg|dot`: the statechart with state and event labels. */
import ELK, { type ElkNode } from 'elkjs/lib/elk.bundled.js';
import { routesOf, sourceStates, type CompiledProcess } from '../../server/engine/catalogue.ts';
import { targetsOf } from '../../server/engine/describe.ts';
import { OK, PROBLEMS, UsageError, configRoot, loadOrReport, parseArgs, parseProcessRef, resolveProcess, examples } from './common.ts';

export const graphHelp = (): string => {
  const ex = examples();
  return `Usage: workflows graph PARTNERSHIP/PROCESS[@VERSION] --format mermaid|svg|dot [--root DIR]

Prints the process's statechart on standard output: its states by label, an arrow for each event
(labelled with the event's label) from each state it leaves to each state it can lead to, the start
and the final states. mermaid is a stateDiagram-v2 (paste it into a Markdown file on GitHub), dot is
Graphviz (dot -Tpng), svg is a picture laid out by ELK, to open in a browser.

Without @VERSION the process is the files' (under DIR, default the current directory). @VERSION reads
version VERSION as the server stored it, from the database DATABASE_URL names (sqlite:PATH, default
sqlite:data/workflows.sqlite), opened read-only.

Exit 0 when drawn, 1 when there is no such process or version or the configuration has problems,
2 on a usage error.

Example:
  npx workflows graph ${ex.b} --format mermaid
  npx workflows graph ${ex.b} --format svg > chart.svg
  DATABASE_URL=sqlite:data/workflows.sqlite npx workflows graph ${ex.b}@1 --format dot`;
};

export const FORMATS = ['mermaid', 'svg', 'dot'] as const;
type Format = (typeof FORMATS)[number];

interface Chart {
  title: string;
  states: { id: string; label: string; final: boolean }[];
  /** State ids the start can lead to, with the start's label. */
  start: { label: string; to: string[] };
  edges: { from: string; to: string; label: string }[];
}

function chartOf(process: CompiledProcess): Chart {
  const { def } = process;
  return {
    title: def.title,
    states: Object.entries(def.states).map(([id, s]) => ({ id, label: s.label, final: s.final === true })),
    start: { label: def.start.label ?? `Start: ${def.title}`, to: [...new Set(routesOf(def.start).map((r) => r.to))] },
    // As describe.ts's edgesOf, but with each definition's own label (one event type may leave
    // different states under different labels).
    edges: def.events.flatMap((event) => {
      const from = sourceStates(event, def.states);
      return from.flatMap((state) =>
        (event.to === undefined && event.routes === undefined ? [state] : targetsOf(event, from)).map((to) => ({ from: state, to, label: event.label })),
      );
    }),
  };
}

const safeId = (id: string) => `s_${id.replace(/[^A-Za-z0-9]/g, '_')}`;
/** Mermaid labels: no quotes, semicolons or line breaks of their own. */
const mermaidText = (text: string) => text.replace(/"/g, '#quot;').replace(/;/g, '#59;').replace(/\s+/g, ' ');

export function mermaid(chart: Chart): string {
  const lines = ['stateDiagram-v2', `  %% ${mermaidText(chart.title)}`];
  for (const s of chart.states) lines.push(`  state "${mermaidText(s.label)}" as ${safeId(s.id)}`);
  for (const to of chart.start.to) lines.push(`  [*] --> ${safeId(to)} : ${mermaidText(chart.start.label)}`);
  for (const e of chart.edges) lines.push(`  ${safeId(e.from)} --> ${safeId(e.to)} : ${mermaidText(e.label)}`);
  for (const s of chart.states.filter((x) => x.final)) lines.push(`  ${safeId(s.id)} --> [*]`);
  return `${lines.join('\n')}\n`;
}

const dotText = (text: string) => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\s+/g, ' ')}"`;

export function dot(chart: Chart): string {
  const lines = [
    `digraph ${dotText(chart.title)} {`,
    `  label=${dotText(chart.title)}; labelloc=t; rankdir=TB;`,
    '  node [shape=box, style=rounded, fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
    '  "__start" [shape=circle, style=filled, fillcolor=black, label="", width=0.25];',
  ];
  for (const s of chart.states) lines.push(`  ${dotText(s.id)} [label=${dotText(s.label)}${s.final ? ', peripheries=2' : ''}];`);
  for (const to of chart.start.to) lines.push(`  "__start" -> ${dotText(to)} [label=${dotText(chart.start.label)}];`);
  for (const e of chart.edges) lines.push(`  ${dotText(e.from)} -> ${dotText(e.to)} [label=${dotText(e.label)}];`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

const xml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function wrap(label: string, max = 26): string[] {
  const lines: string[] = [];
  for (const word of label.split(/\s+/)) {
    const last = lines.at(-1);
    if (last !== undefined && `${last} ${word}`.length <= max) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

const CHAR = 7.6;
const EDGE_CHAR = 6.4;
const LINE = 18;
const PAD = 10;
const START = '__start';

/** An SVG laid out by ELK (layered, top to bottom); arrows between the same two states share one, their labels joined. */
export async function svg(chart: Chart): Promise<string> {
  const wrapped = new Map(chart.states.map((s) => [s.id, wrap(s.label)]));
  const merged = new Map<string, { from: string; to: string; labels: string[] }>();
  const add = (from: string, to: string, label: string) => {
    const key = `${from}\u0000${to}`;
    const edge = merged.get(key) ?? { from, to, labels: [] };
    if (!edge.labels.includes(label)) edge.labels.push(label);
    merged.set(key, edge);
  };
  for (const to of chart.start.to) add(START, to, chart.start.label);
  for (const e of chart.edges) add(e.from, e.to, e.label);
  const edges = [...merged.values()];
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
      'elk.padding': '[top=40,left=16,bottom=16,right=16]',
    },
    children: [
      { id: START, width: 16, height: 16 },
      ...chart.states.map((s) => {
        const lines = wrapped.get(s.id)!;
        return { id: s.id, width: Math.ceil(Math.max(...lines.map((l) => l.length)) * CHAR) + 2 * PAD, height: lines.length * LINE + 2 * PAD };
      }),
    ],
    edges: edges.map((e, i) => {
      const text = e.labels.join(', ');
      return { id: `e${i}`, sources: [e.from], targets: [e.to], labels: [{ text, width: Math.ceil(text.length * EDGE_CHAR) + 8, height: 16 }] };
    }),
  };
  const laid = await new ELK().layout(graph);
  const width = Math.ceil(laid.width ?? 0);
  const height = Math.ceil(laid.height ?? 0);
  const final = new Set(chart.states.filter((s) => s.final).map((s) => s.id));
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `  <title>${xml(chart.title)}</title>`,
    '  <defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#0b0c0c"/></marker></defs>',
    `  <text x="16" y="24" font-size="16" font-weight="bold">${xml(chart.title)}</text>`,
  ];
  for (const edge of laid.edges ?? []) {
    for (const section of edge.sections ?? []) {
      const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map((p) => `${p.x},${p.y}`).join(' ');
      out.push(`  <polyline points="${points}" fill="none" stroke="#0b0c0c" stroke-width="1.5" marker-end="url(#arrow)"/>`);
    }
    for (const label of edge.labels ?? []) {
      out.push(`  <text class="event" x="${(label.x ?? 0) + 4}" y="${(label.y ?? 0) + 12}" font-size="11" fill="#505a5f">${xml(label.text ?? '')}</text>`);
    }
  }
  for (const node of laid.children ?? []) {
    const x = node.x ?? 0;
    const y = node.y ?? 0;
    if (node.id === START) {
      out.push(`  <circle cx="${x + 8}" cy="${y + 8}" r="8" fill="#0b0c0c"><title>start</title></circle>`);
      continue;
    }
    const w = node.width ?? 0;
    const h = node.height ?? 0;
    out.push(`  <g class="state" id="${xml(safeId(node.id))}">`);
    out.push(`    <rect x="${x}" y="${y}" width="${w}" height="${h}" rx="8" fill="#ffffff" stroke="#0b0c0c" stroke-width="${final.has(node.id) ? 3 : 1.5}"/>`);
    (wrapped.get(node.id) ?? []).forEach((line, i) => {
      out.push(`    <text x="${x + w / 2}" y="${y + PAD + 13 + i * LINE}" font-size="14" text-anchor="middle">${xml(line)}</text>`);
    });
    out.push('  </g>');
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

export async function graphCommand(args: readonly string[]): Promise<number> {
  const { positional, options } = parseArgs(args, ['format', 'root']);
  if (positional.length !== 1) throw new UsageError('name one process: PARTNERSHIP/PROCESS[@VERSION]');
  const ref = parseProcessRef(positional[0], true);
  const format = options.get('format');
  if (format === undefined) throw new UsageError(`say --format ${FORMATS.join('|')}`);
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be ${FORMATS.join(', ')}, not "${format}"`);
  const catalogue = loadOrReport(configRoot(options.get('root')));
  if (catalogue === undefined) return PROBLEMS;
  const chart = chartOf((await resolveProcess(catalogue, ref)).process);
  const drawn: Record<Format, () => string | Promise<string>> = { mermaid: () => mermaid(chart), dot: () => dot(chart), svg: () => svg(chart) };
  process.stdout.write(await drawn[format as Format]());
  return OK;
}
