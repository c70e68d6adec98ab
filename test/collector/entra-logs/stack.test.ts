// The Entra log export's graph: Graph permissions exactly these two, consented; a key policy
// that separates administration, people and functions; each function's role exactly as wide as
// its calls; Glue tables that read what the functions write (partition projection on dt); and
// named queries that only use the tables' columns.
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan, PlannedResource } from "../../../cli/engine/plan";
import { JSON_SERDE, NAMED_QUERIES, TABLE_COLUMNS } from "../../../stacks/collector/entra-logs/athena";
import { GRAPH_APP_ID, GRAPH_ROLES, KEY_ADMIN_ACTIONS, KEY_USER_ACTIONS } from "../../../stacks/collector/entra-logs";
import { LOG_TYPE_NAMES, objectKey } from "../../../stacks/collector/entra-logs/layout";
import { input, inputIsSecret, ofType, one, output, planLab, stackOutput } from "../../support";

interface PolicyStatement {
    Sid?: string;
    Effect: string;
    Action: string | string[];
    Resource?: string | string[];
    Principal?: { AWS?: string | string[]; Service?: string };
}
const statementsOf = (r: PlannedResource, key = "policy"): PolicyStatement[] => (JSON.parse(input<string>(r, key)) as { Statement: PolicyStatement[] }).Statement;
const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

