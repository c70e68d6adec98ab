// What an evaluation left unfinished. A plan is only a plan when the program ran to the end:
// every resource it started registered, every function it called had an answer, nothing threw or
// rejected unhandled, and the program neither hung nor ended the process. This module gathers the
// evidence and words it: the resources that never registered (and what each was waiting for), the
// function tokens with no answer, the errors with frames in the user's own source lines.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

// Internal to the SDK (marked @internal, so absent from its typings), and stable across 3.2xx.
const { leakedPromises } = require("@pulumi/pulumi/runtime/debuggable") as { leakedPromises(): [Set<unknown>, string] };
const { getPendingResourceRegistrations } = require("@pulumi/pulumi/runtime/state") as { getPendingResourceRegistrations(): Map<unknown, PendingRegistration> };

/** One registration as the SDK tracks it while it gathers inputs (runtime/resource.js, prepareResource). */
interface PendingRegistration {
    name?: string;
    type?: string;
    label?: string;
    phase?: string;
    inputProperty?: string;
    parent?: { __name?: string };
}

/** A resource the program constructed, and the stack where it did (for the frame a message shows). */
export type Started = { type: string; name: string; stack?: string };

/** Raised in place of `process.exit` while a program runs, so the exit becomes a failure with its own frames. */
export class ProgramExit extends Error {
    constructor(
        readonly code: number | string | null | undefined,
        /** Set through process.exitCode rather than a call to process.exit. */
        byExitCode = false,
    ) {
        super(
            byExitCode
                ? `the program set process.exitCode = ${code}: pulumi up fails a program that exits with a non-zero code`
                : `the program called process.exit(${code ?? ""}) before it finished`,
        );
        this.name = "ProgramExit";
        if (byExitCode) this.stack = this.message;
    }
}

/**
 * Records every registration the SDK starts: the SDK adds each to its pending map before it
 * awaits anything (and removes it once its inputs are gathered), so this sees all of them, even
 * those whose inputs never resolve or reject.
 */
export function trackStartedRegistrations(): Started[] {
    const started: Started[] = [];
    const pending = getPendingResourceRegistrations();
    const set = pending.set.bind(pending);
    pending.set = (key, value) => {
        if (value.type && value.name) started.push({ type: value.type, name: value.name, stack: new Error().stack });
        return set(key, value);
    };
    return started;
}

/** The SDK's pending registrations, worded as its own leak report words them (runtime/debuggable.js). */
export function pendingRegistrations(): Array<{ type?: string; name?: string; text: string }> {
    const pending = getPendingResourceRegistrations();
    return [...pending.values()].map((reg) => ({ type: reg.type, name: reg.name, text: `${reg.name && reg.type ? `"${reg.name}" [${reg.type}]` : (reg.label ?? "a resource")} was ${phaseOf(reg)}` }));
}

/**
 * Records where the program first called each function (invoke), so a function the engine cannot
 * answer is shown with the line that called it. Wraps the SDK's runtime entry points, which the
 * providers' generated functions call through `pulumi.runtime`.
 */
export function trackInvokeCallSites(): { sites: Map<string, string>; restore: () => void } {
    const runtime = require("@pulumi/pulumi/runtime") as Record<string, unknown>;
    const sites = new Map<string, string>();
    const originals: Array<[string, unknown]> = [];
    for (const name of ["invoke", "invokeOutput", "invokeSingle", "invokeSingleOutput"]) {
        const original = runtime[name];
        if (typeof original !== "function") continue;
        originals.push([name, original]);
        runtime[name] = function (this: unknown, tok: string, ...rest: unknown[]) {
            if (!sites.has(tok)) sites.set(tok, new Error().stack ?? "");
            return (original as (...a: unknown[]) => unknown).call(this, tok, ...rest);
        };
    }
    return {
        sites,
        restore: () => {
            for (const [name, original] of originals) runtime[name] = original;
        },
    };
}

function phaseOf(reg: PendingRegistration): string {
    switch (reg.phase) {
        case "dependencies":
            return "waiting for its dependencies to resolve";
        case "inputs":
            return reg.inputProperty === undefined ? "waiting for its input properties to resolve" : `waiting for the value of its input property "${reg.inputProperty}"`;
        case "parent":
            return `waiting for its parent${reg.parent?.__name ? ` "${reg.parent.__name}"` : ""} to finish registering`;
        case "provider":
            return "waiting for its provider to finish registering";
        default:
            return "waiting for the URNs of its dependencies to resolve";
    }
}

