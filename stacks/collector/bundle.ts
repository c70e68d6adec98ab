// Bundles the collector's Lambda function (./function/index.ts) into one CommonJS file, at
// program run time, so `pulumi up` and `labs plan` always ship the code in the checkout.
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
const ENTRY = path.join(__dirname, "function", "index.ts");

export interface FunctionBundle {
    /** The function as one CommonJS file, to ship as index.js (handler "index.handler"). */
    code: string;
    sha256: string;
    bytes: number;
}

export function bundleFunction(): FunctionBundle {
    const result = buildSync({
        absWorkingDir: PROJECT_ROOT,
        entryPoints: [path.relative(PROJECT_ROOT, ENTRY)],
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
    if (!file || result.outputFiles.length !== 1) throw new Error(`bundling ${ENTRY} gave ${result.outputFiles.length} files, expected one`);
    const code = file.text;
    return { code, sha256: createHash("sha256").update(file.contents).digest("hex"), bytes: file.contents.byteLength };
}
