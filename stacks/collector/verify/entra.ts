// The Entra log export, checked end to end per log type: invoke its function once (it exports
// the last complete UTC day), find the day's object in S3, and ask Athena over the Glue table
// for that day's records, which must be as many as the function wrote.
import { type Check, type Outcome, type Probe, commandLine, poll } from "../../../cli/verify/model";
import { runJson } from "../../../cli/verify/runner";
import { invokeArgs, invokeOnce, outfileFor } from "./lambda";
import type { CollectorTargets } from "./targets";

const LAB = "collector";

/** What the export function answers: the day, how many records, the object written. */
interface ExportAnswer {
    day?: string;
    records?: number;
    key?: string;
}

export function athenaQuery(database: string, table: string, day: string): string {
    for (const [what, value, pattern] of [["database", database, /^\w+$/], ["table", table, /^\w+$/], ["day", day, /^\d{4}-\d{2}-\d{2}$/]] as const) {
        if (!pattern.test(value)) throw new Error(`refusing to put ${what} '${value}' in a query`);
    }
    return `SELECT count(*) AS records FROM "${database}"."${table}" WHERE dt = '${day}'`;
}

export function entraProbe(t: CollectorTargets, entra: NonNullable<CollectorTargets["entraLogs"]>, logType: string, functionName: string): Probe {
    const logs = `aws logs tail --region ${t.region} /aws/lambda/${functionName}`;
    const checks: Check[] = [
        {
            kind: "entra-export",
            lab: LAB,
            target: `${functionName} -> s3://${entra.bucket}/${logType}/`,
            expected: "the day's object",
            cause: "the function could not sign in to Graph (secret expired, consent revoked) or was throttled past its retries",
            log: logs,
        },
        {
            kind: "entra-athena",
            lab: LAB,
            target: `${entra.database}.${logType}`,
            expected: "the day's records",
            cause: "the Glue table's location or partition projection does not match the objects, or the workgroup cannot read the bucket's KMS key",
            log: `the query's StateChangeReason (aws athena get-query-execution --region ${t.region} --query-execution-id <id>); ${logs}`,
        },
    ];
    const startArgs = (day: string) => [
        "athena", "start-query-execution", "--region", t.region, "--work-group", entra.workgroup,
        "--query-execution-context", `Database=${entra.database}`, "--query-string", athenaQuery(entra.database, logType, day), "--output", "json",
    ];
    return {
        lab: LAB,
        label: `Entra ${logType} export -> S3 -> Athena`,
        clis: ["aws"],
        checks,
        commands: (_selected, dir) => [
            commandLine("aws", invokeArgs(t.region, functionName, outfileFor(dir, functionName))),
            `aws s3api head-object --region ${t.region} --bucket ${entra.bucket} --key <key the function answers> --output json`,
            `aws athena start-query-execution --region ${t.region} --work-group ${entra.workgroup} --query-execution-context Database=${entra.database} --query-string 'SELECT count(*) AS records FROM "${entra.database}"."${logType}" WHERE dt = '\\''<day the function answers>'\\''' --output json`,
            `aws athena get-query-execution --region ${t.region} --query-execution-id <id> --output json  (repeated until SUCCEEDED), then aws athena get-query-results --region ${t.region} --query-execution-id <id> --output json`,
        ],
        async run(ctx, selected) {
            const fail = (got: string): Outcome[] => selected.map(() => ({ pass: false, got }));
            const invoked = await invokeOnce(ctx, t.region, functionName);
            if (!invoked.ok) return fail(invoked.error);
            const answer = invoked.payload as ExportAnswer;
            if (typeof answer.key !== "string" || typeof answer.day !== "string" || typeof answer.records !== "number") return fail("the function's answer has no key, day and records");
            const head = await runJson<{ ContentLength?: number }>(ctx.runner, "aws", ["s3api", "head-object", "--region", t.region, "--bucket", entra.bucket, "--key", answer.key, "--output", "json"]);
            const exported: Outcome = head.ok
                ? { pass: true, got: `${answer.records} records of ${answer.day}, ${head.value?.ContentLength ?? "?"} bytes at ${answer.key}` }
                : { pass: false, got: `the function wrote ${answer.key}, but head-object says: ${head.error}` };
            const counted = selected.some((c) => c.kind === "entra-athena") ? await athenaCount(ctx, startArgs(answer.day), t.region, answer) : undefined;
            return selected.map((c) => (c.kind === "entra-export" ? exported : (counted ?? { pass: false, got: "not asked" })));
        },
    };
}

async function athenaCount(ctx: Parameters<Probe["run"]>[0], startArgs: string[], region: string, answer: ExportAnswer): Promise<Outcome> {
    const started = await runJson<{ QueryExecutionId?: string }>(ctx.runner, "aws", startArgs);
    if (!started.ok) return { pass: false, got: started.error };
    const id = started.value?.QueryExecutionId;
    if (!id) return { pass: false, got: "start-query-execution answered no QueryExecutionId" };
    const idArgs = ["--region", region, "--query-execution-id", id, "--output", "json"];
    let lastError = "";
    const final = await poll(ctx, `Athena query ${id}`, async () => {
        const state = await runJson<{ QueryExecution?: { Status?: { State?: string; StateChangeReason?: string } } }>(ctx.runner, "aws", ["athena", "get-query-execution", ...idArgs]);
        if (!state.ok) {
            lastError = state.error;
            return undefined;
        }
        const status = state.value?.QueryExecution?.Status;
        return status?.State === "SUCCEEDED" || status?.State === "FAILED" || status?.State === "CANCELLED" ? status : undefined;
    });
    if (!final) return { pass: false, got: `the query did not finish in time${lastError ? ` (last error: ${lastError})` : ""}` };
    if (final.State !== "SUCCEEDED") return { pass: false, got: `query ${final.State}: ${final.StateChangeReason ?? "no reason given"}` };
    const results = await runJson<{ ResultSet?: { Rows?: Array<{ Data?: Array<{ VarCharValue?: string }> }> } }>(ctx.runner, "aws", ["athena", "get-query-results", ...idArgs]);
    if (!results.ok) return { pass: false, got: results.error };
    // The first row holds the column names.
    const count = Number(results.value?.ResultSet?.Rows?.[1]?.Data?.[0]?.VarCharValue ?? Number.NaN);
    return { pass: count === answer.records, got: `Athena counts ${Number.isNaN(count) ? "nothing" : count} for dt=${answer.day}, the function wrote ${answer.records}` };
}