/**
 * Takes the SDK's leaked-promise record, so the SDK's exit handler has nothing left to print:
 * the engine's own message, which names what did not complete, replaces that notice. Returns how
 * many of the SDK's promises never settled: under the CLI, any makes the language host print its
 * notice and fail the update (runtime/debuggable.js sets the exit code to 1).
 */
export function takeLeakedPromises(): number {
    return leakedPromises()[0].size;
}

/** Resources started but never registered with the monitor (a multiset difference by type and name). */
export function neverRegistered(started: Started[], registered: Array<{ type: string; name: string }>): Started[] {
    const counts = new Map<string, number>();
    for (const r of registered) counts.set(`${r.type}\0${r.name}`, (counts.get(`${r.type}\0${r.name}`) ?? 0) + 1);
    const missing: Started[] = [];
    for (const s of started) {
        const key = `${s.type}\0${s.name}`;
        const n = counts.get(key) ?? 0;
        if (n > 0) counts.set(key, n - 1);
        else missing.push(s);
    }
    return missing;
}

type OriginalPosition = (file: string, line: number, column: number) => { line: number; column: number } | undefined;
// The TypeScript loader maps compiled positions back to source lines (cli/ts-require.js).
const { originalPosition } = require("../ts-require.js") as { originalPosition: OriginalPosition };

/** Up to three frames of a stack trace inside the program's folder (not its node_modules), in source lines. */
export function programFrames(stack: string | undefined, programDir: string): string[] {
    const inProgram = (file: string) => file.startsWith(programDir + path.sep) && !file.includes(`${path.sep}node_modules${path.sep}`);
    const frames: string[] = [];
    for (const line of (stack ?? "").split("\n")) {
        const frame = /^\s*at (?:(.*?) \()?(.+?):(\d+):(\d+)\)?$/.exec(line);
        if (!frame || !inProgram(frame[2])) continue;
        const mapped = originalPosition(frame[2], Number(frame[3]), Number(frame[4]));
        const where = `${frame[2]}:${mapped?.line ?? frame[3]}:${mapped?.column ?? frame[4]}`;
        frames.push(`    at ${frame[1] && !frame[1].startsWith("Object.<anonymous>") ? `${frame[1]} (${where})` : where}`);
        if (frames.length === 3) break;
    }
    return frames;
}

/** An error's message, without the SDK's wrapping of a failed invoke or registration. */
export function messageOf(err: unknown): string {
    if (err instanceof Error) return err.message;
    if (typeof err === "object" && err !== null) {
        try {
            return `a non-Error value was thrown: ${JSON.stringify(err)}`;
        } catch {
            return "a non-Error value was thrown";
        }
    }
    return String(err);
}

export function isRunError(err: unknown): err is pulumi.RunError {
    return pulumi.RunError.isInstance(err);
}

/**
 * Outputs a resource declares but the cloud imitation does not compute come back unknown, as in
 * `pulumi preview`, rather than as a made-up `undefined` a program would build strings from.
 * (The SDK's resolveProperties has the switch for it, `keepUnknowns`.) A callback (`apply`) on
 * such a value does not run, so this also records where the program made each callback that did
 * not run, for the note the plan ends with.
 */
export function unknownForUncomputedOutputs(programDir: string): { skipped: string[]; restore: () => void } {
    const rpc = require("@pulumi/pulumi/runtime/rpc") as { resolveProperties: (...args: unknown[]) => unknown };
    const resolveProperties = rpc.resolveProperties;
    rpc.resolveProperties = (...args: unknown[]) => {
        args[7] = true; // keepUnknowns
        return resolveProperties(...args);
    };
    type Apply = (this: { isKnown: Promise<boolean> }, func: unknown, runWithUnknowns?: boolean) => unknown;
    const output = (require("@pulumi/pulumi/output") as { Output: { prototype: { apply: Apply } } }).Output.prototype;
    const apply = output.apply;
    const skipped: string[] = [];
    output.apply = function (func, runWithUnknowns) {
        const frames = programFrames(new Error().stack, programDir);
        if (frames.length && !runWithUnknowns) {
            this.isKnown.then(
                (known) => {
                    if (!known) skipped.push(frames[0].trim().replace(/^at /, ""));
                },
                () => undefined,
            );
        }
        return apply.call(this, func, runWithUnknowns);
    };
    return {
        skipped,
        restore: () => {
            rpc.resolveProperties = resolveProperties;
            output.apply = apply;
        },
    };
}
