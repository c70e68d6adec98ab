// The collector's second half, from "Capturing and Visualizing Office 365 Security Logs" and
// "Using Python to Pull Data from MS Graph API": Entra ID's sign-in and directory audit logs,
// pulled daily from Microsoft Graph by two functions into a private S3 bucket, queryable in
// Athena. The Entra application holds only the Graph permissions the two endpoints need, with
// admin consent granted here; its secret sits in SSM under a key whose policy separates who
// administers it, who puts secrets in (people) and who reads them (the functions).
import * as aws from "@pulumi/aws";
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import { JSON_SERDE, NAMED_QUERIES, PARTITION_KEY, TABLE_COLUMNS, tableParameters } from "./athena";
import { bundleFunction } from "../shared/bundle";
import { ATHENA_RESULTS_PREFIX, LOG_TYPES, LOG_TYPE_NAMES, type LogType } from "./layout";
import { ENTRA_FUNCTION_ACTIONS, ENTRA_FUNCTION_KMS_ACTIONS } from "./function/permissions";
import { type Statement, denyInsecureTransport, policyDocument } from "../shared/iam-document";
import { rotationWindow } from "../shared/rotation";
import { ScheduledFunction, deadLetterAlarm, lambdaRoleArgs } from "../shared/scheduled-function";

/** Microsoft Graph's application id, the same in every tenant. */
export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
/**
 * Graph application permissions (app role ids are global): List signIns needs both,
 * AuditLog.Read.All and Directory.Read.All (learn: graph/api/signin-list); List directoryAudits
 * needs AuditLog.Read.All.
 */
export const GRAPH_ROLES = { "AuditLog.Read.All": "b0afded3-3588-46d8-8b3d-9842eff778da", "Directory.Read.All": "7ab1d382-f21e-4acd-a863-ba3e13f7da61" } as const;

/** KMS actions of each role in the key policy. */
export const KEY_ADMIN_ACTIONS = [
    "kms:Create*",
    "kms:Describe*",
    "kms:Enable*",
    "kms:List*",
    "kms:Put*",
    "kms:Update*",
    "kms:Revoke*",
    "kms:Disable*",
    "kms:Get*",
    "kms:Delete*",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:ScheduleKeyDeletion",
    "kms:CancelKeyDeletion",
];
export const KEY_USER_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

export interface EntraLogExportArgs {
    stack: string;
    accountId: pulumi.Input<string>;
    region: string;
    provider: aws.Provider;
    /** IAM principals (role or user ARNs) that put the secret in and query Athena; empty: whoever runs `pulumi up`. */
    keyUsers: string[];
    retentionDays: number;
    schedule: string;
    secretRotationDays: number;
    now: Date;
    alarmTopicArn: pulumi.Input<string>;
}

export class EntraLogExport extends pulumi.ComponentResource {
    readonly application: azuread.Application;
    readonly key: aws.kms.Key;
    readonly bucket: aws.s3.Bucket;
    readonly database: aws.glue.CatalogDatabase;
    readonly workgroup: aws.athena.Workgroup;
    readonly functions: Record<LogType, ScheduledFunction>;
    readonly clientSecretExpires: string;

