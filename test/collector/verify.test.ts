// `labs verify` for the collector, up to the Azure and AWS CLIs: invoke then poll for rows,
// the workspace's searches and workbook, the trail's status, the IAM simulation, the Entra
// export through S3 and Athena, Sentinel's trust. Answers are shaped as the CLIs print them:
// az monitor log-analytics query rows (every value a string, plus TableName, as azure-cli's
// transform_query_output builds them), lambda invoke's StatusCode/FunctionError, CloudTrail's
// GetTrailStatus, IAM's EvaluationResults[].EvalDecision, Athena's QueryExecution.Status.State
// and ResultSet.Rows[].Data[].VarCharValue.
import { describe, expect, it } from "vitest";
import { CONNECTOR_READS, FORBIDDEN_WRITES } from "../../stacks/collector/verify/audit";
import { type Rule, SIGNED_IN, fakeClis, row, stackOutputs, verify } from "../verify/harness";

const WORKSPACE_ID = "7e1a5b2c-0000-4000-8000-000000000001";
const OUTPUTS = {
    collector: {
        awsRegion: "eu-west-1",
        workspace: {
            name: "log-collector-dev-abc123", resourceGroup: "rg-collector-dev", table: "AWS_Access_Key_Report_CL", customerId: WORKSPACE_ID,
            savedSearchIds: ["aws-access-keys-older-than-90-days", "aws-access-keys-created-per-day"], workbookDisplayName: "AWS access keys (dev)",
        },
        function: { name: "labs-access-key-report-dev" },
        defenderForCloudApps: { user: "labs-mdca-audit-dev", userArn: "arn:aws:iam::123456789012:user/labs/labs-mdca-audit-dev", accessKeyId: "AKIAEXAMPLE", secretAccessKey: "[secret]", governance: false, trail: "labs-trail-dev", trailBucket: "b" },
        entraLogs: { bucket: "labs-entra-logs-dev-1", database: "labs_entra_logs_dev", workgroup: "labs-entra-logs-dev", functions: { signins: "labs-entra-signins-dev" } },
        sentinel: { roleArn: "arn:aws:iam::123456789012:role/OIDC_MicrosoftSentinelRole-dev", queueUrl: "https://sqs", destinationTable: "AWSCloudTrail" },
    },
};

const invoked = { json: { StatusCode: 200, ExecutedVersion: "$LATEST" } };
const rows = (count: number) => ({ json: [{ Count: String(count), TableName: "PrimaryResult" }] });
const decisions = (allowed: (a: string) => boolean) => ({ json: { EvaluationResults: [...CONNECTOR_READS, ...FORBIDDEN_WRITES, "s3:PutBucketAcl"].map((a) => ({ EvalActionName: a, EvalResourceName: "*", EvalDecision: allowed(a) ? "allowed" : "implicitDeny" })), IsTruncated: false } });

function healthy(): Rule[] {
    return [
        stackOutputs(OUTPUTS),
        ...SIGNED_IN,
        { cli: "aws", command: "lambda invoke", where: { "--function-name": "labs-access-key-report-dev" }, answers: [{ ...invoked, payload: { users: 3, keys: 4, recordsDelivered: 4, skippedUsers: 0, skippedKeys: 0, durationMs: 900 } }] },
        // Ingestion takes a while: nothing, then part, then the whole run.
        { cli: "az", command: "monitor log-analytics query", answers: [rows(0), rows(2), rows(4)] },
        { cli: "az", command: "monitor log-analytics workspace saved-search list", answers: [{ json: OUTPUTS.collector.workspace.savedSearchIds.map((id) => ({ id: `/subscriptions/s/resourceGroups/rg-collector-dev/providers/Microsoft.OperationalInsights/workspaces/log-collector-dev-abc123/savedSearches/${id}`, name: id, category: "AWS access keys" })) }] },
        { cli: "az", command: "resource list", answers: [{ json: [{ id: "/subscriptions/s/resourceGroups/rg-collector-dev/providers/Microsoft.Insights/workbooks/wb-1", name: "wb-1", kind: "shared", type: "Microsoft.Insights/workbooks" }] }] },
        { cli: "az", command: "resource show", where: { "--ids": "wb-1" }, answers: [{ json: { id: "wb-1", kind: "shared", properties: { displayName: "AWS access keys (dev)", category: "workbook" } } }] },
        { cli: "aws", command: "cloudtrail get-trail-status", answers: [{ json: { IsLogging: true, LatestDeliveryTime: "2026-12-04T20:15:00+00:00", StartLoggingTime: "2026-12-01T10:00:00+00:00" } }] },
        { cli: "aws", command: "iam simulate-principal-policy", answers: [decisions((a) => CONNECTOR_READS.includes(a))] },
        { cli: "aws", command: "lambda invoke", where: { "--function-name": "labs-entra-signins-dev" }, answers: [{ ...invoked, payload: { logType: "signins", day: "2026-12-03", records: 42, pages: 1, bytes: 2048, key: "signins/dt=2026-12-03/signins-2026-12-03.json.gz" } }] },
        { cli: "aws", command: "s3api head-object", where: { "--key": "signins/dt=2026-12-03/" }, answers: [{ json: { ContentLength: 2048, ContentType: "application/x-ndjson", ContentEncoding: "gzip" } }] },
        { cli: "aws", command: "athena start-query-execution", where: { "--query-string": "WHERE dt = '2026-12-03'" }, answers: [{ json: { QueryExecutionId: "q-1" } }] },
        { cli: "aws", command: "athena get-query-execution", answers: [{ json: { QueryExecution: { QueryExecutionId: "q-1", Status: { State: "RUNNING" } } } }, { json: { QueryExecution: { QueryExecutionId: "q-1", Status: { State: "SUCCEEDED" } } } }] },
        { cli: "aws", command: "athena get-query-results", answers: [{ json: { ResultSet: { Rows: [{ Data: [{ VarCharValue: "records" }] }, { Data: [{ VarCharValue: "42" }] }] } } }] },
        { cli: "aws", command: "iam get-role", answers: [{ json: { Role: { RoleName: "OIDC_MicrosoftSentinelRole-dev", AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "sts:RoleSessionName": `MicrosoftSentinel_${WORKSPACE_ID}` } } }] } } } }] },
    ];
}

