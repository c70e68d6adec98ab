// The collector lab's resource graph: one schema from function to table, the ingestion path
// and who may use it, IAM exactly as wide as listed (judged with AWS's action data, not by
// string matching), secrets kept secret, and everything tagged.
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runChecks } from "../../cli/commands/check";
import { PolicyHost } from "../../cli/engine/analyzer";
import type { Plan, PlannedResource } from "../../cli/engine/plan";
import { isSecret } from "../../cli/engine/wire";
import { classify, expand } from "../../policies/iam/analyzer";
import { AUDIT_GOVERNANCE_ACTIONS, AUDIT_READ_ACTIONS } from "../../stacks/collector/defender";
import { toRecord } from "../../stacks/collector/access-key-report/function/record";
import { QUERIES } from "../../stacks/collector/access-key-report/queries";
import { COLUMNS, STREAM_NAME, TABLE_NAME, tableColumnType } from "../../stacks/collector/access-key-report/schema";
import { SENTINEL_OIDC } from "../../stacks/collector/sentinel";
import { MONITORING_METRICS_PUBLISHER } from "../../stacks/collector/access-key-report/workspace";
import { ROOT, acceptsTags, input, inputIsSecret, ofType, one, output, planLab, stackOutput, stackOutputRaw } from "../support";

interface PolicyStatement {
    Sid?: string;
    Effect: string;
    Action: string | string[];
    Resource?: string | string[];
    Principal?: unknown;
    Condition?: Record<string, Record<string, unknown>>;
}
const statementsOf = (r: PlannedResource, key = "policy"): PolicyStatement[] => (JSON.parse(input<string>(r, key)) as { Statement: PolicyStatement[] }).Statement;
const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
/** Action → resources it is allowed on, across a document's Allow statements. */
function grants(statements: PolicyStatement[]): Record<string, string[]> {
    const result: Record<string, string[]> = {};
    for (const s of statements.filter((x) => x.Effect === "Allow")) for (const a of list(s.Action)) result[a] = [...(result[a] ?? []), ...list(s.Resource)];
    return result;
}
/** Access levels of everything a list of action patterns grants, by AWS's reference data. */
async function levels(patterns: string[]): Promise<Record<string, string>> {
    const result: Record<string, string> = {};
    for (const action of (await Promise.all(patterns.map(expand))).flat()) result[action] = (await classify(action)).level;
    return result;
}

