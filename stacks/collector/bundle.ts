// Bundles one of the collector's Lambda functions (./function, the access-key report, or
// ./entra-function, the Entra log export) into one CommonJS file, at program run time, so
// `pulumi up` and `labs plan` always ship the code in the checkout.
// - Everything is bundled, the AWS SDK included: the function runs the SDK version pinned in
//   package.json and tested here, not whatever copy the Lambda runtime carries that month.
// - Minified with names kept: smaller to upload and to load at cold start, and stack traces
//   still name the functions they pass through.
// - No source map: an inline one would more than double the file and only helps with
//   --enable-source-maps, which slows every cold start; errors are logged as one clear line.
// - No legal comments in the output: the file runs in the lab's own account and is not
//   redistributed; the licences stay with the packages in node_modules.
// - Deterministic: esbuild's output depends only on its inputs, and paths are relative to
//   the project root, so the same checkout gives the same sha256 anywhere (no needless update).
import { createHash } from "node:crypto";
import * as path from "node:path";
import { buildSync } from "esbuild";

const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

/** The functions there are to bundle: each folder's index.ts exports `handler`. */
export const FUNCTION_ENTRIES = ["function", "entra-function"] as const;
export type FunctionEntry = (typeof FUNCTION_ENTRIES)[number];

export interface FunctionBundle {
    /** The function as one CommonJS file, to ship as index.js (handler "index.handler"). */
    code: string;
    sha256: string;
    bytes: number;
}

/** The entry file of a function, relative to the project root (as esbuild names its inputs). */
export function functionEntryPath(entry: FunctionEntry): string {
    return path.relative(PROJECT_ROOT, path.join(__dirname, entry, "index.ts"));
}

/** Bundles a function; without an argument, the access-key report (the collector's first function). */
export function bundleFunction(entry: FunctionEntry = "function"): FunctionBundle {
    // A typo from JavaScript or a cast would otherwise bundle whatever path it names.
    if (!FUNCTION_ENTRIES.includes(entry)) throw new Error(`unknown function ${JSON.stringify(entry)}: expected one of ${FUNCTION_ENTRIES.join(", ")}`);
    const entryPoint = functionEntryPath(entry);
    const result = buildSync({
        absWorkingDir: PROJECT_ROOT,
        entryPoints: [entryPoint],
        bundle: true,
        platform: "node",
        target: "node22",
        format: "cjs",
        minify: true,
        keepNames: true,
        sourcemap: false,
        legalComments: "none",
        charset: "utf8",
        write: false,
        outfile: "index.js",
        logLevel: "silent",
    });
    const [file] = result.outputFiles;
    if (!file || result.outputFiles.length !== 1) throw new Error(`bundling ${entryPoint} gave ${result.outputFiles.length} files, expected one`);
    const code = file.text;
    return { code, sha256: createHash("sha256").update(file.contents).digest("hex"), bytes: file.contents.byteLength };
}