    constructor(name: string, args: EntraLogExportArgs, opts?: pulumi.ComponentResourceOptions) {
        super("labs:collector:EntraLogExport", name, {}, opts);
        const o = { parent: this, provider: args.provider };
        const base = `labs-entra-logs-${args.stack}`;

        // Entra: the application, its consented Graph permissions, its expiring secret.
        this.application = new azuread.Application(
            "entra-logs",
            {
                displayName: base,
                signInAudience: "AzureADMyOrg",
                requiredResourceAccesses: [{ resourceAppId: GRAPH_APP_ID, resourceAccesses: Object.values(GRAPH_ROLES).map((id) => ({ id, type: "Role" })) }],
            },
            { parent: this },
        );
        const principal = new azuread.ServicePrincipal("entra-logs", { clientId: this.application.clientId }, { parent: this });
        const graph = azuread.getServicePrincipalOutput({ clientId: GRAPH_APP_ID }, { parent: this });
        // Admin consent: one app role assignment per permission (needs a Privileged Role Administrator).
        for (const [permission, appRoleId] of Object.entries(GRAPH_ROLES)) {
            new azuread.AppRoleAssignment(`entra-logs-${permission}`, { appRoleId, principalObjectId: principal.objectId, resourceObjectId: graph.objectId }, { parent: this });
        }
        const rotation = rotationWindow(args.now, args.secretRotationDays);
        this.clientSecretExpires = rotation.endDate;
        const password = new azuread.ApplicationPassword(
            "entra-logs-secret",
            { applicationId: this.application.id, displayName: `entra log export (period from ${rotation.period})`, endDate: rotation.endDate, rotateWhenChanged: { period: rotation.period } },
            { parent: this, additionalSecretOutputs: ["value"] },
        );

        // Roles first: the key policy names them, and AWS refuses a policy naming a role that does not exist.
        const functionNames = Object.fromEntries(LOG_TYPE_NAMES.map((t) => [t, `labs-entra-${t}-${args.stack}`])) as Record<LogType, string>;
        const roles = Object.fromEntries(
            LOG_TYPE_NAMES.map((t) => [
                t,
                new aws.iam.Role(`entra-${t}`, lambdaRoleArgs(functionNames[t], `Exports Entra ${t} logs to S3.`), o),
            ]),
        ) as Record<LogType, aws.iam.Role>;
        // Whoever runs `pulumi up` always, and the named people beside: `pulumi up` writes the secret
        // under this key and reads it back, so a policy without the deploying identity fails the
        // SecureString with AccessDenied. A session's issuer, since a key policy cannot name an
        // assumed-role session.
        const deployer = aws.iam.getSessionContextOutput({ arn: aws.getCallerIdentityOutput({}, o).arn }, o).issuerArn;
        const users = deployer.apply((arn) => [...new Set([arn, ...args.keyUsers])]);
        this.key = new aws.kms.Key(
            "entra-logs",
            {
                description: `Entra log export of the collector lab (${args.stack}): its secret, its logs in S3, Athena's results`,
                enableKeyRotation: true,
                deletionWindowInDays: 7,
                policy: policyDocument([
                    // The account administers the key but cannot use it through IAM: use is granted here, by name.
                    { Sid: "AccountAdministersKey", Effect: "Allow", Principal: { AWS: pulumi.interpolate`arn:aws:iam::${args.accountId}:root` }, Action: KEY_ADMIN_ACTIONS, Resource: "*" },
                    { Sid: "PeoplePutSecretsAndReadLogs", Effect: "Allow", Principal: { AWS: users }, Action: KEY_USER_ACTIONS, Resource: "*" },
                    { Sid: "FunctionsUseKey", Effect: "Allow", Principal: { AWS: LOG_TYPE_NAMES.map((t) => roles[t].arn) }, Action: ENTRA_FUNCTION_KMS_ACTIONS, Resource: "*" },
                ]),
            },
            o,
        );
        new aws.kms.Alias("entra-logs", { name: `alias/${base}`, targetKeyId: this.key.keyId }, o);
        const parameter = new aws.ssm.Parameter(
            "entra-logs-secret",
            { name: `/labs/${args.stack}/collector/entra-logs-client-secret`, description: "The Entra client secret the log export functions sign in with (rotated by pulumi up).", type: "SecureString", keyId: this.key.arn, value: pulumi.secret(password.value) },
            { ...o, additionalSecretOutputs: ["value"] },
        );

        this.bucket = this.createBucket(base, args, o);
        const location = (t: LogType) => pulumi.interpolate`s3://${this.bucket.bucket}/${LOG_TYPES[t].prefix}/`;
        this.database = new aws.glue.CatalogDatabase("entra-logs", { name: base.replace(/-/g, "_"), description: "Entra ID sign-in and directory audit logs, one partition per day." }, o);
        for (const t of LOG_TYPE_NAMES) {
            new aws.glue.CatalogTable(
                `entra-${t}`,
                {
                    databaseName: this.database.name,
                    name: t,
                    tableType: "EXTERNAL_TABLE",
                    parameters: location(t).apply(tableParameters),
                    partitionKeys: [{ name: PARTITION_KEY, type: "string", comment: "UTC day, YYYY-MM-DD" }],
                    storageDescriptor: {
                        location: location(t),
                        inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
                        outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                        compressed: true,
                        columns: TABLE_COLUMNS[t],
                        serDeInfo: { serializationLibrary: JSON_SERDE, parameters: { "ignore.malformed.json": "true" } },
                    },
                },
                o,
            );
        }
        this.workgroup = new aws.athena.Workgroup(
            "entra-logs",
            {
                name: base,
                description: "Queries over the Entra log export; results encrypted in the export bucket.",
                forceDestroy: true,
                configuration: {
                    enforceWorkgroupConfiguration: true,
                    publishCloudwatchMetricsEnabled: true,
                    resultConfiguration: {
                        outputLocation: pulumi.interpolate`s3://${this.bucket.bucket}/${ATHENA_RESULTS_PREFIX}`,
                        encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: this.key.arn },
                    },
                },
            },
            o,
        );
        for (const q of NAMED_QUERIES) new aws.athena.NamedQuery(q.name, { name: q.name, description: q.description, database: this.database.name, workgroup: this.workgroup.name, query: q.sql }, o);