/** The healthy scenario with one command's answers replaced. */
function withAnswer(command: string, answers: Rule["answers"], where?: Record<string, string>): Rule[] {
    return healthy().map((r) => (r.command === command && (!where || JSON.stringify(r.where) === JSON.stringify(where)) ? { ...r, answers } : r));
}

describe("collector verify", () => {
    it("passes a healthy lab: the run's rows arrive after polling, with the count and the time it took", async () => {
        const fakes = fakeClis({ rules: healthy() });
        const run = await verify(fakes, { lab: "collector" });
        expect(run.out).toContain("All 10 checks passed.");
        expect(run.code).toBe(0);
        expect(row(run.out, "ingestion", "AWS_Access_Key_Report_CL")).toMatch(/4 records after \d+ s \(the function reported 4 for today\)$/);
        expect(fakes.calls().filter((c) => c.command === "monitor log-analytics query")).toHaveLength(3);
        const query = fakes.calls().find((c) => c.command === "monitor log-analytics query")!;
        expect(query.options["--workspace"]).toBe(WORKSPACE_ID);
        expect(query.options["--analytics-query"]).toMatch(/^AWS_Access_Key_Report_CL \| where LoggedDate == datetime\(\d{4}-\d\d-\d\dT00:00:00\.000Z\) \| distinct RecordId \| count$/);
        expect(row(run.out, "entra-athena", "labs_entra_logs_dev.signins")).toMatch(/Athena counts 42 for dt=2026-12-03, the function wrote 42$/);
        const sim = fakes.calls().find((c) => c.command === "iam simulate-principal-policy")!;
        expect(sim.options["--action-names"]).toEqual([...CONNECTOR_READS, ...FORBIDDEN_WRITES, "s3:PutBucketAcl"]);
        expect(run.progress.some((l) => /AWS_Access_Key_Report_CL rows: nothing yet/.test(l))).toBe(true);
    });

    it("passes a second run the same day, which sends only what the day's checkpoint lacks", async () => {
        const rules = withAnswer("lambda invoke", [{ ...invoked, payload: { users: 3, keys: 4, recordsDelivered: 0, alreadyDelivered: 4, skippedUsers: 0, skippedKeys: 0, durationMs: 400 } }], { "--function-name": "labs-access-key-report-dev" });
        const run = await verify(fakeClis({ rules }), { lab: "collector", only: ["ingestion"] });
        expect(row(run.out, "ingestion", "AWS_Access_Key_Report_CL")).toMatch(/4 records after \d+ s \(the function reported 4 for today\)$/);
        expect(run.code).toBe(0);
    });

    it("fails ingestion when the rows do not arrive within the wait, and when the function fails", async () => {
        let run = await verify(fakeClis({ rules: withAnswer("monitor log-analytics query", [rows(0)]) }), { lab: "collector", only: ["ingestion"], waitMinutes: "0.002" });
        expect(run.code).toBe(1);
        expect(row(run.out, "ingestion", "AWS_Access_Key_Report_CL")).toMatch(/4 records reported for today, not all in the table after \d+ s$/);
        run = await verify(
            fakeClis({ rules: withAnswer("lambda invoke", [{ json: { StatusCode: 200, FunctionError: "Unhandled", ExecutedVersion: "$LATEST" }, payload: { errorType: "Error", errorMessage: "AADSTS7000222: the client secret keys are expired" } }], { "--function-name": "labs-access-key-report-dev" }) }),
            { lab: "collector", only: ["ingestion"] },
        );
        expect(row(run.out, "ingestion", "AWS_Access_Key_Report_CL")).toMatch(/the function failed \(Unhandled\): AADSTS7000222: the client secret keys are expired$/);
        expect(run.out).toContain("read: aws logs tail --region eu-west-1 /aws/lambda/labs-access-key-report-dev");
    });

    it("fails a missing saved search and a missing workbook", async () => {
        const rules = withAnswer("monitor log-analytics workspace saved-search list", [{ json: [{ id: ".../savedSearches/aws-access-keys-created-per-day", name: "aws-access-keys-created-per-day" }] }]).map((r) =>
            r.command === "resource show" ? { ...r, answers: [{ json: { id: "wb-1", properties: { displayName: "Someone else's workbook" } } }] } : r,
        );
        const run = await verify(fakeClis({ rules }), { lab: "collector", only: ["saved-searches", "workbook"] });
        expect(run.code).toBe(1);
        expect(row(run.out, "saved-searches", "aws-access-keys-older-than-90-days")).toMatch(/^FAIL .*missing \(the workspace has 1 saved searches\)$/);
        expect(row(run.out, "saved-searches", "aws-access-keys-created-per-day")).toMatch(/^pass/);
        expect(row(run.out, "workbook", "AWS access keys (dev)")).toMatch(/missing; the group's workbooks: Someone else's workbook$/);
    });

    it("fails a trail that stopped logging or cannot deliver", async () => {
        for (const status of [{ IsLogging: false }, { IsLogging: true, LatestDeliveryError: "AccessDenied" }]) {
            const run = await verify(fakeClis({ rules: withAnswer("cloudtrail get-trail-status", [{ json: status }]) }), { lab: "collector", only: ["trail-logging"] });
            expect(run.code).toBe(1);
            expect(row(run.out, "trail-logging", "labs-trail-dev")).toMatch(status.IsLogging ? /delivery error AccessDenied$/ : /IsLogging false, no delivery yet$/);
        }
    });

    it("fails the connector's principal when a read is denied or a write is allowed", async () => {
        const run = await verify(fakeClis({ rules: withAnswer("iam simulate-principal-policy", [decisions((a) => (CONNECTOR_READS.includes(a) && a !== "cloudtrail:LookupEvents") || a === "s3:PutObject")]) }), {
            lab: "collector",
            only: ["mdca-read", "mdca-no-write"],
        });
        expect(run.code).toBe(1);
        expect(row(run.out, "mdca-read", "13 read calls")).toMatch(/not allowed: cloudtrail:LookupEvents \(implicitDeny\)$/);
        expect(row(run.out, "mdca-no-write", "8 writes")).toMatch(/not denied: s3:PutObject \(allowed\)$/);
    });

    it("fails the Entra export when Athena does not count the day's records, and when the query fails", async () => {
        let run = await verify(fakeClis({ rules: withAnswer("athena get-query-results", [{ json: { ResultSet: { Rows: [{ Data: [{ VarCharValue: "records" }] }, { Data: [{ VarCharValue: "0" }] }] } } }]) }), { lab: "collector", only: ["entra-export", "entra-athena"] });
        expect(row(run.out, "entra-export", "labs-entra-signins-dev")).toMatch(/^pass .*42 records of 2026-12-03, 2048 bytes at signins\/dt=2026-12-03\/signins-2026-12-03\.json\.gz$/);
        expect(row(run.out, "entra-athena", "signins")).toMatch(/^FAIL .*Athena counts 0 for dt=2026-12-03, the function wrote 42$/);
        run = await verify(fakeClis({ rules: withAnswer("athena get-query-execution", [{ json: { QueryExecution: { Status: { State: "FAILED", StateChangeReason: "HIVE_CANNOT_OPEN_SPLIT: Error opening Hive split" } } } }]) }), { lab: "collector", only: ["entra-athena"] });
        expect(row(run.out, "entra-athena", "signins")).toMatch(/query FAILED: HIVE_CANNOT_OPEN_SPLIT: Error opening Hive split$/);
        run = await verify(fakeClis({ rules: withAnswer("s3api head-object", [{ code: 254, stderr: "\nAn error occurred (404) when calling the HeadObject operation: Not Found\n" }]) }), { lab: "collector", only: ["entra-export"] });
        expect(row(run.out, "entra-export", "signins")).toMatch(/^FAIL .*head-object says: An error occurred \(404\) when calling the HeadObject operation: Not Found$/);
    });

    it("fails Sentinel's role when its trust names another workspace", async () => {
        const run = await verify(
            fakeClis({ rules: withAnswer("iam get-role", [{ json: { Role: { AssumeRolePolicyDocument: { Statement: [{ Condition: { StringEquals: { "sts:RoleSessionName": "MicrosoftSentinel_other" } } }] } } } }]) }),
            { lab: "collector", only: ["sentinel-trust"] },
        );
        expect(row(run.out, "sentinel-trust", "OIDC_MicrosoftSentinelRole-dev")).toMatch(/^FAIL .*sts:RoleSessionName MicrosoftSentinel_other$/);
    });
});
