// The collector's data flows, as the post's architecture picture shows them and as the plan
// wires them (the functions' environment names what they talk to):
// - IAM → schedule → function → DCE → DCR → table in the workspace → saved searches, workbook;
// - CloudTrail → trail bucket, read by the audit principal whose key Defender for Cloud Apps holds;
// - Microsoft Graph → Entra log functions → export bucket → Glue tables → Athena;
// - optionally trail bucket → SQS → Microsoft Sentinel through an OIDC role.
import type { PlannedResource } from "../engine/plan";
import { AZURE_CLOUD, azureCloud, resourceGroupBox } from "./azure-network";
import type { DiagramBuilder } from "./model";
import { type LabSource, lastSegment, number, text, texts } from "./source";

const T = {
    awsProvider: "pulumi:providers:aws",
    function: "aws:lambda/function:Function",
    invokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
    rule: "aws:cloudwatch/eventRule:EventRule",
    target: "aws:cloudwatch/eventTarget:EventTarget",
    alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    user: "aws:iam/user:User",
    policy: "aws:iam/policy:Policy",
    attachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    parameter: "aws:ssm/parameter:Parameter",
    queue: "aws:sqs/queue:Queue",
    topic: "aws:sns/topic:Topic",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
    bucket: "aws:s3/bucket:Bucket",
    encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    notification: "aws:s3/bucketNotification:BucketNotification",
    trail: "aws:cloudtrail/trail:Trail",
    glueDatabase: "aws:glue/catalogDatabase:CatalogDatabase",
    glueTable: "aws:glue/catalogTable:CatalogTable",
    workgroup: "aws:athena/workgroup:Workgroup",
    namedQuery: "aws:athena/namedQuery:NamedQuery",
    application: "azuread:index/application:Application",
    servicePrincipal: "azuread:index/servicePrincipal:ServicePrincipal",
    appRoleAssignment: "azuread:index/appRoleAssignment:AppRoleAssignment",
    dce: "azure-native:monitor:DataCollectionEndpoint",
    dcr: "azure-native:monitor:DataCollectionRule",
    workspace: "azure-native:operationalinsights:Workspace",
    table: "azure-native:operationalinsights:Table",
    savedSearch: "azure-native:operationalinsights:SavedSearch",
    workbook: "azure-native:applicationinsights:Workbook",
    roleAssignment: "azure-native:authorization:RoleAssignment",
} as const;

/** Azure built-in roles the labs assign, by definition id (the same in every tenant). */
const AZURE_ROLES: Record<string, string> = {
    "3913510d-42f4-4e42-8a64-420c390055eb": "Monitoring Metrics Publisher",
};

/** Microsoft Graph application permissions, by app role id (the same in every tenant). */
const GRAPH_PERMISSIONS: Record<string, string> = {
    "b0afded3-3588-46d8-8b3d-9842eff778da": "AuditLog.Read.All",
    "7ab1d382-f21e-4acd-a863-ba3e13f7da61": "Directory.Read.All",
};

const AWS = "cluster:aws";
const ENTRA = "cluster:entra";

/** "labs:collector:AccessKeyReporter" gives "Access key reporter". */
function caption(type: string): string {
    const words = (type.split(":").pop() ?? type).replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
    return words.charAt(0).toUpperCase() + words.slice(1);
}

export function drawCollector(builder: DiagramBuilder, source: LabSource): void {
    if (source.ofType(T.function).length === 0 && source.ofType(T.dcr).length === 0 && source.ofType(T.trail).length === 0) return;
    const d = new CollectorDrawing(builder, source);
    d.clouds();
    d.entraApplications();
    d.workspaces();
    d.functions();
    d.alerts();
    d.trailAndAuditPrincipal();
    d.entraLogExport();
    d.sentinel();
}

class CollectorDrawing {
    private readonly functionNodes = new Map<string, string>();
    private readonly tableNodes = new Map<string, string>();
    private readonly workspaceBoxes = new Map<string, string>();
    private readonly appNodes = new Map<string, string>();
    private readonly bucketNodes = new Map<string, string>();
    /** Filled by workspaces(): what the functions' environment names (DCE_ENDPOINT, DCR_IMMUTABLE_ID). */
    private dceByEndpoint = new Map<string, string>();
    private dcrByImmutableId = new Map<string, string>();