describe("collector: Entra log export (on in the dev stack)", () => {
    let plan: Plan;
    beforeAll(async () => {
        plan = await planLab("collector");
    });
    const bucketArn = () => output<string>(one(plan, "aws:s3/bucket:Bucket", "entra-logs"), "arn");
    const keyArn = () => output<string>(one(plan, "aws:kms/key:Key", "entra-logs"), "arn");

    it("asks Microsoft Graph for AuditLog.Read.All and Directory.Read.All only, as application roles, and grants their consent", () => {
        const app = one(plan, "azuread:index/application:Application", "entra-logs");
        expect(input(app, "requiredResourceAccesses")).toEqual([{ resourceAppId: GRAPH_APP_ID, resourceAccesses: Object.values(GRAPH_ROLES).map((id) => ({ id, type: "Role" })) }]);
        const principal = output<string>(one(plan, "azuread:index/servicePrincipal:ServicePrincipal", "entra-logs"), "objectId");
        const grants = ofType(plan, "azuread:index/appRoleAssignment:AppRoleAssignment").map((a) => ({ role: input(a, "appRoleId"), principal: input(a, "principalObjectId") }));
        expect(grants).toEqual(Object.values(GRAPH_ROLES).map((role) => ({ role, principal })));
        const graph = ofType(plan, "azuread:index/appRoleAssignment:AppRoleAssignment").map((a) => input<string>(a, "resourceObjectId"));
        expect(new Set(graph).size).toBe(1);
        expect(graph[0]).toMatch(/^[0-9a-f-]{36}$/);
    });

    it("keeps its client secret secret, expiring, in SSM under the export's key", () => {
        const password = one(plan, "azuread:index/applicationPassword:ApplicationPassword", "entra-logs-secret");
        expect(Date.parse(input<string>(password, "endDate"))).toBeGreaterThan(Date.now());
        const parameter = one(plan, "aws:ssm/parameter:Parameter", "entra-logs-secret");
        expect({ type: input(parameter, "type"), key: input(parameter, "keyId"), secret: inputIsSecret(parameter, "value") }).toEqual({ type: "SecureString", key: keyArn(), secret: true });
    });

    it("separates the key's administrators (the account), its users (people) and the functions", () => {
        const key = one(plan, "aws:kms/key:Key", "entra-logs");
        expect({ rotation: input(key, "enableKeyRotation"), window: input(key, "deletionWindowInDays") }).toEqual({ rotation: true, window: 7 });
        const byPrincipal = statementsOf(key).map((s) => ({ sid: s.Sid, who: list(s.Principal?.AWS), actions: list(s.Action) }));
        const roles = LOG_TYPE_NAMES.map((t) => output<string>(one(plan, "aws:iam/role:Role", `entra-${t}`), "arn"));
        expect(byPrincipal).toEqual([
            { sid: "AccountAdministersKey", who: ["arn:aws:iam::123456789012:root"], actions: KEY_ADMIN_ACTIONS },
            // The deploying identity (the offline engine's caller), by default.
            { sid: "PeoplePutSecretsAndReadLogs", who: ["arn:aws:iam::123456789012:user/lab-operator"], actions: KEY_USER_ACTIONS },
            { sid: "FunctionsUseKey", who: roles, actions: ["kms:Decrypt", "kms:GenerateDataKey"] },
        ]);
        // The administrators cannot use the key: no encrypt, decrypt or data key among their actions.
        expect(KEY_ADMIN_ACTIONS.filter((a) => /Encrypt|Decrypt|GenerateDataKey|kms:\*$/.test(a))).toEqual([]);
    });

    it("lets each function put only its own log type's objects, read its secret and use the key", () => {
        for (const t of LOG_TYPE_NAMES) {
            const granted: Record<string, string[]> = {};
            for (const s of statementsOf(one(plan, "aws:iam/rolePolicy:RolePolicy", `entra-${t}`))) for (const a of list(s.Action)) granted[a] = [...(granted[a] ?? []), ...list(s.Resource)];
            const logGroup = output<string>(one(plan, "aws:cloudwatch/logGroup:LogGroup", `entra-${t}`), "arn");
            expect(granted).toEqual({
                "s3:PutObject": [`${bucketArn()}/${t}/*`],
                "ssm:GetParameter": [output(one(plan, "aws:ssm/parameter:Parameter", "entra-logs-secret"), "arn")],
                "kms:Decrypt": [keyArn()],
                "kms:GenerateDataKey": [keyArn()],
                "logs:CreateLogStream": [`${logGroup}:*`],
                "logs:PutLogEvents": [`${logGroup}:*`],
                "sqs:SendMessage": [output(one(plan, "aws:sqs/queue:Queue", "entra-logs-failed"), "arn")],
            });
            const fn = one(plan, "aws:lambda/function:Function", `entra-${t}`);
            expect(input(fn, "role")).toBe(output(one(plan, "aws:iam/role:Role", `entra-${t}`), "arn"));
            expect(input<Record<string, string>>(fn, "environment.variables")).toMatchObject({ LOG_TYPE: t, BUCKET: output(one(plan, "aws:s3/bucket:Bucket", "entra-logs"), "bucket") });
            expect(input(one(plan, "aws:cloudwatch/eventRule:EventRule", `entra-${t}`), "scheduleExpression")).toBe("cron(0 4 * * ? *)");
        }
    });

    it("keeps the bucket private, encrypted with the key, versioned, TLS-only, with a lifecycle per prefix", () => {
        const block = one(plan, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "entra-logs");
        expect(["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].map((k) => input(block, k))).toEqual([true, true, true, true]);
        expect(input(one(plan, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "entra-logs"), "rules[0].applyServerSideEncryptionByDefault")).toEqual({ sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn() });
        expect(input(one(plan, "aws:s3/bucketVersioning:BucketVersioning", "entra-logs"), "versioningConfiguration.status")).toBe("Enabled");
        const rules = input<Array<{ id: string; filter: { prefix?: string }; expiration?: { days: number } }>>(one(plan, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "entra-logs"), "rules");
        expect(rules.filter((r) => r.expiration).map((r) => [r.filter.prefix, r.expiration?.days])).toEqual([
            ["signins/", 90],
            ["directoryaudits/", 90],
            ["athena-results/", 30],
        ]);
        expect(statementsOf(one(plan, "aws:s3/bucketPolicy:BucketPolicy", "entra-logs"))).toMatchObject([{ Sid: "DenyInsecureTransport", Effect: "Deny" }]);
    });

    it("reads the functions' layout: JSON lines, dt projected as a date from the object key", () => {
        const bucket = output<string>(one(plan, "aws:s3/bucket:Bucket", "entra-logs"), "bucket");
        for (const t of LOG_TYPE_NAMES) {
            const table = one(plan, "aws:glue/catalogTable:CatalogTable", `entra-${t}`);
            const location = input<string>(table, "storageDescriptor.location");
            expect(location).toBe(`s3://${bucket}/${t}/`);
            const parameters = input<Record<string, string>>(table, "parameters");
            expect(parameters).toMatchObject({
                "projection.enabled": "true",
                "projection.dt.type": "date",
                "projection.dt.format": "yyyy-MM-dd",
                "projection.dt.range": "2025-01-01,NOW",
                "projection.dt.interval": "1",
                "projection.dt.interval.unit": "DAYS",
            });
            // The template, filled with a day, is the folder the function writes that day's object to.
            const day = "2026-11-22";
            expect(`s3://${bucket}/${objectKey(t, day)}`.startsWith(parameters["storage.location.template"].replace("${dt}", day))).toBe(true);
            expect(input(table, "partitionKeys")).toEqual([{ name: "dt", type: "string", comment: "UTC day, YYYY-MM-DD" }]);
            expect(input(table, "storageDescriptor.serDeInfo.serializationLibrary")).toBe(JSON_SERDE);
            expect(input(table, "storageDescriptor.columns")).toEqual(TABLE_COLUMNS[t]);
        }
    });

    it("encrypts Athena's results with the key in their own prefix, and enforces it", () => {
        const wg = one(plan, "aws:athena/workgroup:Workgroup", "entra-logs");
        const bucket = output<string>(one(plan, "aws:s3/bucket:Bucket", "entra-logs"), "bucket");
        expect(input(wg, "configuration")).toMatchObject({
            enforceWorkgroupConfiguration: true,
            resultConfiguration: { outputLocation: `s3://${bucket}/athena-results/`, encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: keyArn() } },
        });
        expect(ofType(plan, "aws:athena/namedQuery:NamedQuery").map((q) => input(q, "name"))).toEqual(NAMED_QUERIES.map((q) => q.name));
    });

    it("tells the user where to look and how to export a day", () => {
        expect(stackOutput(plan, "collector.entraLogs.database")).toBe("labs_entra_logs_dev");
        expect(stackOutput<string>(plan, "collector.entraLogs.exportDay")).toContain(`--payload '{"day":"YYYY-MM-DD"}'`);
    });
});

/** Every path into a Hive type: a column, and each field of its structs, as `a.b.c`. */
function paths(prefix: string, type: string): string[] {
    const struct = /^struct<(.*)>$/.exec(type);
    if (!struct) return [prefix];
    const fields: string[] = [];
    let depth = 0;
    let start = 0;
    const body = struct[1];
    for (let i = 0; i <= body.length; i++) {
        const ch = body[i];
        if (ch === "<") depth++;
        else if (ch === ">") depth--;
        else if ((ch === "," && depth === 0) || i === body.length) {
            fields.push(body.slice(start, i));
            start = i + 1;
        }
    }
    return [prefix, ...fields.flatMap((f) => paths(`${prefix}.${f.slice(0, f.indexOf(":"))}`, f.slice(f.indexOf(":") + 1)))];
}

describe("Entra log named queries", () => {
    it("know struct paths: initiatedby.user.userprincipalname is one, initiatedby.userprincipalname is not", () => {
        const all = TABLE_COLUMNS.directoryaudits.flatMap((c) => paths(c.name, c.type));
        expect(all).toContain("initiatedby.user.userprincipalname");
        expect(all).not.toContain("initiatedby.userprincipalname");
    });

    // SQL words and functions the queries use; every other identifier must be a column (or a
    // struct path into one), an alias the query defines, a table, or the partition column.
    const SQL = new Set(
        "select from where group by order desc asc and or not as with count max min array_agg distinct coalesce date_format current_date interval day from_iso8601_timestamp".split(" "),
    );

    it.each(NAMED_QUERIES.map((q) => [q.name, q]))("%s uses only its table's columns", (_name, q) => {
        const fields = new Set(TABLE_COLUMNS[q.table].flatMap((c) => paths(c.name, c.type)));
        const text = q.sql.replace(/'[^']*'/g, "''").replace(/"(\w+)"/g, "$1");
        // Column aliases (`x AS name`) and named subqueries (`WITH name AS (`).
        const aliases = new Set([...text.matchAll(/\bAS\s+(\w+)/gi), ...text.matchAll(/\b(\w+)\s+AS\s*\(/gi)].map((m) => m[1].toLowerCase()));
        const used = [...text.matchAll(/\b[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*\b/gi)].map((m) => m[0].toLowerCase());
        const unknown = used.filter((w) => !SQL.has(w) && !aliases.has(w) && w !== q.table && w !== "dt" && !fields.has(w));
        expect(unknown).toEqual([]);
    });
});
