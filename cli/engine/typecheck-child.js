"use strict";
// The type check of cli/engine/typecheck.ts, in a process of its own (it takes seconds of CPU and
// runs beside the evaluation): the program's TypeScript (or the project's), the Pulumi CLI's
// compiler options, diagnostics of the program's own files only.
const path = require("node:path");

const ENGINE_ROOT = path.resolve(__dirname, "..", "..");

process.once("message", ({ entry, tsconfig, dir }) => {
    const ts = require(require.resolve("typescript", { paths: [dir, ENGINE_ROOT] }));
    // As cmd/run/run.js hands them to ts-node: its defaults, then the tsconfig's compilerOptions.
    let options = { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, sourceMap: true };
    const problems = [];
    if (tsconfig) {
        const read = ts.readConfigFile(tsconfig, ts.sys.readFile);
        if (read.error) problems.push(format(ts, read.error, dir));
        const parsed = ts.convertCompilerOptionsFromJson((read.config && read.config.compilerOptions) || {}, path.dirname(tsconfig));
        for (const e of parsed.errors) problems.push(format(ts, e, dir));
        options = { ...options, ...parsed.options };
    }
    if (options.noCheck) return process.send([], () => process.exit(0));
    options.noEmit = true;
    // A program planned with --program may have no node_modules of its own: what it imports
    // resolves from the project's, as the engine resolves it when it runs the program.
    const host = ts.createCompilerHost(options);
    const engineFile = path.join(ENGINE_ROOT, "index.ts");
    host.resolveModuleNameLiterals = (literals, containingFile, redirected, compilerOptions, sourceFile) =>
        literals.map((literal) => {
            const name = literal.text;
            const mode = ts.getModeForUsageLocation(sourceFile, literal, compilerOptions);
            const found = ts.resolveModuleName(name, containingFile, compilerOptions, host, undefined, redirected, mode);
            if (found.resolvedModule || name.startsWith(".") || path.isAbsolute(name)) return found;
            return ts.resolveModuleName(name, engineFile, compilerOptions, host, undefined, redirected, mode);
        });
    const program = ts.createProgram({ rootNames: [entry], options, host });
    for (const d of program.getOptionsDiagnostics()) problems.push(format(ts, d, dir));
    for (const sf of program.getSourceFiles()) {
        if (sf.isDeclarationFile || sf.fileName.includes("/node_modules/")) continue;
        for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) problems.push(format(ts, d, dir));
    }
    process.send(problems, () => process.exit(0));
});

function format(ts, d, dir) {
    const text = ts.flattenDiagnosticMessageText(d.messageText, " ");
    if (!d.file || d.start === undefined) return `TS${d.code}: ${text}`;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${path.relative(dir, d.file.fileName) || d.file.fileName}:${line + 1}:${character + 1} TS${d.code}: ${text}`;
}
