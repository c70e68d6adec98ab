// Bundles one of the collector's Lambda functions (access-key-report/function, the access-key
// report, or entra-logs/function, the Entra log export) into one CommonJS file, at program run time, so
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
// - Cached: the bundle is written to node_modules/.cache/labs-bundle under its hash, with the
//   list of files it was built from; while none of them changed (size and time), the next run
//   reuses it instead of bundling again (half a second per function on every plan). The
//   Lambda takes the file as an asset, so the resource's inputs hold a path, not 1 MB of code.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildSync, version as esbuildVersion } from "esbuild";

const PROJECT_ROOT = path.resolve(__dirname, "..", "..", "..");
const COLLECTOR_ROOT = path.resolve(__dirname, "..");

/** The functions there are to bundle, and the folder of each (under stacks/collector): its index.ts exports `handler`. */
export const FUNCTION_FOLDERS = { function: "access-key-report/function", "entra-function": "entra-logs/function" } as const;
export type FunctionEntry = keyof typeof FUNCTION_FOLDERS;
export const FUNCTION_ENTRIES = Object.keys(FUNCTION_FOLDERS) as FunctionEntry[];

export interface FunctionBundle {
    /** The function as one CommonJS file, to ship as index.js (handler "index.handler"). */
    code: string;
    sha256: string;
    bytes: number;
    /** The same code on disk, named by its hash: what the Lambda's archive takes. */
    file: string;
}

interface Manifest {
    esbuild: string;
    sha256: string;
    file: string;
    /** Every file the bundle was built from, relative to the project: [mtimeMs, size]. */
    inputs: Record<string, [number, number]>;
}

function cacheDir(): string {
    const preferred = path.join(PROJECT_ROOT, "node_modules", ".cache", "labs-bundle");
    try {
        fs.mkdirSync(preferred, { recursive: true });
        return preferred;
    } catch {
        const fallback = path.join(os.tmpdir(), "labs-bundle");
        fs.mkdirSync(fallback, { recursive: true });
        return fallback;
    }
}

/** Several plans may bundle at once (tests, CI): a reader sees the old file or the new one, never half of one. */
function writeAtomically(file: string, contents: string | Uint8Array): void {
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, contents);
    fs.renameSync(temporary, file);
}

function stamp(file: string): [number, number] | undefined {
    try {
        const st = fs.statSync(path.join(PROJECT_ROOT, file));
        return [st.mtimeMs, st.size];
    } catch {
        return undefined;
    }
}

/** The cached bundle, if it exists and none of its inputs changed since it was built. */
function cached(manifestFile: string): FunctionBundle | undefined {
    let manifest: Manifest;
    try {
        manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as Manifest;
    } catch {
        return undefined;
    }
    if (manifest.esbuild !== esbuildVersion || !fs.existsSync(manifest.file)) return undefined;
    for (const [input, [mtime, size]] of Object.entries(manifest.inputs)) {
        const now = stamp(input);
        if (!now || now[0] !== mtime || now[1] !== size) return undefined;
    }
    const contents = fs.readFileSync(manifest.file);
    if (createHash("sha256").update(contents).digest("hex") !== manifest.sha256) return undefined;
    return { code: contents.toString("utf8"), sha256: manifest.sha256, bytes: contents.byteLength, file: manifest.file };
}

/** The entry file of a function, relative to the project root (as esbuild names its inputs). */
export function functionEntryPath(entry: FunctionEntry): string {
    return path.relative(PROJECT_ROOT, path.join(COLLECTOR_ROOT, FUNCTION_FOLDERS[entry], "index.ts"));
}

/** Bundles a function; without an argument, the access-key report (the collector's first function). */
export function bundleFunction(entry: FunctionEntry = "function"): FunctionBundle {
    // A typo from JavaScript or a cast would otherwise bundle whatever path it names.
    if (!FUNCTION_ENTRIES.includes(entry)) throw new Error(`unknown function ${JSON.stringify(entry)}: expected one of ${FUNCTION_ENTRIES.join(", ")}`);
    const dir = cacheDir();
    const manifestFile = path.join(dir, `${entry}.json`);
    const hit = cached(manifestFile);
    if (hit) return hit;

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
        metafile: true,
    });
    const [output] = result.outputFiles;
    if (!output || result.outputFiles.length !== 1) throw new Error(`bundling ${entryPoint} gave ${result.outputFiles.length} files, expected one`);
    const sha256 = createHash("sha256").update(output.contents).digest("hex");
    const file = path.join(dir, `${entry}-${sha256.slice(0, 16)}.js`);
    writeAtomically(file, output.contents);
    const inputs: Manifest["inputs"] = {};
    for (const input of Object.keys(result.metafile.inputs)) {
        const now = stamp(input);
        if (now) inputs[input] = now;
    }
    writeAtomically(manifestFile, JSON.stringify({ esbuild: esbuildVersion, sha256, file, inputs } satisfies Manifest));
    // Older builds of this function are of no further use: one file per function stays.
    for (const name of fs.readdirSync(dir)) {
        if (name.startsWith(`${entry}-`) && name.endsWith(".js") && path.join(dir, name) !== file) fs.rmSync(path.join(dir, name), { force: true });
    }
    return { code: output.text, sha256, bytes: output.contents.byteLength, file };
}