describe("collector: the lab as configured for dev", () => {
    let plan: Plan;
    beforeAll(async () => {
        plan = await planLab("collector");
    });

    it("keeps one schema: table columns, the rule's stream and the function's records match one to one", () => {
        const table = one(plan, "azure-native:operationalinsights:Table", TABLE_NAME);
        const columns = input<Array<{ name: string; type: string }>>(table, "schema.columns").map((c) => `${c.name}:${c.type}`);
        const rule = one(plan, "azure-native:monitor:DataCollectionRule", "dcr-collector");
        const stream = input<Array<{ name: string; type: string }>>(rule, `streamDeclarations.${STREAM_NAME}.columns`).map((c) => `${c.name}:${c.type}`);
        // The same columns; the table spells types in ARM's casing (dateTime), the stream in the DCR's (datetime).
        expect(columns).toEqual(COLUMNS.map((c) => `${c.name}:${tableColumnType(c.type)}`));
        expect(stream).toEqual(COLUMNS.map((c) => `${c.name}:${c.type}`));
        expect(columns.map((c) => c.toLowerCase())).toEqual(stream.map((c) => c.toLowerCase()));
        const used = toRecord({
            user: { UserName: "alice", Arn: "arn:aws:iam::123456789012:user/alice", UserId: "AIDA", Path: "/", CreateDate: new Date() },
            key: { AccessKeyId: "AKIAABCDEFGHIJKLWXYZ", CreateDate: new Date("2025-01-01T00:00:00Z"), Status: "Active", UserName: "alice" },
            lastUsed: { LastUsedDate: new Date("2026-11-01T00:00:00Z"), Region: "us-east-1", ServiceName: "s3" },
            collectedAt: new Date("2026-11-23T06:00:00Z"),
            loggedDate: "2026-11-23T00:00:00.000Z",
        });
        expect(Object.keys(used).sort()).toEqual(COLUMNS.map((c) => c.name).sort());
        expect(input(table, "plan")).toBe("Analytics");
        expect(input(table, "retentionInDays")).toBe(30);
    });

    it("sends the stream untransformed into the table, through the lab's endpoint, after the table exists", () => {
        const rule = one(plan, "azure-native:monitor:DataCollectionRule", "dcr-collector");
        const workspace = one(plan, "azure-native:operationalinsights:Workspace", "log-collector");
        expect(input(rule, "dataFlows")).toEqual([{ streams: [STREAM_NAME], destinations: ["workspace"], transformKql: "source", outputStream: STREAM_NAME }]);
        expect(input(rule, "destinations.logAnalytics")).toEqual([{ name: "workspace", workspaceResourceId: workspace.id }]);
        expect(input(rule, "dataCollectionEndpointId")).toBe(one(plan, "azure-native:monitor:DataCollectionEndpoint", "dce-collector").id);
        expect(rule.dependencies).toContain(one(plan, "azure-native:operationalinsights:Table", TABLE_NAME).urn);
        expect(input(workspace, "retentionInDays")).toBe(30);
    });

    it("lets the function's Entra application publish to that one rule and nothing else", () => {
        const assignments = ofType(plan, "azure-native:authorization:RoleAssignment");
        expect(assignments).toHaveLength(1);
        const [a] = assignments;
        expect(input(a, "scope")).toBe(one(plan, "azure-native:monitor:DataCollectionRule", "dcr-collector").id);
        expect(input<string>(a, "roleDefinitionId")).toMatch(new RegExp(`^/subscriptions/[0-9a-f-]{36}/providers/Microsoft.Authorization/roleDefinitions/${MONITORING_METRICS_PUBLISHER}$`));
        expect(input(a, "principalId")).toBe(output(one(plan, "azuread:index/servicePrincipal:ServicePrincipal", "collector"), "objectId"));
        expect(input(a, "principalType")).toBe("ServicePrincipal");
        // The report's application asks Graph for nothing: publishing rights come from the role assignment alone.
        expect(input(one(plan, "azuread:index/application:Application", "collector"), "requiredResourceAccesses")).toBeNull();
    });

    it("gives the application a secret that expires, kept secret and stored in SSM under the lab's KMS key", () => {
        const password = one(plan, "azuread:index/applicationPassword:ApplicationPassword", "collector-secret");
        const end = Date.parse(input<string>(password, "endDate"));
        expect(end - Date.now()).toBeGreaterThan(29 * 86_400_000);
        expect(end - Date.now()).toBeLessThanOrEqual(120 * 86_400_000);
        expect(Object.keys(input(password, "rotateWhenChanged") as object)).toEqual(["period"]);
        const parameter = one(plan, "aws:ssm/parameter:Parameter", "entra-client-secret");
        expect({ type: input(parameter, "type"), key: input(parameter, "keyId") }).toEqual({ type: "SecureString", key: output(one(plan, "aws:kms/key:Key", "collector"), "arn") });
        expect(inputIsSecret(parameter, "value")).toBe(true);
        expect(input(parameter, "value")).toBe(output(password, "value"));
        for (const key of ofType(plan, "aws:kms/key:Key")) expect({ rotation: input(key, "enableKeyRotation"), window: input(key, "deletionWindowInDays") }).toEqual({ rotation: true, window: 7 });
    });

    it("puts only ids and names in the function's environment, encrypted with the lab's key", () => {
        const fn = one(plan, "aws:lambda/function:Function", "access-key-report");
        const env = input<Record<string, string>>(fn, "environment.variables");
        expect(Object.keys(env).sort()).toEqual(["AZURE_CLIENT_ID", "AZURE_TENANT_ID", "CHECKPOINT_BUCKET", "CLIENT_SECRET_PARAMETER", "DCE_ENDPOINT", "DCR_IMMUTABLE_ID", "IAM_CONCURRENCY", "STREAM_NAME"]);
        const secret = output<string>(one(plan, "azuread:index/applicationPassword:ApplicationPassword", "collector-secret"), "value");
        expect(Object.values(env).filter((v) => v.includes(secret))).toEqual([]);
        expect(env.CLIENT_SECRET_PARAMETER).toBe("/labs/dev/collector/entra-client-secret");
        expect(env.CHECKPOINT_BUCKET).toBe(output(one(plan, "aws:s3/bucket:Bucket", "checkpoints"), "bucket"));
        expect(stackOutput<string>(plan, "collector.function.checkpoints")).toBe(`s3://${env.CHECKPOINT_BUCKET}/access-key-report/`);
        expect(env.DCR_IMMUTABLE_ID).toBe(output(one(plan, "azure-native:monitor:DataCollectionRule", "dcr-collector"), "immutableId"));
        expect(env.DCE_ENDPOINT).toMatch(/^https:\/\/dce-collector-dev-[a-z0-9]{4}\.eastus-1\.ingest\.monitor\.azure\.com$/);
        expect(input(fn, "kmsKeyArn")).toBe(output(one(plan, "aws:kms/key:Key", "collector"), "arn"));
        expect(input(fn, "runtime")).toBe("nodejs24.x");
    });

    it("ships the function bundled from the checkout, built inside the plan", () => {
        const fn = one(plan, "aws:lambda/function:Function", "access-key-report");
        const code = input<{ assets: Record<string, { path: string }> }>(fn, "code");
        expect(Object.keys(code.assets)).toEqual(["index.js"]);
        // A file named by its hash, built (or found unchanged) by this plan.
        expect(code.assets["index.js"].path).toMatch(/labs-bundle\/function-[0-9a-f]{16}\.js$/);
        const text = fs.readFileSync(code.assets["index.js"].path, "utf8");
        expect({ table: text.includes("AWS_Access_Key_Report_CL"), handler: text.includes("createHandler") }).toEqual({ table: true, handler: true });
        expect(stackOutput<number>(plan, "collector.function.bundleBytes")).toBe(Buffer.byteLength(text));
    });

    it("grants the function role exactly the calls the function makes, on its own resources", () => {
        const role = one(plan, "aws:iam/role:Role", "access-key-report");
        expect(statementsOf(role, "assumeRolePolicy")).toEqual([{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }]);
        const granted = grants(statementsOf(one(plan, "aws:iam/rolePolicy:RolePolicy", "access-key-report")));
        const arn = (type: string, name: string, key = "arn") => output<string>(one(plan, type, name), key);
        expect(granted).toEqual({
            "iam:ListUsers": ["*"],
            "iam:ListAccessKeys": ["arn:aws:iam::123456789012:user/*"],
            "iam:GetAccessKeyLastUsed": ["arn:aws:iam::123456789012:user/*"],
            "ssm:GetParameter": [arn("aws:ssm/parameter:Parameter", "entra-client-secret")],
            "kms:Decrypt": [arn("aws:kms/key:Key", "collector")],
            "kms:GenerateDataKey": [arn("aws:kms/key:Key", "collector")],
            // The checkpoints: objects under their own prefix of their own bucket, and listing that bucket.
            "s3:GetObject": [`${arn("aws:s3/bucket:Bucket", "checkpoints")}/access-key-report/*`],
            "s3:PutObject": [`${arn("aws:s3/bucket:Bucket", "checkpoints")}/access-key-report/*`],
            "s3:ListBucket": [arn("aws:s3/bucket:Bucket", "checkpoints")],
            "logs:CreateLogStream": [`${arn("aws:cloudwatch/logGroup:LogGroup", "access-key-report")}:*`],
            "logs:PutLogEvents": [`${arn("aws:cloudwatch/logGroup:LogGroup", "access-key-report")}:*`],
            "sqs:SendMessage": [arn("aws:sqs/queue:Queue", "failed-runs")],
        });
        expect(ofType(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")).toEqual([]);
    });

    it("runs on the configured schedule, retries twice, keeps failed runs and e-mails the owner", () => {
        expect(input(one(plan, "aws:cloudwatch/eventRule:EventRule", "access-key-report"), "scheduleExpression")).toBe("rate(1 day)");
        const invoke = one(plan, "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "access-key-report");
        expect({ retries: input(invoke, "maximumRetryAttempts"), onFailure: input(invoke, "destinationConfig.onFailure.destination") }).toEqual({ retries: 2, onFailure: output(one(plan, "aws:sqs/queue:Queue", "failed-runs"), "arn") });
        const topic = one(plan, "aws:sns/topic:Topic", "alerts");
        const alarms = [one(plan, "aws:cloudwatch/metricAlarm:MetricAlarm", "access-key-report-errors"), one(plan, "aws:cloudwatch/metricAlarm:MetricAlarm", "failed-runs")];
        expect(alarms.map((a) => `${input(a, "namespace")}/${input(a, "metricName")}`)).toEqual(["AWS/Lambda/Errors", "AWS/SQS/ApproximateNumberOfMessagesVisible"]);
        expect(input(alarms[0], "dimensions")).toEqual({ FunctionName: "labs-access-key-report-dev" });
        expect(input(alarms[1], "dimensions")).toEqual({ QueueName: output(one(plan, "aws:sqs/queue:Queue", "failed-runs"), "name") });
        for (const a of alarms) expect(input(a, "alarmActions")).toEqual([output(topic, "arn")]);
        const subscription = one(plan, "aws:sns/topicSubscription:TopicSubscription", "alerts-email");
        expect({ protocol: input(subscription, "protocol"), endpoint: input(subscription, "endpoint") }).toEqual({ protocol: "email", endpoint: "lab-user@example.com" });
        const permission = one(plan, "aws:lambda/permission:Permission", "access-key-report");
        expect({ principal: input(permission, "principal"), source: input(permission, "sourceArn") }).toEqual({ principal: "events.amazonaws.com", source: output(one(plan, "aws:cloudwatch/eventRule:EventRule", "access-key-report"), "arn") });
    });

    it("gives the Defender for Cloud Apps principal the documented read-only policy, which by AWS's own data writes nothing", async () => {
        const statements = statementsOf(one(plan, "aws:iam/policy:Policy", "mdca-audit"));
        expect(grants(statements)).toEqual(Object.fromEntries(AUDIT_READ_ACTIONS.map((a) => [a, ["*"]])));
        const byLevel = await levels(AUDIT_READ_ACTIONS);
        expect(Object.keys(byLevel).length).toBeGreaterThan(100);
        expect(Object.entries(byLevel).filter(([, level]) => level !== "Read" && level !== "List")).toEqual([]);
        expect(ofType(plan, "aws:iam/userPolicyAttachment:UserPolicyAttachment").map((a) => input(a, "policyArn"))).toEqual([output(one(plan, "aws:iam/policy:Policy", "mdca-audit"), "arn")]);
    });

    it("gives the principal an access key whose secret stays secret", () => {
        expect(isSecret(stackOutputRaw(plan, "collector.defenderForCloudApps.secretAccessKey"))).toBe(true);
        expect(isSecret(stackOutputRaw(plan, "collector.defenderForCloudApps.accessKeyId"))).toBe(false);
        expect(one(plan, "aws:iam/accessKey:AccessKey", "mdca-audit").options.additionalSecretOutputs).toContain("secret");
    });

    it("records every region in a validated, KMS-encrypted trail, into a private, encrypted, versioned, TLS-only bucket", () => {
        const trail = one(plan, "aws:cloudtrail/trail:Trail", "trail");
        const key = output<string>(one(plan, "aws:kms/key:Key", "trail"), "arn");
        expect({ multi: input(trail, "isMultiRegionTrail"), validation: input(trail, "enableLogFileValidation"), key: input(trail, "kmsKeyId") }).toEqual({ multi: true, validation: true, key });
        const bucket = output<string>(one(plan, "aws:s3/bucket:Bucket", "trail"), "bucket");
        expect(input(trail, "s3BucketName")).toBe(bucket);
        const block = one(plan, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "trail");
        expect(["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].map((k) => input(block, k))).toEqual([true, true, true, true]);
        expect(input(one(plan, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "trail"), "rules[0].applyServerSideEncryptionByDefault")).toEqual({ sseAlgorithm: "aws:kms", kmsMasterKeyId: key });
        expect(input(one(plan, "aws:s3/bucketVersioning:BucketVersioning", "trail"), "versioningConfiguration.status")).toBe("Enabled");
        const policy = statementsOf(one(plan, "aws:s3/bucketPolicy:BucketPolicy", "trail"));
        expect(policy.find((s) => s.Sid === "DenyInsecureTransport")).toMatchObject({ Effect: "Deny", Principal: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
        const trailArn = "arn:aws:cloudtrail:us-east-1:123456789012:trail/labs-trail-dev";
        for (const s of policy.filter((x) => x.Effect === "Allow")) expect(s.Condition?.StringEquals?.["aws:SourceArn"]).toBe(trailArn);
        expect(trail.dependencies).toContain(one(plan, "aws:s3/bucketPolicy:BucketPolicy", "trail").urn);
    });

    it("builds every AWS resource with the lab's provider, which tags them and stays in the configured region", () => {
        const provider = one(plan, "pulumi:providers:aws", "collector-aws");
        expect(input(provider, "region")).toBe("us-east-1");
        expect(JSON.parse(String(input(provider, "defaultTags")))).toEqual({ tags: { lab: "collector", owner: "lab-user@example.com", expires: "2027-12-31" } });
        for (const r of plan.resources.filter((x) => x.type.startsWith("aws:"))) expect({ r: r.name, provider: r.provider?.startsWith(provider.urn) }).toEqual({ r: r.name, provider: true });
    });

    it("tags every Azure resource that takes tags", () => {
        for (const r of plan.resources.filter((x) => x.custom && x.type.startsWith("azure-native:") && acceptsTags(x.type))) {
            const tags = input<Record<string, string> | Array<{ name: string; value: string }>>(r, "tags");
            const map = Array.isArray(tags) ? Object.fromEntries(tags.map((t) => [t.name, t.value])) : tags;
            expect({ r: r.name, tags: map }).toEqual({ r: r.name, tags: { lab: "collector", owner: "lab-user@example.com", expires: "2027-12-31" } });
        }
    });

    it("saves the post's two queries and shows them in a workbook as a table and a line chart", () => {
        const searches = ofType(plan, "azure-native:operationalinsights:SavedSearch");
        expect(searches.map((s) => input(s, "displayName"))).toEqual(QUERIES.map((q) => q.displayName));
        const workbook = JSON.parse(input<string>(one(plan, "azure-native:applicationinsights:Workbook", "aws-access-keys"), "serializedData")) as { items: Array<{ content: { query?: string; visualization?: string } }> };
        expect(workbook.items.filter((i) => i.content.query).map((i) => i.content.visualization)).toEqual(["table", "linechart"]);
        // Every capitalised name a query uses is a column of the table, one of its own aliases, or KQL's.
        const names = new Set<string>(COLUMNS.map((c) => c.name));
        for (const q of QUERIES) {
            const aliases = new Set([...q.query.matchAll(/\b([A-Z][A-Za-z]*)\s*=/g)].map((m) => m[1]));
            const used = [...new Set([...q.query.matchAll(/\b[A-Z][A-Za-z_]*\b/g)].map((m) => m[0]))].filter((w) => w !== TABLE_NAME && !aliases.has(w));
            expect({ query: q.id, unknown: used.filter((w) => !names.has(w)) }).toEqual({ query: q.id, unknown: [] });
        }
    });

    it("shows each record once in every saved search and workbook item, however often a retry delivered it", () => {
        const workbook = JSON.parse(input<string>(one(plan, "azure-native:applicationinsights:Workbook", "aws-access-keys"), "serializedData")) as { items: Array<{ content: { query?: string } }> };
        const planned = [...ofType(plan, "azure-native:operationalinsights:SavedSearch").map((x) => input<string>(x, "query")), ...workbook.items.flatMap((i) => (i.content.query ? [i.content.query] : []))];
        expect(planned).toHaveLength(4);
        // The fake table's report() reads the table the same way (test/collector/access-key-report/function/fake-azure.ts).
        for (const query of planned) expect(query).toMatch(/\| where TimeGenerated > ago\(7d\) and LoggedDate == latest\n\| summarize arg_max\(TimeGenerated, \*\) by RecordId\n/);
        expect(stackOutput<string>(plan, "collector.workspace.query")).toContain("summarize arg_max(TimeGenerated, *) by RecordId");
    });

    it("keeps the delivery checkpoints in a private, encrypted, TLS-only bucket that forgets them after a week", () => {
        const bucket = one(plan, "aws:s3/bucket:Bucket", "checkpoints");
        const name = output<string>(bucket, "bucket");
        expect(input(bucket, "forceDestroy")).toBe(true);
        const block = one(plan, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "checkpoints");
        expect([input(block, "bucket"), input(block, "blockPublicAcls"), input(block, "blockPublicPolicy"), input(block, "ignorePublicAcls"), input(block, "restrictPublicBuckets")]).toEqual([name, true, true, true, true]);
        const sse = one(plan, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "checkpoints");
        expect(input(sse, "rules")).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: output(one(plan, "aws:kms/key:Key", "collector"), "arn") }, bucketKeyEnabled: true }]);
        expect(input(one(plan, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "checkpoints"), "rules")).toEqual([{ id: "expire-checkpoints", status: "Enabled", filter: {}, expiration: { days: 7 } }]);
        const [deny] = statementsOf(one(plan, "aws:s3/bucketPolicy:BucketPolicy", "checkpoints"));
        expect(deny).toMatchObject({ Effect: "Deny", Principal: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
    });

    it("reads only the latest run in each query, within a bounded look-back", () => {
        for (const q of QUERIES) {
            expect(q.query).toContain("let latest = toscalar(AWS_Access_Key_Report_CL | where TimeGenerated > ago(7d) | summarize max(LoggedDate));");
            expect(q.query).toContain("| where TimeGenerated > ago(7d) and LoggedDate == latest");
        }
    });

    it("lets CloudTrail use the trail's key only for this trail, and CloudWatch publish to the encrypted alert topic", () => {
        const trailKey = statementsOf(one(plan, "aws:kms/key:Key", "trail"));
        const trailArn = "arn:aws:cloudtrail:us-east-1:123456789012:trail/labs-trail-dev";
        const cloudtrail = trailKey.filter((s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: "cloudtrail.amazonaws.com" }));
        // Decrypt too: the bucket uses an S3 Bucket Key with this key.
        expect(cloudtrail.flatMap((s) => list(s.Action)).sort()).toEqual(["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey*"]);
        for (const s of cloudtrail) expect(s.Condition?.StringEquals?.["aws:SourceArn"]).toBe(trailArn);
        expect(trailKey[0]).toMatchObject({ Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*" });
        const collectorKey = statementsOf(one(plan, "aws:kms/key:Key", "collector"));
        expect(collectorKey.find((s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: "cloudwatch.amazonaws.com" }))).toMatchObject({ Action: ["kms:Decrypt", "kms:GenerateDataKey*"] });
        expect(collectorKey).toHaveLength(2);
        const trail = one(plan, "aws:cloudtrail/trail:Trail", "trail");
        expect(trail.dependencies).toContain(one(plan, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "trail").urn);
    });

    it("leaves Sentinel's connector out unless asked", () => {
        expect(ofType(plan, "aws:iam/openIdConnectProvider:OpenIdConnectProvider")).toEqual([]);
        expect(stackOutput(plan, "collector.sentinel")).toBe("off (collectorSentinelEnabled is false)");
    });
});

describe("collector: options", () => {
    it("adds s3:PutBucketAcl for governance only when asked, and the policy pack exempts exactly that finding by name", async () => {
        const plan = await planLab("collector", { collectorAuditGovernance: true });
        const granted = grants(statementsOf(one(plan, "aws:iam/policy:Policy", "mdca-audit")));
        expect(Object.keys(granted).filter((a) => !AUDIT_READ_ACTIONS.includes(a))).toEqual(AUDIT_GOVERNANCE_ACTIONS);
        const byLevel = await levels(Object.keys(granted));
        expect(Object.entries(byLevel).filter(([, level]) => level !== "Read" && level !== "List")).toEqual([["s3:PutBucketAcl", "Permissions management"]]);
        const host = await PolicyHost.start(path.join(ROOT, "policies"));
        try {
            const report = await runChecks(host, plan);
            expect(report.violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
            expect(report.exemptions.map((e) => [e.resourceName, e.message.split(":")[0]])).toEqual([["mdca-audit", "exemptions-applied[Exemption"]]);
            expect(report.exemptions[0].message).toContain("iam-no-wildcard-write[Action::s3:PutBucketAcl] is exempted until");
        } finally {
            host.close();
        }
    });

    it("builds Sentinel's AWS S3 connector path when asked: OIDC trust with audience and session name, notifications, read-only role", async () => {
        const plan = await planLab("collector", { collectorSentinelEnabled: true });
        const oidc = one(plan, "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "sentinel");
        expect({ url: input(oidc, "url"), audiences: input(oidc, "clientIdLists"), thumbprints: input(oidc, "thumbprintLists") }).toEqual({ url: SENTINEL_OIDC.url, audiences: [SENTINEL_OIDC.audience], thumbprints: [SENTINEL_OIDC.thumbprint] });
        const role = one(plan, "aws:iam/role:Role", "sentinel");
        expect(input<string>(role, "name")).toMatch(/^OIDC_/);
        const [trust] = statementsOf(role, "assumeRolePolicy");
        const workspaceId = output<string>(one(plan, "azure-native:operationalinsights:Workspace", "log-collector"), "customerId");
        expect(trust).toEqual({
            Effect: "Allow",
            Principal: { Federated: output(oidc, "arn") },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: { StringEquals: { "sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/:aud": SENTINEL_OIDC.audience, "sts:RoleSessionName": `MicrosoftSentinel_${workspaceId}` } },
        });
        const granted = grants(statementsOf(one(plan, "aws:iam/rolePolicy:RolePolicy", "sentinel")));
        const byLevel = await levels(Object.keys(granted));
        // Reading the logs and consuming their notifications. IAM's data calls three of those
        // "Write": decrypting, deleting a consumed message and hiding it while it is read; each
        // is on the lab's own queue or key only.
        expect(Object.entries(byLevel).filter(([, level]) => level !== "Read" && level !== "List").sort()).toEqual([
            ["kms:Decrypt", "Write"],
            ["sqs:ChangeMessageVisibility", "Write"],
            ["sqs:DeleteMessage", "Write"],
        ]);
        expect(granted["sqs:ChangeMessageVisibility"]).toEqual([output(one(plan, "aws:sqs/queue:Queue", "sentinel-cloudtrail"), "arn")]);
        expect(granted["sqs:DeleteMessage"]).toEqual([output(one(plan, "aws:sqs/queue:Queue", "sentinel-cloudtrail"), "arn")]);
        expect(granted["kms:Decrypt"]).toEqual([output(one(plan, "aws:kms/key:Key", "trail"), "arn")]);
        const notification = one(plan, "aws:s3/bucketNotification:BucketNotification", "sentinel-cloudtrail");
        expect(input(notification, "queues[0].events")).toEqual(["s3:ObjectCreated:*"]);
        expect(notification.dependencies).toContain(one(plan, "aws:sqs/queuePolicy:QueuePolicy", "sentinel-cloudtrail").urn);
    });

    it("pins the AWS provider to the configured account", async () => {
        const plan = await planLab("collector", { collectorAwsAccountId: "123456789012", collectorAwsRegion: "eu-west-1" });
        const provider = one(plan, "pulumi:providers:aws", "collector-aws");
        expect({ accounts: input(provider, "allowedAccountIds"), region: input(provider, "region") }).toEqual({ accounts: JSON.stringify(["123456789012"]), region: "eu-west-1" });
    });
});