    constructor(
        private readonly builder: DiagramBuilder,
        private readonly source: LabSource,
    ) {}

    clouds(): void {
        const s = this.source;
        const provider = s.ofType(T.awsProvider)[0];
        const anyArn = s.resources.map((r) => text(r.outputs, "arn")).find((a) => a?.startsWith("arn:aws:"));
        const region = (provider && s.text(provider, "region")) ?? anyArn?.split(":")[3];
        const account = anyArn?.split(":")[4];
        this.builder.cluster(AWS, "cloud", ["AWS", [region, account ? `account ${account}` : ""].filter((x) => x).join(", ")].filter((x) => x));
    }

    /** App registrations and their service principals, one node each, in the Entra ID box. */
    entraApplications(): void {
        const s = this.source;
        const tenant = s.ofType(T.servicePrincipal).map((sp) => s.text(sp, "applicationTenantId")).find((t) => t);
        for (const app of s.ofType(T.application)) {
            if (!this.builder.getCluster(ENTRA)) this.builder.cluster(ENTRA, "cloud", ["Microsoft Entra ID", ...(tenant ? [`tenant ${tenant}`] : [])]);
            const clientId = s.text(app, "clientId");
            const hasPrincipal = s.ofType(T.servicePrincipal).some((sp) => s.text(sp, "clientId") === clientId);
            const id = `app:${app.urn}`;
            this.builder.node(id, "identity", [s.text(app, "displayName") ?? app.name, hasPrincipal ? "app registration + service principal" : "app registration"], ENTRA);
            if (clientId) this.appNodes.set(clientId, id);
        }
        // Graph permissions granted to an app (admin consent): the app may read what Graph serves.
        for (const grant of s.ofType(T.appRoleAssignment)) {
            const sp = s.ofType(T.servicePrincipal).find((p) => s.text(p, "objectId") === s.text(grant, "principalObjectId"));
            const app = sp ? this.appNodes.get(s.text(sp, "clientId") ?? "") : undefined;
            if (!app) continue;
            const roleId = s.text(grant, "appRoleId") ?? "";
            this.builder.edge(app, this.graph(), "access", GRAPH_PERMISSIONS[roleId] ?? `app role ${roleId.slice(0, 8)}`);
        }
    }

    /**
     * The box an AWS resource is drawn in: its building block of the lab (the reporter, the
     * audit principal, the Entra log export...), captioned from the component's type, inside AWS.
     */
    private aws(r: PlannedResource | undefined): string {
        const part = r ? this.source.partOf(r) : undefined;
        if (!part) return AWS;
        const id = `cluster:aws:${part.urn}`;
        if (!this.builder.getCluster(id)) this.builder.cluster(id, "group", [caption(part.type)], AWS);
        return id;
    }

    private graph(): string {
        return this.builder.node("graph", "external", ["Microsoft Graph", "Entra ID sign-in and audit logs"], ENTRA).id;
    }

