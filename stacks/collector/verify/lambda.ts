// Invoking a function once with the AWS CLI, as a check does: `aws lambda invoke` prints
// `{ "StatusCode": 200, "FunctionError"?: "Unhandled", "ExecutedVersion": "$LATEST" }` and
// writes the function's answer (or its error: errorType, errorMessage) to the outfile.
import * as fs from "node:fs";
import * as path from "node:path";
import type { ProbeContext } from "../../../cli/verify/model";
import { runJson } from "../../../cli/verify/runner";

/** A function that does not return within this is reported as failed (a day of Entra logs takes minutes). */
export const INVOKE_TIMEOUT_MS = 15 * 60 * 1000;

export function invokeArgs(region: string, functionName: string, outfile: string): string[] {
    // --cli-read-timeout 0: the CLI would otherwise give up after 60 s on a long run.
    return ["lambda", "invoke", "--region", region, "--function-name", functionName, "--cli-read-timeout", "0", "--output", "json", outfile];
}

export function outfileFor(dir: string, functionName: string): string {
    return path.join(dir, `${functionName}.response.json`);
}

interface InvokeJson {
    StatusCode?: number;
    FunctionError?: string;
}

/** Invokes once; the function's answer, or why it failed (its own errorMessage when it threw). */
export async function invokeOnce(ctx: ProbeContext, region: string, functionName: string): Promise<{ ok: true; payload: Record<string, unknown> } | { ok: false; error: string }> {
    const outfile = outfileFor(ctx.scratchDir, functionName);
    const answer = await runJson<InvokeJson>(ctx.runner, "aws", invokeArgs(region, functionName, outfile), INVOKE_TIMEOUT_MS);
    if (!answer.ok) return answer;
    let payload: Record<string, unknown> = {};
    try {
        payload = JSON.parse(fs.readFileSync(outfile, "utf8")) as Record<string, unknown>;
    } catch {
        payload = {};
    }
    if (answer.value.FunctionError) return { ok: false, error: `the function failed (${answer.value.FunctionError}): ${String(payload.errorMessage ?? payload.errorType ?? "no message")}` };
    if (answer.value.StatusCode !== 200) return { ok: false, error: `lambda invoke answered StatusCode ${answer.value.StatusCode}` };
    return { ok: true, payload };
}
