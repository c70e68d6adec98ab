// Evaluates a program in a child process, so one process can plan many programs or stacks
// (Pulumi's runtime state is global to a process). Errors come back with their class.
import { fork } from "node:child_process";
import * as path from "node:path";
import { ProgramError, UserError } from "./errors";
import type { EvaluateOptions } from "./evaluate";
import type { Plan } from "./plan";

export type ChildMessage =
    | { ok: true; plan: Plan }
    | { ok: false; error: { name: string; message: string; stack?: string; reportedByProgram?: boolean; resourcesRegistered?: number } };

export interface ChildResult {
    plan: Plan;
    /** What the program wrote to stderr (warnings). */
    stderr: string;
}

export function evaluateInChild(options: EvaluateOptions): Promise<ChildResult> {
    return new Promise((resolve, reject) => {
        const child = fork(path.join(__dirname, "child.js"), [], {
            execArgv: [],
            stdio: ["ignore", "pipe", "pipe", "ipc"],
            serialization: "advanced",
            env: { ...process.env, FORCE_COLOR: "0" },
        });
        let stderr = "";
        child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
        child.stdout?.on("data", (d: Buffer) => (stderr += d.toString()));
        let message: ChildMessage | undefined;
        child.on("message", (m) => (message = m as ChildMessage));
        child.on("error", reject);
        child.on("exit", (code) => {
            if (!message) return reject(new Error(`the evaluation process exited with code ${code} without a result:\n${stderr}`));
            if (message.ok) return resolve({ plan: message.plan, stderr });
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
