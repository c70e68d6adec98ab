// What a Lambda function's code calls, read from its sources: the SDK commands it sends, and
// the project files its bundle is built from (its own, and the shared code it imports).
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { buildSync } from "esbuild";
import { type FunctionEntry, functionEntryPath } from "../../stacks/collector/shared/bundle";

const PROJECT_ROOT = path.resolve(__dirname, "../..");

/** The SDK commands a source text sends: `new XxxCommand(` directly, `paginateXxx(` through a paginator. */
export function sdkCommandsIn(source: string): string[] {
    // Comments may name commands without calling them.
    const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|\s)\/\/.*$/gm, "$1");
    const direct = [...code.matchAll(/\bnew\s+([A-Z]\w*Command)\s*\(/g)].map((m) => m[1]);
    const paged = [...code.matchAll(/\bpaginate([A-Z]\w*)\s*\(/g)].map((m) => `${m[1]}Command`);
    return [...direct, ...paged];
}

/** The project's own files a function's bundle is built from (not node_modules), paths relative to the project. */
export function bundleSources(entry: FunctionEntry): Array<{ file: string; text: string }> {
    const result = buildSync({ absWorkingDir: PROJECT_ROOT, entryPoints: [functionEntryPath(entry)], bundle: true, platform: "node", write: false, metafile: true, logLevel: "silent" });
    return Object.keys(result.metafile.inputs)
        .filter((file) => !file.includes("node_modules/"))
        .map((file) => ({ file, text: readFileSync(path.join(PROJECT_ROOT, file), "utf8") }));
}