    /** Workspace boxes with their tables and saved searches; DCEs, DCRs and workbooks beside them. */
    workspaces(): void {
        const s = this.source;
        for (const workspace of s.ofType(T.workspace)) {
            const name = s.text(workspace, "workspaceName") ?? workspace.name;
            const rg = this.rg(workspace);
            const retention = s.number(workspace, "retentionInDays");
            const id = `cluster:workspace:${workspace.urn}`;
            this.builder.cluster(id, "group", [name, `Log Analytics workspace${retention ? `, ${retention} days` : ""}`], rg);
            if (workspace.id) this.workspaceBoxes.set(workspace.id.toLowerCase(), id);
        }
        for (const table of s.ofType(T.table)) {
            const box = this.workspaceBoxes.get(table.id ? table.id.toLowerCase().replace(/\/tables\/[^/]+$/, "") : "");
            const name = s.text(table, "tableName") ?? table.name;
            const node = `table:${table.urn}`;
            this.builder.node(node, "store", [name, "custom table"], box ?? this.rg(table));
            this.tableNodes.set(name, node);
        }
        for (const search of s.ofType(T.savedSearch)) {
            const box = [...this.workspaceBoxes].find(([id]) => id.endsWith(`/workspaces/${(s.text(search, "workspaceName") ?? "").toLowerCase()}`))?.[1];
            const node = `search:${search.urn}`;
            this.builder.node(node, "view", [s.text(search, "displayName") ?? search.name, "saved search"], box ?? this.rg(search));
            this.fromTablesIn(s.text(search, "query"), node);
        }
        for (const workbook of s.ofType(T.workbook)) {
            const node = `workbook:${workbook.urn}`;
            this.builder.node(node, "view", [s.text(workbook, "displayName") ?? workbook.name, "workbook"], this.rg(workbook));
            this.fromTablesIn(s.text(workbook, "serializedData"), node);
        }
        const dceNodes = new Map<string, string>();
        for (const dce of s.ofType(T.dce)) {
            const node = `dce:${dce.urn}`;
            this.builder.node(node, "network", [s.text(dce, "dataCollectionEndpointName") ?? dce.name, "data collection endpoint", "Logs Ingestion API"], this.rg(dce));
            if (dce.id) dceNodes.set(dce.id.toLowerCase(), node);
        }
        for (const dcr of s.ofType(T.dcr)) {
            const node = `dcr:${dcr.urn}`;
            this.builder.node(node, "store", [s.text(dcr, "dataCollectionRuleName") ?? dcr.name, "data collection rule"], this.rg(dcr));
            const dce = dceNodes.get(s.text(dcr, "dataCollectionEndpointId")?.toLowerCase() ?? "");
            for (const flow of s.objects(dcr, "dataFlows")) {
                const streams = texts(flow, "streams");
                if (dce) this.builder.edge(dce, node, "data", streams.join(", "));
                const output = text(flow, "outputStream") ?? streams[0] ?? "";
                const table = this.tableNodes.get(output.replace(/^Custom-/, ""));
                const transform = text(flow, "transformKql");
                if (table) this.builder.edge(node, table, "data", transform ? `transform: ${transform}` : undefined);
            }
            for (const assignment of s.ofType(T.roleAssignment).filter((a) => s.text(a, "scope")?.toLowerCase() === dcr.id?.toLowerCase())) {
                const sp = s.ofType(T.servicePrincipal).find((p) => s.text(p, "objectId") === s.text(assignment, "principalId"));
                const app = sp ? this.appNodes.get(s.text(sp, "clientId") ?? "") : undefined;
                const role = lastSegment(s.text(assignment, "roleDefinitionId") ?? "");
                if (app) this.builder.edge(app, node, "access", AZURE_ROLES[role] ?? `role ${role.slice(0, 8)}`);
            }
        }
        this.dceByEndpoint = new Map(s.ofType(T.dce).map((dce) => [s.text(dce, "logsIngestion.endpoint") ?? "", `dce:${dce.urn}`]));
        this.dcrByImmutableId = new Map(s.ofType(T.dcr).map((dcr) => [s.text(dcr, "immutableId") ?? "", `dcr:${dcr.urn}`]));
    }

    /** An arrow from every table a query names to what shows the query. */
    private fromTablesIn(query: string | undefined, to: string): void {
        for (const [name, node] of this.tableNodes) if (query?.includes(name)) this.builder.edge(node, to, "data");
    }

    private rg(r: PlannedResource): string {
        return resourceGroupBox(this.builder, this.source, this.source.text(r, "resourceGroupName") ?? "resource group");
    }

