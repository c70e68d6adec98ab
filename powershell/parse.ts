// PowerShell parsed with tree-sitter-powershell (github.com/airbus-cert/tree-sitter-powershell),
// and scripts assembled the way the labs run them: `# @include <file>` lines replaced by that
// file (beside the script), with every line of the result traced back to its own file.
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import Parser from "tree-sitter";

export type SyntaxNode = Parser.SyntaxNode;

let parser: Parser | undefined;

/**
 * The package's own entry point is an ES module with top-level await, which CommonJS (the
 * CLI, the policy pack under ts-node) cannot require; its native binding is what it exports,
 * loaded here the same way (node-gyp-build, resolved from the package's own folder).
 */
function language(): Parser.Language {
    const root = path.dirname(require.resolve("tree-sitter-powershell/package.json"));
    const load = createRequire(path.join(root, "package.json"))("node-gyp-build") as (dir: string) => Parser.Language & { nodeTypeInfo?: unknown };
    const binding = load(root);
    binding.nodeTypeInfo = JSON.parse(fs.readFileSync(path.join(root, "src", "node-types.json"), "utf8"));
    return binding;
}

/**
 * Parses PowerShell source into a tree-sitter tree; never throws on bad syntax: the tree keeps
 * ERROR and MISSING nodes where the text does not parse. Positions are 0-based rows and columns.
 */
export function parse(text: string): Parser.Tree {
    if (!parser) {
        parser = new Parser();
        parser.setLanguage(language());
    }
    // tree-sitter's default 32 KiB input buffer is too small for a long script with the prelude.
    return parser.parse(text, undefined, { bufferSize: Math.max(32 * 1024, text.length * 4 + 1024) });
}

/** Where a line of an assembled script came from. */
interface Segment {
    /** 0-based first line in the assembled text. */
    start: number;
    lines: number;
    file: string;
    /** 0-based line in `file` of the segment's first line. */
    fileLine: number;
}

export interface Source {
    /** The file the text was read from (for messages), or a label such as a resource name. */
    file: string;
    text: string;
    segments: Segment[];
}

export interface Location {
    file: string;
    /** 1-based. */
    line: number;
    /** 1-based. */
    column: number;
}

const INCLUDE = /^[ \t]*#[ \t]*@include[ \t]+(\S+)[ \t]*$/;

/** A script as given (an inline Run Command script, say): one segment, no includes resolved. */
export function inlineSource(file: string, text: string): Source {
    return { file, text, segments: [{ start: 0, lines: text.split("\n").length, file, fileLine: 0 }] };
}

/**
 * Reads a script and replaces each `# @include NAME` line with the file NAME beside it (without
 * its trailing blank lines, as stacks/rms-lab/scripts.ts does). Throws when an included file is missing.
 */
export function readSource(file: string): Source {
    const lines = fs.readFileSync(file, "utf8").split("\n");
    const out: string[] = [];
    const segments: Segment[] = [];
    let runStart = 0;
    const flush = (upTo: number) => {
        if (upTo > runStart) segments.push({ start: out.length - (upTo - runStart), lines: upTo - runStart, file, fileLine: runStart });
    };
    for (let i = 0; i < lines.length; i++) {
        const m = INCLUDE.exec(lines[i]);
        if (!m) {
            out.push(lines[i]);
            continue;
        }
        flush(i);
        const included = path.join(path.dirname(file), m[1]);
        if (!fs.existsSync(included)) throw new Error(`${file}:${i + 1}: # @include ${m[1]}: no such file beside the script`);
        const body = fs.readFileSync(included, "utf8").trimEnd().split("\n");
        segments.push({ start: out.length, lines: body.length, file: included, fileLine: 0 });
        out.push(...body);
        runStart = i + 1;
    }
    flush(lines.length);
    return { file, text: out.join("\n"), segments };
}

/** The file, line and column (1-based) of a 0-based row and column of the assembled text. */
export function locate(source: Source, row: number, column: number): Location {
    const seg = source.segments.find((s) => row >= s.start && row < s.start + s.lines) ?? source.segments[source.segments.length - 1];
    return { file: seg.file, line: seg.fileLine + (row - seg.start) + 1, column: column + 1 };
}