        const deadLetterQueue = new aws.sqs.Queue("entra-logs-failed", { name: `${base}-failed`, messageRetentionSeconds: 14 * 24 * 3600, sqsManagedSseEnabled: true }, o);
        deadLetterAlarm("entra-logs-failed", deadLetterQueue, args.alarmTopicArn, o);
        const codeFile = bundleFunction("entra-function").file;
        const tenant = azuread.getClientConfigOutput({ parent: this }).tenantId;
        this.functions = Object.fromEntries(
            LOG_TYPE_NAMES.map((t) => [
                t,
                new ScheduledFunction(
                    `entra-${t}`,
                    {
                        functionName: functionNames[t],
                        description: `Exports yesterday's Entra ${t} logs from Microsoft Graph to S3.`,
                        codeFile,
                        environment: { AZURE_TENANT_ID: tenant, AZURE_CLIENT_ID: this.application.clientId, CLIENT_SECRET_PARAMETER: parameter.name, BUCKET: this.bucket.bucket, LOG_TYPE: t },
                        kmsKeyArn: this.key.arn,
                        statements: exportStatements(t, { bucketArn: this.bucket.arn, parameterArn: parameter.arn, keyArn: this.key.arn }),
                        schedule: args.schedule,
                        deadLetterQueue,
                        alarmTopicArn: args.alarmTopicArn,
                        timeoutSeconds: 900,
                        provider: args.provider,
                        role: roles[t],
                    },
                    { parent: this },
                ),
            ]),
        ) as Record<LogType, ScheduledFunction>;
        this.registerOutputs({});
    }

    private createBucket(base: string, args: EntraLogExportArgs, o: pulumi.CustomResourceOptions): aws.s3.Bucket {
        const bucket = new aws.s3.Bucket("entra-logs", { bucketPrefix: `${base}-`, forceDestroy: true }, o);
        const access = new aws.s3.BucketPublicAccessBlock("entra-logs", { bucket: bucket.bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, o);
        new aws.s3.BucketOwnershipControls("entra-logs", { bucket: bucket.bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, o);
        new aws.s3.BucketServerSideEncryptionConfiguration(
            "entra-logs",
            { bucket: bucket.bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.key.arn }, bucketKeyEnabled: true }] },
            o,
        );
        new aws.s3.BucketVersioning("entra-logs", { bucket: bucket.bucket, versioningConfiguration: { status: "Enabled" } }, o);
        new aws.s3.BucketLifecycleConfiguration(
            "entra-logs",
            {
                bucket: bucket.bucket,
                rules: [
                    ...LOG_TYPE_NAMES.map((t) => ({
                        id: `expire-${t}`,
                        status: "Enabled",
                        filter: { prefix: `${LOG_TYPES[t].prefix}/` },
                        expiration: { days: args.retentionDays },
                        // A rerun replaces a day's object; the replaced version goes after a week.
                        noncurrentVersionExpiration: { noncurrentDays: 7 },
                    })),
                    { id: "expire-athena-results", status: "Enabled", filter: { prefix: ATHENA_RESULTS_PREFIX }, expiration: { days: 30 }, noncurrentVersionExpiration: { noncurrentDays: 1 } },
                    { id: "abort-incomplete-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
                ],
            },
            o,
        );
        new aws.s3.BucketPolicy("entra-logs", { bucket: bucket.bucket, policy: policyDocument([denyInsecureTransport(bucket.arn)]) }, { ...o, dependsOn: [access] });
        return bucket;
    }
}

/** Each export function's calls: put its own log type's objects, read its secret, use the key. */
export function exportStatements(type: LogType, r: { bucketArn: pulumi.Input<string>; parameterArn: pulumi.Input<string>; keyArn: pulumi.Input<string> }): Statement[] {
    const resourceOf: Record<string, pulumi.Input<string>> = {
        "s3:PutObject": pulumi.interpolate`${r.bucketArn}/${LOG_TYPES[type].prefix}/*`,
        "ssm:GetParameter": r.parameterArn,
    };
    const unmapped = ENTRA_FUNCTION_ACTIONS.filter((a) => !(a in resourceOf));
    if (unmapped.length) throw new Error(`the export function calls ${unmapped.join(", ")}, which exportStatements gives no resource; add one`);
    return [
        ...ENTRA_FUNCTION_ACTIONS.map((action): Statement => ({ Sid: action.replace(/[^A-Za-z]/g, ""), Effect: "Allow", Action: action, Resource: resourceOf[action] })),
        { Sid: "UseKey", Effect: "Allow", Action: [...ENTRA_FUNCTION_KMS_ACTIONS], Resource: r.keyArn },
    ];
}