    /** Each function with its schedule, what it reads (IAM, a secret parameter, Graph) and where it sends (DCE, bucket). */
    functions(): void {
        const s = this.source;
        for (const fn of s.ofType(T.function)) {
            const name = s.text(fn, "name") ?? fn.name;
            const node = `fn:${fn.urn}`;
            const box = this.aws(fn);
            this.builder.node(node, "function", [name, ["Lambda", s.text(fn, "runtime")].filter((x) => x).join(" ")], box);
            this.functionNodes.set(name, node);
            const env = (key: string) => s.text(fn, `environment.variables.${key}`);
            const arn = s.text(fn, "arn") ?? "";

            for (const target of s.ofType(T.target).filter((t) => s.text(t, "arn") === arn || s.text(t, "arn")?.endsWith(`:function:${name}`))) {
                const rule = s.ofType(T.rule).find((r) => s.text(r, "name") === s.text(target, "rule"));
                if (!rule) continue;
                const ruleNode = this.builder.node(`rule:${rule.urn}`, "event", [s.text(rule, "name") ?? rule.name, `EventBridge ${s.text(rule, "scheduleExpression") ?? "rule"}`], this.aws(rule)).id;
                this.builder.edge(ruleNode, node, "data", "invokes");
            }
            const actions = this.roleActions(s.text(fn, "role"));
            const iamReads = actions.filter((a) => a.startsWith("iam:"));
            if (iamReads.length > 0) {
                const iam = this.builder.node("aws-iam", "store", ["IAM", "users and access keys"], box).id;
                this.builder.edge(iam, node, "data", iamReads.map((a) => a.slice(4)).join(", "));
            }
            const parameter = s.ofType(T.parameter).find((p) => s.text(p, "name") === env("CLIENT_SECRET_PARAMETER"));
            if (parameter) {
                const p = this.builder.node(`ssm:${parameter.urn}`, "store", [s.text(parameter, "name") ?? parameter.name, `SSM ${s.text(parameter, "type") ?? "parameter"}`], this.aws(parameter)).id;
                this.builder.edge(p, node, "access", "client secret");
            }
            const app = this.appNodes.get(env("AZURE_CLIENT_ID") ?? "");
            // Drawn from the app: Entra ID sits left of the functions, with the sources.
            if (app) this.builder.edge(app, node, "access", "function signs in as");
            const logType = env("LOG_TYPE");
            if (logType && app) this.builder.edge(this.graph(), node, "data", logType);
            const dce = this.dceByEndpoint.get(env("DCE_ENDPOINT") ?? "");
            const dcr = this.dcrByImmutableId.get(env("DCR_IMMUTABLE_ID") ?? "");
            if (dce) this.builder.edge(node, dce, "data", ["HTTPS", env("STREAM_NAME")].filter((x) => x).join(" "));
            else if (dcr) this.builder.edge(node, dcr, "data", env("STREAM_NAME"));
            const bucket = env("BUCKET");
            if (bucket) this.builder.edge(node, this.bucket(bucket), "data", logType ? `${logType}/dt=YYYY-MM-DD/` : undefined);
        }
    }

    private roleActions(roleArn: string | undefined): string[] {
        const s = this.source;
        const roleName = roleArn ? lastSegment(roleArn) : undefined;
        return s
            .ofType(T.rolePolicy)
            .filter((p) => roleName !== undefined && s.text(p, "role") === roleName)
            .flatMap((p) => policyActions(s.text(p, "policy")));
    }

    /** A bucket node, with what protects it and how long it keeps objects. */
    private bucket(name: string): string {
        const known = this.bucketNodes.get(name);
        if (known) return known;
        const s = this.source;
        const bucket = s.ofType(T.bucket).find((b) => (s.text(b, "bucket") ?? b.id) === name);
        const kms = s
            .ofType(T.encryption)
            .filter((e) => s.text(e, "bucket") === name)
            .some((e) => s.objects(e, "rules").some((r) => text(r, "applyServerSideEncryptionByDefault.sseAlgorithm")?.startsWith("aws:kms")));
        const days = s
            .ofType(T.lifecycle)
            .filter((l) => s.text(l, "bucket") === name)
            .flatMap((l) => s.objects(l, "rules").map((r) => number(r, "expiration.days")))
            .find((d) => d !== undefined);
        const details = ["S3", kms ? "SSE-KMS" : "", days !== undefined ? `expires after ${days} days` : ""].filter((x) => x).join(", ");
        const node = this.builder.node(`bucket:${bucket?.urn ?? name}`, "store", [name, details], this.aws(bucket)).id;
        this.bucketNodes.set(name, node);
        return node;
    }

