// Runs a Pulumi TypeScript program in this process under Pulumi's mock runtime, as the
// Pulumi CLI's language host would run it (config in PULUMI_CONFIG, the program inside the
// root Stack resource, its exports as stack outputs), and returns everything it registered.
// Pulumi's runtime state is global: one evaluation per process (see fork.ts for more).
import * as fs from "node:fs";
import Module from "node:module";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { setMockOptions } from "@pulumi/pulumi/runtime/settings";
import { ProgramExit, type Started, isRunError, messageOf, neverRegistered, pendingRegistrations, programFrames, takeLeakedPromises, trackInvokeCallSites, trackStartedRegistrations, unknownForUncomputedOutputs } from "./completion";
import { ProgramError } from "./errors";
import { CloudSimulator } from "./mocks";
import { RecordingMonitor } from "./monitor";
import type { Plan } from "./plan";
import { loadProject, loadStackConfig } from "./project";
import { redact } from "./redact";
import { SECRET_PLACEHOLDER } from "./wire";

export interface EvaluateOptions {
    /** Folder holding the program's Pulumi.yaml. */
    programDir: string;
    /** Stack whose Pulumi.<stack>.yaml supplies the configuration. */
    stack: string;
    /** Settings that win over the stack file; keys without a namespace belong to the project. */
    overrides?: Record<string, unknown>;
    /** Like overrides, but secret, as `pulumi config set --secret` stores them. */
    secretOverrides?: Record<string, unknown>;
    /**
     * "event-loop" in a process of its own (evaluateInChild): success only once the event loop is
     * empty, as under the language host. "promises" (default) when the process has other work.
     */
    settle?: "event-loop" | "promises";
    /** Stop waiting after this many seconds and report what is pending (default 300). */
    timeoutSeconds?: number;
    /** Environment variables for the program, beside this process's (evaluateInChild only). */
    env?: Record<string, string>;
}

/** Where this project's own packages live: programs given with --program use these. */
const ENGINE_ROOT = path.resolve(__dirname, "..", "..");
const ENGINE_CLI = path.join(ENGINE_ROOT, "cli") + path.sep;

let evaluated = false;

