import { isNode, LineCounter, parseDocument, type Document } from 'yaml';

/** One problem in the configuration, printed as `file:line: message`. */
export interface ConfigProblem {
  file: string;
  line: number;
  message: string;
}

export type PathSegment = string | number;

/** Where a part of the configuration was written. */
export interface Location {
  file: string;
  line: number;
}

/** A parsed config file that can say on which line any part of it stands. */
export interface SourceFile {
  file: string;
  value: unknown;
  /** The line of the deepest node along `path` that exists (1 when nothing does). */
  lineOf(path: readonly PathSegment[]): number;
  /**
   * The file and line that wrote the part at `path`. For a file read as it is, that file; for a
   * partnership's variant resolved with its template, the template's line for what the template
   * says and the variant's for what the variant changes (see variants.ts).
   */
  where(path: readonly PathSegment[]): Location;
}

/** A problem at `path` of `source`, in the file that wrote it; one found in a template names the file that used it. */
export function problemAt(source: SourceFile, path: readonly PathSegment[], message: string): ConfigProblem {
  const { file, line } = source.where(path);
  return { file, line, message: file === source.file ? message : `${message} (as ${source.file} uses it)` };
}

export function formatProblem(problem: ConfigProblem): string {
  return `${problem.file}:${problem.line}: ${problem.message}`;
}

/** A text parsed without errors, with the positions of its nodes. */
interface ParsedText {
  readonly doc: Document;
  readonly lineCounter: LineCounter;
}

/**
 * Parsed texts by their text, shared by the files of one load: many partnerships' folders hold
 * files written alike (copied forms and processes), and parsing YAML is most of reading them.
 */
export type ParseCache = Map<string, ParsedText>;

/**
 * Parses YAML or JSON (YAML's superset) keeping positions. JSON files are also read by
 * JSON.parse first, so a trailing comma that YAML would forgive is still reported.
 * With a `cache`, a text parsed before is not parsed again; each file still gets a value of its own.
 */
export function parseSource(file: string, text: string, cache?: ParseCache): SourceFile | ConfigProblem[] {
  // Before the cache: a text YAML parsed for a .yaml file may still be bad JSON in a .json one.
  if (file.endsWith('.json')) {
    const problem = jsonSyntaxProblem(file, text);
    if (problem !== undefined) return [problem];
  }
  let parsed = cache?.get(text);
  if (parsed === undefined) {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
      return doc.errors.map((error) => ({
        file,
        line: lineCounter.linePos(error.pos[0]).line,
        message: `${fileKind(file)} syntax error: ${firstLine(error.message)}`,
      }));
    }
    parsed = { doc, lineCounter };
    cache?.set(text, parsed);
  }
  const { doc, lineCounter } = parsed;
  const lineOf = (path: readonly PathSegment[]) => lineOfPath(doc, lineCounter, path);
  return { file, value: doc.toJS(), lineOf, where: (path) => ({ file, line: lineOf(path) }) };
}

function lineOfPath(doc: Document, lineCounter: LineCounter, path: readonly PathSegment[]): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return 1;
}

function jsonSyntaxProblem(file: string, text: string): ConfigProblem | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    const message = (error as Error).message;
    return { file, line: jsonErrorLine(text, message), message: `JSON syntax error: ${firstLine(message)}` };
  }
}

/** Node names the position in some messages only; YAML's parser, reading the same text, knows the line. */
function jsonErrorLine(text: string, message: string): number {
  const position = /position (\d+)/.exec(message);
  if (position) return text.slice(0, Number(position[1])).split('\n').length;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const first = doc.errors[0];
  return first ? lineCounter.linePos(first.pos[0]).line : 1;
}

function fileKind(file: string): string {
  return file.endsWith('.json') ? 'JSON' : 'YAML';
}

function firstLine(message: string): string {
  return message.split('\n')[0]!;
}

/** Turns a JSON Pointer (`/a/0/b`) into path segments. */
export function pointerToPath(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}