    /**
     * Failed runs land in a queue; alarms e-mail through a topic. Only the queues' alarms are
     * arrows (the failure path); alarms on function errors are counted on the topic, as one
     * arrow per function would cross the whole picture.
     */
    alerts(): void {
        const s = this.source;
        const queueNode = (arnOrName: string | undefined) => {
            const queue = s.ofType(T.queue).find((q) => s.text(q, "arn") === arnOrName || s.text(q, "name") === arnOrName);
            return queue ? this.builder.node(`queue:${queue.urn}`, "store", [s.text(queue, "name") ?? queue.name, "SQS, failed runs"], this.aws(queue)).id : undefined;
        };
        for (const config of s.ofType(T.invokeConfig)) {
            const fn = this.functionNodes.get(s.text(config, "functionName") ?? "");
            const queue = queueNode(s.text(config, "destinationConfig.onFailure.destination"));
            if (fn && queue) this.builder.edge(fn, queue, "data", "on failure");
        }
        for (const topic of s.ofType(T.topic)) {
            const arn = s.text(topic, "arn");
            const alarms = s.ofType(T.alarm).filter((a) => arn !== undefined && s.texts(a, "alarmActions").includes(arn));
            if (alarms.length === 0) continue;
            const subscribers = [...new Set(s.ofType(T.subscription).filter((sub) => s.text(sub, "topic") === arn).map((sub) => s.text(sub, "protocol") ?? "subscriber"))];
            const onFunctions = alarms.filter((a) => s.text(a, "dimensions.FunctionName")).length;
            const node = this.builder.node(`topic:${topic.urn}`, "event", [s.text(topic, "name") ?? topic.name, `SNS alerts${subscribers.length > 0 ? ` by ${subscribers.join(", ")}` : ""}`, ...(onFunctions > 0 ? [`+ ${onFunctions} function error alarm${onFunctions === 1 ? "" : "s"}`] : [])], this.aws(topic)).id;
            for (const alarm of alarms) {
                const queue = queueNode(s.text(alarm, "dimensions.QueueName"));
                if (queue) this.builder.edge(queue, node, "data", "alarm");
            }
        }
    }

    /** CloudTrail into its bucket, and the principal Defender for Cloud Apps reads the account with. */
    trailAndAuditPrincipal(): void {
        const s = this.source;
        const trails = s.ofType(T.trail).map((trail) => {
            const node = this.builder.node(`trail:${trail.urn}`, "event", [s.text(trail, "name") ?? trail.name, `CloudTrail${s.bool(trail, "isMultiRegionTrail") ? ", all regions" : ""}`], this.aws(trail)).id;
            const bucket = s.text(trail, "s3BucketName");
            if (bucket) this.builder.edge(node, this.bucket(bucket), "data", "log files");
            return node;
        });
        for (const user of s.ofType(T.user)) {
            const name = s.text(user, "name") ?? user.name;
            const actions = s
                .ofType(T.attachment)
                .filter((a) => s.text(a, "user") === name)
                .flatMap((a) => s.ofType(T.policy).filter((p) => s.text(p, "arn") === s.text(a, "policyArn")))
                .flatMap((p) => policyActions(s.text(p, "policy")));
            const services = [...new Set(actions.map((a) => a.split(":")[0]))];
            const writes = actions.filter((a) => /^s3:Put|^iam:(Create|Delete|Put|Attach|Update)/.test(a));
            const node = this.builder.node(`user:${user.urn}`, "identity", [name, "IAM user + access key", ...(services.length > 0 ? [`reads ${services.join(", ")}`] : []), ...(writes.length > 0 ? [`writes: ${writes.join(", ")}`] : [])], this.aws(user)).id;
            // What the Defender for Cloud Apps AWS connector needs first: reading the trail's events.
            if (!actions.includes("cloudtrail:LookupEvents")) continue;
            const defender = this.builder.node("defender", "external", ["Microsoft Defender for Cloud Apps", "AWS connector"]).id;
            this.builder.edge(node, defender, "access", "access key in the connector");
            for (const trail of trails) this.builder.edge(trail, node, "data", "LookupEvents");
        }
    }

