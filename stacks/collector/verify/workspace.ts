// The collector's Azure half, checked end to end: invoke the access-key function once, then
// poll the Log Analytics table until the run's rows arrive (or the wait is over), and find the
// saved searches and the workbook in the workspace's resource group.
import { type Check, type Outcome, type Probe, commandLine, formatDuration, poll } from "../../../cli/verify/model";
import { runJson } from "../../../cli/verify/runner";
import { invokeArgs, invokeOnce, outfileFor } from "./lambda";
import type { CollectorTargets } from "./targets";

const LAB = "collector";

/** `az monitor log-analytics query --output json` prints one object per row, every value as a string, plus `TableName`. */
type QueryRows = Array<Record<string, string>>;

/**
 * Today's report as the saved searches see it: each RecordId once (a lost reply can store a
 * batch twice; the id makes it one record), for the day the function ran (`LoggedDate`, UTC midnight).
 */
export function countQuery(table: string, day: Date): string {
    if (!/^\w+_CL$/.test(table)) throw new Error(`refusing to query '${table}': not a custom table name`);
    const midnight = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()));
    return `${table} | where LoggedDate == datetime(${midnight.toISOString()}) | distinct RecordId | count`;
}

export function queryArgs(workspaceId: string, query: string): string[] {
    return ["monitor", "log-analytics", "query", "--workspace", workspaceId, "--analytics-query", query, "--output", "json"];
}

export function ingestionProbe(t: CollectorTargets): Probe {
    const check: Check = {
        kind: "ingestion",
        lab: LAB,
        target: `${t.functionName} -> ${t.table}`,
        expected: "the run's rows in the table",
        cause: "the function could not read IAM or sign in to Entra (its secret expired or rotated), the upload was refused (role assignment on the rule still propagating, up to 30 min after pulumi up), or ingestion is slower than the wait (--wait-minutes)",
        log: `aws logs tail --region ${t.region} /aws/lambda/${t.functionName}; the ${t.table} table in ${t.workspaceName}`,
    };
    return {
        lab: LAB,
        label: "access-key function -> Log Analytics",
        clis: ["aws", "az"],
        checks: [check],
        commands: (_selected, dir) => [
            commandLine("aws", invokeArgs(t.region, t.functionName, outfileFor(dir, t.functionName))),
            `${commandLine("az", queryArgs(t.workspaceId, `${t.table} | where LoggedDate == datetime(<today, 00:00 UTC>) | distinct RecordId | count`))}  (repeated until the rows arrive)`,
        ],
        async run(ctx) {
            const invoked = await invokeOnce(ctx, t.region, t.functionName);
            if (!invoked.ok) return [{ pass: false, got: invoked.error }];
            // A run later the same day sends only what the day's checkpoint lacks: today's report is both.
            const delivered = Number(invoked.payload.recordsDelivered ?? 0) + Number(invoked.payload.alreadyDelivered ?? 0);
            if (delivered === 0) return [{ pass: false, got: "the function reported 0 records for today (no IAM access keys found?)" }];
            const started = ctx.now().getTime();
            const args = queryArgs(t.workspaceId, countQuery(t.table, ctx.now()));
            let lastError = "";
            const rows = await poll(ctx, `${t.table} rows`, async () => {
                const answer = await runJson<QueryRows>(ctx.runner, "az", args);
                if (!answer.ok) {
                    lastError = answer.error;
                    return undefined;
                }
                const count = Number(answer.value?.[0]?.Count ?? 0);
                return count >= delivered ? count : undefined;
            });
            const took = formatDuration(ctx.now().getTime() - started);
            if (rows === undefined) return [{ pass: false, got: `${delivered} records reported for today, not all in the table after ${took}${lastError ? ` (last query error: ${lastError})` : ""}` }];
            return [{ pass: true, got: `${rows} records after ${took} (the function reported ${delivered} for today)` }];
        },
    };
}

export function workspaceProbe(t: CollectorTargets): Probe {
    const searchArgs = ["monitor", "log-analytics", "workspace", "saved-search", "list", "--resource-group", t.resourceGroup, "--workspace-name", t.workspaceName, "--output", "json"];
    const listArgs = ["resource", "list", "--resource-group", t.resourceGroup, "--resource-type", "Microsoft.Insights/workbooks", "--output", "json"];
    const log = `the workspace ${t.workspaceName} in ${t.resourceGroup} (Logs > Queries, Monitor > Workbooks); pulumi up recreates what is missing`;
    const checks: Check[] = [
        ...t.savedSearchIds.map((id): Check => ({ kind: "saved-searches", lab: LAB, target: id, expected: "exists", cause: "the saved search was deleted or never created", log })),
        { kind: "workbook", lab: LAB, target: t.workbookDisplayName, expected: "exists", cause: "the workbook was deleted or renamed in the portal", log },
    ];
    return {
        lab: LAB,
        label: "saved searches and workbook (az)",
        clis: ["az"],
        checks,
        commands: (selected) => [
            ...(selected.some((c) => c.kind === "saved-searches") ? [commandLine("az", searchArgs)] : []),
            ...(selected.some((c) => c.kind === "workbook") ? [commandLine("az", listArgs), "az resource show --ids <each workbook id> --output json"] : []),
        ],
        async run(ctx, selected) {
            const searches = selected.some((c) => c.kind === "saved-searches") ? await runJson<Array<{ id?: string; name?: string }>>(ctx.runner, "az", searchArgs) : undefined;
            let workbooks: Outcome | undefined;
            if (selected.some((c) => c.kind === "workbook")) workbooks = await findWorkbook(ctx.runner, listArgs, t.workbookDisplayName);
            return selected.map((c): Outcome => {
                if (c.kind === "workbook") return workbooks ?? { pass: false, got: "not asked" };
                if (!searches?.ok) return { pass: false, got: searches ? searches.error : "not asked" };
                const found = (searches.value ?? []).some((s) => s.name?.toLowerCase() === c.target.toLowerCase() || s.id?.toLowerCase().endsWith(`/savedsearches/${c.target.toLowerCase()}`));
                return { pass: found, got: found ? "exists" : `missing (the workspace has ${(searches.value ?? []).length} saved searches)` };
            });
        },
    };
}

async function findWorkbook(runner: Parameters<typeof runJson>[0], listArgs: string[], displayName: string): Promise<Outcome> {
    const list = await runJson<Array<{ id?: string }>>(runner, "az", listArgs);
    if (!list.ok) return { pass: false, got: list.error };
    const names: string[] = [];
    for (const { id } of list.value ?? []) {
        if (!id) continue;
        // The list leaves properties out; each workbook's display name is in its own document.
        const shown = await runJson<{ properties?: { displayName?: string } }>(runner, "az", ["resource", "show", "--ids", id, "--output", "json"]);
        if (!shown.ok) return { pass: false, got: shown.error };
        const name = shown.value?.properties?.displayName;
        if (name === displayName) return { pass: true, got: "exists" };
        if (name) names.push(name);
    }
    return { pass: false, got: names.length ? `missing; the group's workbooks: ${names.join(", ")}` : "missing; the resource group has no workbook" };
}
