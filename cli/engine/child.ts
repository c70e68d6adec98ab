// Child-process side of evaluateInChild: receives options, evaluates, sends the plan back.
import { ProgramError } from "./errors";
import { evaluate, type EvaluateOptions } from "./evaluate";
import type { ChildMessage } from "./fork";

process.once("message", (options: EvaluateOptions) => {
    // The IPC channel must not keep the process alive: the evaluation succeeds only once the
    // program has nothing left to run, which is when the event loop empties.
    process.channel?.unref();
    evaluate({ ...options, settle: "event-loop" }).then(
        (plan) => send({ ok: true, plan, maxRssKb: process.resourceUsage().maxRSS }),
        (err: Error) =>
            send({
                ok: false,
                error: {
                    name: err.name,
                    message: err.message,
                    stack: err.stack,
                    reportedByProgram: err instanceof ProgramError ? err.reportedByProgram : undefined,
                    resourcesRegistered: err instanceof ProgramError ? err.resourcesRegistered : undefined,
                },
            }),
    );
});

function send(message: ChildMessage): void {
    process.channel?.ref();
    process.send?.(message, () => process.exit(0));
}
