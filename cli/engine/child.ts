// Child-process side of evaluateInChild: receives options, evaluates, sends the plan back.
import { ProgramError } from "./errors";
import { evaluate, type EvaluateOptions } from "./evaluate";
import type { ChildMessage } from "./fork";

process.once("message", (options: EvaluateOptions) => {
    evaluate(options).then(
        (plan) => send({ ok: true, plan }),
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
    process.send?.(message, () => process.exit(0));
}
