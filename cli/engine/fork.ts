// Evaluates a program in a child process, so one process can plan many programs or stacks
// (Pulumi's runtime state is global to a process). Errors come back with their class.
import { fork } from "node:child_process";
import * as os from "node:os";
import * as path from "node:path";
import { ProgramError, UserError } from "./errors";
import { redactKnown } from "./redact";
import type { EvaluateOptions } from "./evaluate";
import type { Plan } from "./plan";

/** What V8 prints when it aborts (heap exhaustion, process.abort): the message after it says it plainly. */
const V8_FATAL_NOISE = [/^\s*\d+: 0x[0-9a-f]+ /, /^<--- (Last few GCs|JS stacktrace) --->/, /^\[\d+:0x[0-9a-f]+\]\s+\d+ ms: /, /^FATAL ERROR: /, /^----- Native stack trace -----/, /^\s*$/];

export type ChildMessage =
    | { ok: true; plan: Plan; maxRssKb: number }
    | { ok: false; error: { name: string; message: string; stack?: string; reportedByProgram?: boolean; resourcesRegistered?: number } };

export interface ChildResult {
    plan: Plan;
    /** What the program wrote to stderr (warnings). */
    stderr: string;
    /** The evaluation process's peak resident memory, in KiB (for the benchmark). */
    maxRssKb: number;
}

/**
 * Evaluates in a fresh child process. `live`: pass what the program prints to this process's
 * stderr as it comes (the CLI), rather than only collecting it (tests).
 */
export function evaluateInChild(options: EvaluateOptions, live = false): Promise<ChildResult> {
    return new Promise((resolve, reject) => {
        const child = fork(path.join(__dirname, "child.js"), [], {
            execArgv: [`--max-old-space-size=${heapMegabytes()}`],
            stdio: ["ignore", "pipe", "pipe", "ipc"],
            serialization: "advanced",
            env: { ...process.env, ...options.env, FORCE_COLOR: "0" },
        });
        let stderr = "";
        const collect = (d: Buffer) => {
            stderr += d.toString();
            if (live) {
                const shown = d
                    .toString()
                    .split("\n")
                    .filter((line) => !V8_FATAL_NOISE.some((noise) => noise.test(line)))
                    .join("\n");
                if (shown.trim()) process.stderr.write(redactKnown(shown));
            }
        };
        child.stderr?.on("data", collect);
        child.stdout?.on("data", collect);
        let message: ChildMessage | undefined;
        child.on("message", (m) => (message = m as ChildMessage));
        child.on("error", reject);
        child.on("close", (code, signal) => {
            if (!message) return reject(unexpectedExit(options, code, signal, stderr));
            if (message.ok) return resolve({ plan: message.plan, stderr, maxRssKb: message.maxRssKb });
            const { name, message: text, stack, reportedByProgram, resourcesRegistered } = message.error;
            const error =
                name === "ProgramError"
                    ? new ProgramError(text, reportedByProgram ?? false, resourcesRegistered)
                    : name === "UserError"
                      ? new UserError(text)
                      : Object.assign(new Error(text), { stack });
            reject(error);
        });
        child.send(options);
    });
}

/** The evaluation's process ended before it could report: the program ended it, or it ran out of memory. */
function unexpectedExit(options: EvaluateOptions, code: number | null, signal: NodeJS.Signals | null, stderr: string): ProgramError {
    const how = signal ? `was stopped by signal ${signal}` : `exited with code ${code}`;
    if (/Reached heap limit|JavaScript heap out of memory|Allocation failed/.test(stderr)) {
        return new ProgramError(
            `Stack '${options.stack}' could not be planned: the evaluation ran out of memory (its process ${how}). ` +
                `Give it more memory with LABS_MAX_HEAP_MB (now ${heapMegabytes()} MB), or plan less at once (for this project's labs: labs plan --lab NAME).`,
            false,
        );
    }
    const tail = stderr.trim().split("\n").slice(-10).map((l) => `    ${l}`);
    return new ProgramError([`Stack '${options.stack}' could not be planned: the program ended its process before it finished (it ${how}).`, ...(tail.length && tail[0].trim() ? ["  its last output:", ...tail] : [])].join("\n"), false);
}

/**
 * The evaluation's V8 heap limit in MB: LABS_MAX_HEAP_MB, or half the machine's memory up to
 * 8 GB (Node's own default is about 4 GB whatever the machine has).
 */
export function heapMegabytes(): number {
    const configured = Number(process.env.LABS_MAX_HEAP_MB);
    if (Number.isInteger(configured) && configured >= 256) return configured;
    return Math.min(8192, Math.floor(os.totalmem() / 1024 / 1024 / 2));
}