    /** Entra logs exported to S3, catalogued in Glue, queried with Athena. */
    entraLogExport(): void {
        const s = this.source;
        for (const database of s.ofType(T.glueDatabase)) {
            const name = s.text(database, "name") ?? database.name;
            const tables = s.ofType(T.glueTable).filter((t) => s.text(t, "databaseName") === name);
            const node = this.builder.node(`glue:${database.urn}`, "store", [name, "Glue database", ...tables.map((t) => `table ${s.text(t, "name") ?? t.name}`)], this.aws(database)).id;
            for (const table of tables) {
                // Partition projection names the data's place: parameters["storage.location.template"].
                const location = text(s.record(table, "parameters")?.["storage.location.template"], "") ?? s.text(table, "storageDescriptor.location");
                const bucket = location?.match(/^s3:\/\/([^/]+)\//)?.[1];
                if (bucket) this.builder.edge(this.bucket(bucket), node, "data", "partition projection");
            }
            for (const workgroup of s.ofType(T.workgroup)) {
                const wgName = s.text(workgroup, "name") ?? workgroup.name;
                const queries = s.ofType(T.namedQuery).filter((q) => s.text(q, "workgroup") === wgName && s.text(q, "database") === name);
                if (queries.length === 0) continue;
                const wg = this.builder.node(`athena:${workgroup.urn}`, "view", [wgName, "Athena workgroup", ...queries.map((q) => s.text(q, "name") ?? q.name)], this.aws(workgroup)).id;
                this.builder.edge(node, wg, "data", "queries");
            }
        }
    }

    /** Sentinel's AWS S3 connector: trail bucket notifications in a queue, read through an OIDC role. */
    sentinel(): void {
        const s = this.source;
        // Sentinel requires its role's name to start with OIDC_ and a web identity trust.
        const role = s.ofType(T.role).find((r) => (s.text(r, "name") ?? "").startsWith("OIDC_") && (s.text(r, "assumeRolePolicy") ?? "").includes("AssumeRoleWithWebIdentity"));
        if (!role) return;
        const workspace = [...this.workspaceBoxes.values()][0];
        const sentinel = this.builder.node("sentinel", "external", ["Microsoft Sentinel", "Amazon Web Services S3 connector"], workspace ?? AZURE_CLOUD).id;
        if (!workspace) azureCloud(this.builder, s);
        const roleNode = this.builder.node(`role:${role.urn}`, "identity", [s.text(role, "name") ?? role.name, "IAM role, web identity (OIDC)"], this.aws(role)).id;
        this.builder.edge(sentinel, roleNode, "access", "AssumeRoleWithWebIdentity");
        for (const notification of s.ofType(T.notification)) {
            const bucket = s.text(notification, "bucket");
            for (const target of s.objects(notification, "queues")) {
                const queue = s.ofType(T.queue).find((q) => s.text(q, "arn") === text(target, "queueArn"));
                if (!queue || !bucket) continue;
                const q = this.builder.node(`queue:${queue.urn}`, "store", [s.text(queue, "name") ?? queue.name, "SQS, new log files"], this.aws(queue)).id;
                this.builder.edge(this.bucket(bucket), q, "data", texts(target, "events").join(", ") || "notifications");
                this.builder.edge(q, roleNode, "data", "ReceiveMessage");
                this.builder.edge(this.bucket(bucket), roleNode, "data", "GetObject");
            }
        }
    }
}

/** Every action an IAM policy document allows (Allow statements only), in order. */
export function policyActions(document: string | undefined): string[] {
    if (!document) return [];
    let parsed: unknown;
    try {
        parsed = JSON.parse(document);
    } catch {
        return [];
    }
    const statements = (parsed as { Statement?: unknown }).Statement;
    const list = Array.isArray(statements) ? statements : statements ? [statements] : [];
    const actions: string[] = [];
    for (const statement of list as Array<{ Effect?: unknown; Action?: unknown }>) {
        if (statement?.Effect !== "Allow") continue;
        const action = statement.Action;
        for (const a of Array.isArray(action) ? action : [action]) if (typeof a === "string" && !actions.includes(a)) actions.push(a);
    }
    return actions;
}