export async function evaluate(options: EvaluateOptions): Promise<Plan> {
    if (evaluated) throw new Error("evaluate() runs one program per process; use evaluateInChild() for more");
    evaluated = true;

    const project = loadProject(options.programDir);
    const overrides: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(options.overrides ?? {})) overrides[key.includes(":") ? key : `${project.name}:${key}`] = value;
    const secretOverrides: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(options.secretOverrides ?? {})) secretOverrides[key.includes(":") ? key : `${project.name}:${key}`] = value;
    const config = loadStackConfig(project, options.stack, overrides, secretOverrides);

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
    const started = trackStartedRegistrations();
    const restoreAliases = skipProviderTypeAliases();
    const invokeSites = trackInvokeCallSites();
    const unknowns = unknownForUncomputedOutputs(project.dir);
    const failures: unknown[] = [];
    let collecting = true;
    // Left installed: the runtime may reject stray promises after a failed program; they add nothing.
    const onFailure = (err: unknown) => {
        if (collecting) failures.push(err);
    };
    process.on("unhandledRejection", onFailure);
    process.on("uncaughtException", onFailure);
    // A program that ends the process would end the evaluation with it, and say nothing.
    const realExit = process.exit;
    process.exit = ((code?: number | string | null) => {
        throw new ProgramExit(code);
    }) as typeof process.exit;
    const cwd = process.cwd();
    process.chdir(project.dir);
    let stage: "program" | "registrations" | "done" = "program";
    let settled: Settled = "drained";
    const run = (async () => {
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
        stage = "registrations";
        await pulumi.runtime.disconnect();
        stage = "done";
    })();
    try {
        settled = await settle(run, options.settle ?? "promises", options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS);
    } finally {
        collecting = false;
        process.exit = realExit;
        process.chdir(cwd);
        restoreResolve();
        restoreAliases();
        invokeSites.restore();
        unknowns.restore();
    }

    // A program that sets a failing exit code fails `pulumi up` ("Program exited with non-zero exit code").
    const exitCode = process.exitCode;
    if (exitCode !== undefined && exitCode !== 0 && exitCode !== "0") failures.push(new ProgramExit(exitCode, true));
    process.exitCode = 0;
    const unfinished = describeUnfinished({ stage, settled, started, invokeSites: invokeSites.sites, monitor, failures, programDir: project.dir, timeoutSeconds: options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS });
    if (config.problems.length || unfinished) {
        const error = mergeProblems(options.stack, config.file, config.problems, unfinished);
        throw new ProgramError(redact(error.message, config.secretKeys.map((k) => config.values[k])), error.reportedByProgram, monitor.resources.length);
    }

    if (unknowns.skipped.length) {
        const sites = [...new Set(unknowns.skipped)];
        process.stderr.write(
            `note: ${sites.length} of the program's callbacks (apply) did not run, because they read outputs the offline engine cannot compute ` +
                "(they are unknown here, as in pulumi preview); anything those callbacks would create is not in this plan:\n" +
                sites.slice(0, 10).map((s) => `  at ${s}\n`).join("") +
                (sites.length > 10 ? `  and ${sites.length - 10} more\n` : ""),
        );
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
 * Leaves out the aliases a provider SDK declares for a resource's earlier type tokens: azure-native
 * adds one per API version (60 for a NetworkSecurityGroup), aws one per renamed type. They only
 * let the engine match state written by an older provider, which a plan of new resources never
 * has; yet working them out is most of what the SDK does per resource (with them, 1,000 NSGs
 * take 13 s and 2.7 GB; without, 2.3 s and 0.5 GB: `npm run bench`). The plan records no aliases
 * either way. A program's own aliases (names, parents, or anything besides a bare type) stay.
 */
function skipProviderTypeAliases(): () => void {
    type Merge = (a?: pulumi.ResourceOptions, b?: pulumi.ResourceOptions) => pulumi.ResourceOptions;
    // The SDK's own exports object (programs call pulumi.mergeOptions on it), not an ES-module view of it.
    const sdk = require("@pulumi/pulumi") as { mergeOptions: Merge };
    const original = sdk.mergeOptions;
    const typeOnly = (alias: unknown) => typeof alias === "object" && alias !== null && Object.keys(alias).length === 1 && typeof (alias as { type?: unknown }).type === "string";
    const merge: Merge = (a, b) => {
        if (b && Object.keys(b).length === 1 && Array.isArray(b.aliases) && b.aliases.length > 0 && b.aliases.every(typeOnly)) return original(a, {});
        return original(a, b);
    };
    sdk.mergeOptions = merge;
    return () => {
        sdk.mergeOptions = original;
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
            // What the program imports, not what the SDK's packages or this engine do.
            if (parent?.filename && !parent.filename.includes(`${path.sep}node_modules${path.sep}`) && !parent.filename.startsWith(ENGINE_CLI)) seen.add(request);
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

const INVOKE_SOURCE = path.join("@pulumi", "pulumi", "runtime", "invoke.js");

/** How long a program may run offline before the engine stops waiting and names what is pending. */
const DEFAULT_TIMEOUT_SECONDS = Number(process.env.LABS_EVALUATION_TIMEOUT_SECONDS) > 0 ? Number(process.env.LABS_EVALUATION_TIMEOUT_SECONDS) : 300;

/**
 * Waits for the program and its registrations. With "event-loop" (a child process that owns its
 * event loop), it then waits for the loop to empty, as the language host does before it reports
 * success: a timer that throws later still fails the run, and a program whose promises can never
 * settle (nothing left to run, work unfinished) is found the moment the loop empties.
 * With "promises" (in a process that keeps other work going), it waits for the program, then two
 * turns of the loop for unhandled rejections, which Node reports only once microtasks drain.
 */
async function settle(run: Promise<void>, mode: "event-loop" | "promises", timeoutSeconds: number): Promise<Settled> {
    const timers: NodeJS.Timeout[] = [];
    const after = (seconds: number) =>
        new Promise<"timeout">((resolve) => {
            const timer = setTimeout(() => resolve("timeout"), seconds * 1000);
            timer.unref();
            timers.push(timer);
        });
    try {
        if (mode === "event-loop") {
            // As the language host waits (cmd/run/index.js): at the first empty loop it registers its
            // real handler for the next one, so that libraries' own beforeExit handlers (which may
            // still create resources, as @pulumi/aws's bucket notifications do) run first.
            const drained = new Promise<"drained">((resolve) => {
                process.once("beforeExit", () =>
                    process.nextTick(() => {
                        setImmediate(() => undefined);
                        process.once("beforeExit", () => resolve("drained"));
                    }),
                );
            });
            const first = await Promise.race([run.then(() => "ran" as const), drained, after(timeoutSeconds)]);
            if (first !== "ran") return first;
            // The program is done; the language host still waits for its loop to empty, however long
            // its timers take. Say so after a while, then wait as long as the time limit allows.
            const notice = setTimeout(
                () => process.stderr.write(`The program has finished but keeps its event loop busy (${activeWork().join(", ") || "timers or sockets"}); waiting for it as pulumi up would, up to ${timeoutSeconds} s in all.\n`),
                BUSY_NOTICE_SECONDS * 1000,
            );
            notice.unref();
            timers.push(notice);
            const second = await Promise.race([drained, after(timeoutSeconds)]);
            return second === "drained" ? "drained" : "busy";
        }
        const first = await Promise.race([run.then(() => "drained" as const), after(timeoutSeconds)]);
        for (let i = 0; i < 2; i++) await new Promise<void>((resolve) => setImmediate(resolve));
        return first;
    } finally {
        for (const timer of timers) clearTimeout(timer);
    }
}

/** How an evaluation ended: the loop emptied; the time ran out; or the program finished but something it started keeps running. */
type Settled = "drained" | "timeout" | "busy";

/** After how long a finished program that keeps its event loop busy is told that the engine is waiting for it. */
const BUSY_NOTICE_SECONDS = 20;

/** What keeps the event loop alive besides this process's own pipes. */
function activeWork(): string[] {
    return [...new Set(process.getActiveResourcesInfo().filter((r) => !/^(PipeWrap|TTYWrap|ProcessWrap)$/.test(r)))];
}

/**
 * The SDK words a feature the monitor lacks as the CLI's ("The Pulumi CLI does not support
 * transforms"), which is untrue offline; a missing module's message ends with Node's require stack.
 */
function offlineWording(message: string): string {
    const unsupported = /^The Pulumi CLI does not support ([\w\s-]+?)\.( Please update the Pulumi CLI\.?)?$/.exec(message.trim());
    if (unsupported) return `the offline engine does not support ${unsupported[1]} (the Pulumi CLI does); plan the program without them`;
    return message.split("\nRequire stack:")[0];
}

interface Evidence {
    stage: "program" | "registrations" | "done";
    settled: Settled;
    started: Started[];
    /** Where the program first called each function token. */
    invokeSites: Map<string, string>;
    monitor: RecordingMonitor;
    failures: unknown[];
    programDir: string;
    timeoutSeconds: number;
}

/** Everything that kept the evaluation from completing, one line each (frames indented), or undefined. */
function describeUnfinished(e: Evidence): FailureDescription | undefined {
    const runErrors = e.failures.filter(isRunError);
    if (runErrors.length) {
        // The program's own, user-facing report (e.g. every configuration problem, one per line).
        return { lines: runErrors[0].message.split("\n").filter((l) => l.trim() !== ""), reportedByProgram: true };
    }
    const lines: string[] = [];
    const invokeMessages = new Set(e.monitor.unansweredInvokes.map((i) => i.message));
    const seen = new Set<string>();
    for (const err of [...e.failures, ...e.monitor.refusals]) {
        const message = messageOf(err);
        // One line per cause: the SDK rejects every output of a failed registration with the same error,
        // and rewraps a failed invoke without its message (the unanswered function is named below).
        const fromInvoke = err instanceof Error && (err.stack ?? "").includes(INVOKE_SOURCE);
        if (seen.has(message) || [...seen].some((m) => m.includes(message)) || (invokeMessages.size && fromInvoke) || [...invokeMessages].some((m) => message.includes(m))) continue;
        seen.add(message);
        if (err instanceof ProgramExit) lines.push(err.message);
        else lines.push(`the program failed: ${offlineWording(message)}`);
        if (err instanceof Error) lines.push(...programFrames(err.stack, e.programDir));
    }
    const tokens = [...new Set(e.monitor.unansweredInvokes.map((i) => i.token))];
    const frameOf = (stack: string | undefined) => programFrames(stack, e.programDir).slice(0, 1);
    for (const token of tokens) {
        const message = e.monitor.unansweredInvokes.find((i) => i.token === token)!.message;
        lines.push(message.includes(token) ? message : `the function ${token} failed: ${message}`);
        lines.push(...frameOf(e.invokeSites.get(token)));
    }
    if (e.stage !== "done" && lines.length === 0) {
        lines.push(
            e.stage === "program"
                ? "the program never finished: its code, or the function it exports, waits on a promise that nothing will ever settle"
                : "the program finished, but some of its resource registrations or function calls never completed: an input they wait for never resolves",
        );
    }
    const pending = pendingRegistrations();
    // A registration the monitor refused (e.g. a duplicate URN) is reported above, not again here.
    const missing = neverRegistered(e.started, [...e.monitor.resources, ...e.monitor.refusedResources]);
    const leaked = takeLeakedPromises();
    if (pending.length || missing.length) {
        const siteOf = (type?: string, name?: string) => e.started.find((s) => s.type === type && s.name === name)?.stack;
        const waiting = pending.length
            ? pending.map((p) => ({ text: p.text, stack: siteOf(p.type, p.name) }))
            : missing.map((m) => ({ text: `"${m.name}" [${m.type}] never reached the engine`, stack: m.stack }));
        lines.push(`${waiting.length} resource${waiting.length === 1 ? "" : "s"} never registered, so a plan would leave ${waiting.length === 1 ? "it" : "them"} out:`);
        lines.push(...waiting.slice(0, 20).map((w) => `    ${w.text}${frameOf(w.stack).map((f) => ` (${f.trim().replace(/^at /, "")})`).join("")}`));
        if (waiting.length > 20) lines.push(`    and ${waiting.length - 20} more`);
    }
    if (e.stage !== "done" && lines.length && !lines.some((l) => l.startsWith("the program"))) lines.unshift(`the program did not finish within ${e.timeoutSeconds} s`);
    if (leaked > 0 && lines.length === 0 && e.settled === "drained") {
        lines.push(
            `the program finished, but ${leaked} of the SDK's promises it made never settled (an Output or invoke built on a promise that never resolves, even if unused): ` +
                "pulumi up fails on this with its \"promises were still active\" notice",
        );
    }
    if (e.stage === "done" && e.settled === "busy" && lines.length === 0) {
        const busy = activeWork();
        lines.push(
            `the program finished, but something it started still runs after ${e.timeoutSeconds} s${busy.length ? ` (${busy.join(", ")})` : ""}: ` +
                "pulumi up waits until a program's event loop is empty, so it would not finish either; clear the timer or close the server or socket (LABS_EVALUATION_TIMEOUT_SECONDS sets the limit)",
        );
    }
    return lines.length ? { lines, reportedByProgram: false } : undefined;
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
    return new ProgramError([`Stack '${stack}' could not be planned:`, ...lines.map((l) => (l.startsWith("    ") ? l : `  ${l}`))].join("\n"), program?.reportedByProgram ?? true);
}
