// `pulumi up` type-checks a TypeScript program before it runs it: the CLI's nodejs host registers
// ts-node with type checking on (cmd/run/run.js), so a type error stops the update at once. The
// offline engine compiles with esbuild, which only strips types; this is the check it skips, run
// the way the host runs it, so a program `pulumi up` refuses is never planned as if it would run.
import { fork } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Project } from "./project";

/**
 * The same check for a policy pack, which `pulumi preview --policy-pack` also loads through
 * type-checking ts-node (cmd/run-policy-pack/run.js): its package.json `main`, or index.ts.
 */
export function typecheckPolicyPack(packDir: string): Promise<string[]> {
    const dir = path.resolve(packDir);
    let main = "index.ts";
    try {
        const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { main?: unknown };
        if (typeof pkg.main === "string") main = pkg.main;
    } catch {
        // No package.json: PolicyHost.start says so.
    }
    return typecheckProgram({ dir, main: path.resolve(dir, main) });
}

const ENGINE_ROOT = path.resolve(__dirname, "..", "..");
const CACHE = path.join(ENGINE_ROOT, "node_modules", ".cache", "labs-typecheck");
const SHOWN = 10;

/**
 * Type-checks the program's entry file and everything it imports, with the compiler options the
 * Pulumi CLI gives ts-node: target ES2020, module and resolution nodenext, then the program's own
 * tsconfig.json. Only the program's own files are judged (not declaration files, not
 * node_modules), as ts-node reports diagnostics only for the files it compiles.
 * Skipped as the CLI skips it: PULUMI_NODEJS_TRANSPILE_ONLY=true, `noCheck` in tsconfig.json, or
 * a JavaScript entry point. A clean result is cached by the contents of the program's .ts files.
 * Returns the problems, one line each (`file:line:col TSnnnn: message`), or [] when it checks clean.
 */
export async function typecheckProgram(project: Pick<Project, "dir" | "main">): Promise<string[]> {
    if (process.env.PULUMI_NODEJS_TRANSPILE_ONLY === "true") return [];
    const entry = entryFile(project.main);
    if (!entry) return [];
    const tsconfig = path.join(project.dir, "tsconfig.json");
    const key = cacheKey(project.dir, tsconfig);
    if (fs.existsSync(path.join(CACHE, key))) return [];
    const problems = await new Promise<string[]>((resolve, reject) => {
        const child = fork(path.join(__dirname, "typecheck-child.js"), [], { stdio: ["ignore", "ignore", "pipe", "ipc"], serialization: "advanced" });
        let stderr = "";
        child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("message", (m) => resolve(m as string[]));
        child.on("error", reject);
        child.on("exit", (code) => code !== 0 && reject(new Error(`the type check stopped (exit ${code}): ${stderr.trim().split("\n").pop() ?? ""}`)));
        child.send({ entry, tsconfig: fs.existsSync(tsconfig) ? tsconfig : undefined, dir: project.dir });
    });
    if (problems.length === 0) {
        try {
            fs.mkdirSync(CACHE, { recursive: true });
            fs.writeFileSync(path.join(CACHE, key), "");
        } catch {
            // A read-only checkout checks again next time.
        }
        return [];
    }
    return problems.length > SHOWN ? [...problems.slice(0, SHOWN), `and ${problems.length - SHOWN} more`] : problems;
}

function entryFile(main: string): string | undefined {
    const file = fs.existsSync(main) && fs.statSync(main).isDirectory() ? path.join(main, "index.ts") : main;
    return file.endsWith(".ts") && fs.existsSync(file) ? file : undefined;
}

/** The program's .ts sources and tsconfig, the compiler's version and the host's options. */
function cacheKey(dir: string, tsconfig: string): string {
    const hash = crypto.createHash("sha256");
    hash.update(typescriptVersion(dir));
    if (fs.existsSync(tsconfig)) hash.update(fs.readFileSync(tsconfig));
    const walk = (d: string) => {
        for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
            if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
            const full = path.join(d, entry.name);
            if (entry.isDirectory()) walk(full);
            else if (entry.name.endsWith(".ts")) hash.update(full).update("\0").update(fs.readFileSync(full));
        }
    };
    walk(dir);
    return hash.digest("hex");
}

function typescriptVersion(dir: string): string {
    try {
        return (require(require.resolve("typescript/package.json", { paths: [dir, ENGINE_ROOT] })) as { version: string }).version;
    } catch {
        return "none";
    }
}
