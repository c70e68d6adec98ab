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

if (!Module._extensions[".ts"]) {
    Module._extensions[".ts"] = function compileTypeScript(module, filename) {
        module._compile(compile(fs.readFileSync(filename, "utf8"), filename), filename);
    };
}
