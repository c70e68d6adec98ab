// Runs a Pulumi TypeScript program in this process under Pulumi's mock runtime, as the
// Pulumi CLI's language host would run it (config in PULUMI_CONFIG, the program inside the
// root Stack resource, its exports as stack outputs), and returns everything it registered.
// Pulumi's runtime state is global: one evaluation per process (see fork.ts for more).
import * as fs from "node:fs";
import Module from "node:module";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { setMockOptions } from "@pulumi/pulumi/runtime/settings";
import { ProgramError } from "./errors";
import { CloudSimulator } from "./mocks";
import { RecordingMonitor } from "./monitor";
import type { Plan } from "./plan";
import { loadProject, loadStackConfig } from "./project";
import { SECRET_PLACEHOLDER } from "./wire";

export interface EvaluateOptions {
    /** Folder holding the program's Pulumi.yaml. */
    programDir: string;
    /** Stack whose Pulumi.<stack>.yaml supplies the configuration. */
    stack: string;
    /** Settings that win over the stack file; keys without a namespace belong to the project. */
    overrides?: Record<string, unknown>;
}

/** Where this project's own packages live: programs given with --program use these. */
const ENGINE_ROOT = path.resolve(__dirname, "..", "..");

let evaluated = false;

export async function evaluate(options: EvaluateOptions): Promise<Plan> {
    if (evaluated) throw new Error("evaluate() runs one program per process; use evaluateInChild() for more");
    evaluated = true;

    const project = loadProject(options.programDir);
    const overrides: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(options.overrides ?? {})) overrides[key.includes(":") ? key : `${project.name}:${key}`] = value;
    const config = loadStackConfig(project, options.stack, overrides);

    // As the language host passes them. setAllConfig covers an SDK already loaded by the caller.
    process.env.PULUMI_CONFIG = JSON.stringify(config.values);
    process.env.PULUMI_CONFIG_SECRET_KEYS = JSON.stringify(config.secretKeys);
    process.env.PULUMI_NODEJS_PROJECT = project.name;
    process.env.PULUMI_NODEJS_STACK = options.stack;
    process.env.PULUMI_NODEJS_ROOT_DIRECTORY = project.dir;
    process.env.PULUMI_NODEJS_ORGANIZATION = "organization";
    pulumi.runtime.setAllConfig(config.values, config.secretKeys);

    const cloud = new CloudSimulator(config.values, `${project.name}/${options.stack}`);
    const monitor = new RecordingMonitor(cloud, project.name, options.stack);
    await pulumi.runtime.setMocks({ newResource: () => ({ id: "", state: {} }), call: () => ({}) }, project.name, options.stack, false, "organization");
    setMockOptions(monitor, project.name, options.stack, false, "organization");

    const sdkModules = new Set<string>();
    const restoreResolve = pinPulumiPackages(sdkModules);
    const failures: unknown[] = [];
    let collecting = true;
    // Left installed: the runtime may reject stray promises after a failed program; they add nothing.
    const onFailure = (err: unknown) => {
        if (collecting) failures.push(err);
    };
    process.on("unhandledRejection", onFailure);
    process.on("uncaughtException", onFailure);
    const cwd = process.cwd();
    process.chdir(project.dir);
    try {
        try {
            await pulumi.runtime.runInPulumiStack(async () => {
                // A folder ends with "/" so Node requires the folder, not a sibling file (as the language host does).
                const main = fs.statSync(project.main).isDirectory() ? `${project.main}${path.sep}` : project.main;
                let exported: unknown = require(main);
                const mod = exported as { default?: unknown; __esModule?: boolean };
                if (mod && mod.__esModule && mod.default !== undefined) exported = mod.default;
                if (typeof exported === "function") exported = await (exported as () => unknown)();
                return exported as Record<string, unknown>;
            });
        } catch (err) {
            failures.push(err);
        }
        await pulumi.runtime.disconnect();
    } finally {
        collecting = false;
        process.chdir(cwd);
        restoreResolve();
    }

    failures.push(...monitor.refusals);
    const programProblems = failures.length ? describeFailure(failures[0], project.dir) : undefined;
    if (config.problems.length || programProblems) {
        const error = mergeProblems(options.stack, config.file, config.problems, programProblems);
        throw new ProgramError(error.message, error.reportedByProgram, monitor.resources.length);
    }

    const shownConfig: Record<string, string> = {};
    for (const [key, value] of Object.entries(config.values)) shownConfig[key] = config.secretKeys.includes(key) ? SECRET_PLACEHOLDER : value;
    return {
        project: project.name,
        stack: options.stack,
        resources: monitor.resources,
        outputs: monitor.stackOutputs,
        config: shownConfig,
        sdkModules: [...sdkModules].sort(),
    };
}

