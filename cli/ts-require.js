"use strict";
// Lets Node `require` TypeScript: the CLI, the lab programs it evaluates and their imports.
// Each .ts file is compiled as it loads (esbuild strips types; nothing is type-checked here,
// `npm run typecheck` does that), and the result is cached by content so a warm run never
// starts esbuild. Registering ".ts" also makes Node resolve "./config" to "./config.ts".
const crypto = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

const cacheDir = path.join(__dirname, "..", "node_modules", ".cache", "labs-ts");
let esbuild;

function compile(source, filename) {
    const key = crypto.createHash("sha256").update(filename).update("\0").update(source).digest("hex");
    const cached = path.join(cacheDir, `${key}.js`);
    try {
        return fs.readFileSync(cached, "utf8");
    } catch {
        // Not compiled yet.
    }
    esbuild ??= require("esbuild");
    const { code } = esbuild.transformSync(source, { loader: "ts", format: "cjs", target: "node20", sourcefile: filename, sourcemap: "inline" });
    try {
        fs.mkdirSync(cacheDir, { recursive: true });
        const temporary = `${cached}.${process.pid}.tmp`;
        fs.writeFileSync(temporary, code);
        fs.renameSync(temporary, cached);
    } catch {
        // A read-only checkout still works, just without the cache.
    }
    return code;
}

const maps = new Map();

/**
 * Where a position in a compiled .ts file (1-based line and column, as stack frames print them)
 * came from in its source, through the inline source map esbuild wrote. Node applies source maps
 * to stack traces only with --enable-source-maps, which would also map the stack the Pulumi SDK
 * records for every promise it makes; mapping the few frames we show is far cheaper.
 * Returns undefined when the file is not TypeScript loaded here or the position has no mapping.
 */
function originalPosition(filename, line, column) {
    if (!filename.endsWith(".ts")) return undefined;
    let map = maps.get(filename);
    if (map === undefined) {
        try {
            const code = compile(fs.readFileSync(filename, "utf8"), filename);
            const inline = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(code);
            map = inline ? new Module.SourceMap(JSON.parse(Buffer.from(inline[1], "base64").toString("utf8"))) : null;
        } catch {
            map = null;
        }
        maps.set(filename, map);
    }
    const entry = map?.findEntry(line - 1, column - 1);
    if (!entry || entry.originalLine === undefined) return undefined;
    return { line: entry.originalLine + 1, column: entry.originalColumn + 1 };
}

module.exports = { originalPosition };

if (!Module._extensions[".ts"]) {
    Module._extensions[".ts"] = function compileTypeScript(module, filename) {
        module._compile(compile(fs.readFileSync(filename, "utf8"), filename), filename);
    };
}
