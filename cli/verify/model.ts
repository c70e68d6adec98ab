// What `labs verify` checks, as data: each lab turns its stack outputs into probes (one unit
// of work against the clouds: a Run Command on a VM, a CLI call, an invoke-then-poll), each
// probe proves one or more checks, and each check ends as pass or fail with what was found.
import type { Cli, Runner } from "./runner";

export interface Check {
    /** The kind, the name `--only` selects by, e.g. `forest-trust`. */
    kind: string;
    lab: string;
    /** What is checked, e.g. `jog-dc1 -> geekintheweeds.com`. */
    target: string;
    /** What a healthy lab shows. */
    expected: string;
    /** The likely cause when it fails. */
    cause: string;
    /** Where to read more when it fails: a log file and the VM it is on, or a command. */
    log: string;
}

export interface Outcome {
    pass: boolean;
    /** What was found: a value, a count, an error message. */
    got: string;
}

export interface CheckResult extends Check, Outcome {
    /** Seconds the probe took. */
    seconds: number;
}

export interface ProbeContext {
    runner: Runner;
    /** A folder for the scripts and files the probe hands to a CLI. */
    scratchDir: string;
    now(): Date;
    sleep(ms: number): Promise<void>;
    /** A line about a long probe's progress. */
    progress(line: string): void;
    /** How long a polling probe waits for data before it fails, in ms. */
    waitMs: number;
    /** Pause between two polls, in ms. */
    pollMs: number;
}

export interface Probe {
    lab: string;
    /** Shown in progress lines, e.g. `jog-dc1 (Run Command)`. */
    label: string;
    /** The CLIs it calls, signed in before any probe runs. */
    clis: Cli[];
    checks: Check[];
    /** The exact commands it would run for these checks (for --dry-run); may write files to scratchDir. */
    commands(selected: Check[], scratchDir: string): string[];
    /** Runs the probe for the selected checks; returns one outcome per selected check, in order. */
    run(ctx: ProbeContext, selected: Check[]): Promise<Outcome[]>;
}

/** Reads a lab's outputs; throws an Error naming what is missing when they are not the lab's. */
export type ProbeBuilder = (outputs: Record<string, unknown>, stack: string) => Probe[];

/** A command line as a user would paste it: arguments with spaces or quotes in single quotes. */
export function commandLine(cli: string, args: string[]): string {
    return [cli, ...args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))].join(" ");
}

/** Polls `attempt` until it returns a value or `waitMs` has passed; undefined on time-out. */
export async function poll<T>(ctx: ProbeContext, what: string, attempt: () => Promise<T | undefined>): Promise<T | undefined> {
    const started = ctx.now().getTime();
    for (let round = 1; ; round++) {
        const value = await attempt();
        if (value !== undefined) return value;
        const waited = ctx.now().getTime() - started;
        if (waited + ctx.pollMs > ctx.waitMs) return undefined;
        if (round === 1 || round % 4 === 0) ctx.progress(`${what}: nothing yet after ${formatDuration(waited)}, polling every ${formatDuration(ctx.pollMs)} for up to ${formatDuration(ctx.waitMs)}`);
        await ctx.sleep(ctx.pollMs);
    }
}

export function formatDuration(ms: number): string {
    const s = Math.round(ms / 1000);
    return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** Reads a string field of an output object; throws naming the field when it is missing. */
export function field(value: unknown, path: string, lab: string): string {
    let current: unknown = value;
    for (const part of path.split(".")) current = typeof current === "object" && current !== null ? (current as Record<string, unknown>)[part] : undefined;
    if (typeof current !== "string" || current === "") throw new Error(`the ${lab} outputs have no ${path}: deploy the lab again with this version (pulumi up), which exports it`);
    return current;
}