/**
 * Makes every `@pulumi/...` import resolve to this project's copy, wherever the program
 * lives: one SDK instance means one runtime state, the one the mocks were installed in.
 */
function pinPulumiPackages(seen: Set<string>): () => void {
    type Resolve = (request: string, parent: Partial<NodeModule> | undefined, ...rest: unknown[]) => string;
    const mod = Module as unknown as { _resolveFilename: Resolve; _nodeModulePaths(dir: string): string[] };
    const original = mod._resolveFilename;
    const engineModule: Partial<NodeModule> = { id: ENGINE_ROOT, filename: path.join(ENGINE_ROOT, "index.ts"), paths: mod._nodeModulePaths(ENGINE_ROOT) };
    mod._resolveFilename = function (request, parent, ...rest) {
        if (request.startsWith("@pulumi/")) {
            if (parent?.filename && !parent.filename.includes(`${path.sep}node_modules${path.sep}`)) seen.add(request);
            return original.call(this, request, engineModule, ...rest);
        }
        return original.call(this, request, parent, ...rest);
    };
    return () => {
        mod._resolveFilename = original;
    };
}

interface FailureDescription {
    lines: string[];
    reportedByProgram: boolean;
}

function describeFailure(err: unknown, programDir: string): FailureDescription {
    if (pulumi.RunError.isInstance(err)) {
        // The program's own, user-facing report (e.g. every configuration problem, one per line).
        return { lines: err.message.split("\n").filter((l) => l.trim() !== ""), reportedByProgram: true };
    }
    const error = err instanceof Error ? err : new Error(String(err));
    const frames = (error.stack ?? "")
        .split("\n")
        .filter((l) => l.trim().startsWith("at ") && l.includes(programDir) && !l.includes(`${path.sep}node_modules${path.sep}`))
        .slice(0, 3)
        .map((l) => `    ${l.trim()}`);
    return { lines: [`the program failed: ${error.message}`, ...frames], reportedByProgram: false };
}

/** One line per problem; a setting the engine already reported is not repeated from the program. */
function mergeProblems(stack: string, stackFile: string, engineProblems: string[], program: FailureDescription | undefined): ProgramError {
    const settingOf = (line: string) => /^([\w.-]+:[\w.\-[\]]+)/.exec(line)?.[1];
    const reported = new Set(engineProblems.map(settingOf).filter(Boolean));
    const programLines = (program?.lines ?? []).filter((l) => {
        const setting = settingOf(l);
        return !setting || !reported.has(setting);
    });
    const lines = [...engineProblems, ...programLines];
    if (lines.every((l) => settingOf(l) !== undefined)) {
        return new ProgramError(
            [
                `Stack '${stack}' has ${lines.length} configuration problem${lines.length === 1 ? "" : "s"}:`,
                ...lines.map((l) => `  - ${l}`),
                `Fix ${lines.length === 1 ? "it" : "them"} in ${path.basename(stackFile)} (or with pulumi config set) and run again.`,
            ].join("\n"),
            true,
        );
    }
    return new ProgramError([`Stack '${stack}' could not be planned:`, ...lines.map((l) => (l.startsWith("    at ") ? l : `  ${l}`))].join("\n"), program?.reportedByProgram ?? true);
}
