// The collector lab of "Visualizing AWS Logging Data in Azure Monitor" and "AWS and Microsoft's
// Cloud App Security": AWS IAM access-key usage reported daily into a Log Analytics workspace
// through the Logs Ingestion API (the post's HTTP Data Collector API is retired), and the
// read-only principal and CloudTrail trail Defender for Cloud Apps reads AWS through.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AuditPrincipal } from "./defender";
import { EntraLogExport } from "./entra-logs";
import type { CollectorArgs } from "./config";
import { QUERIES } from "./access-key-report/queries";
import { AccessKeyReporter } from "./access-key-report/reporter";
import { STREAM_NAME, TABLE_NAME } from "./access-key-report/schema";
import { SentinelConnector } from "./sentinel";
import { AccessKeyWorkspace } from "./access-key-report/workspace";

export type { CollectorArgs } from "./config";

export class CollectorLab extends pulumi.ComponentResource {
    readonly workspace: AccessKeyWorkspace;
    readonly reporter: AccessKeyReporter;
    readonly audit: AuditPrincipal;
    readonly sentinel?: SentinelConnector;
    readonly entraLogs?: EntraLogExport;
    readonly outputs: Record<string, pulumi.Input<unknown>>;

    constructor(name: string, args: CollectorArgs, opts?: pulumi.ComponentResourceOptions, now = new Date()) {
        super("labs:collector:CollectorLab", name, {}, opts);
        // One provider for the lab's AWS half: its region, the account it may touch, and the
        // lab's tags on everything it creates.
        const provider = new aws.Provider(
            "collector-aws",
            { region: args.aws.region, allowedAccountIds: args.aws.accountId ? [args.aws.accountId] : undefined, defaultTags: { tags: args.tags } },
            { parent: this },
        );
        const accountId = aws.getCallerIdentityOutput({}, { parent: this, provider }).accountId;

        this.workspace = new AccessKeyWorkspace(
            "workspace",
            { stack: args.stack, location: args.location, tags: args.tags, retentionDays: args.retentionDays, secretRotationDays: args.secretRotationDays, now },
            { parent: this },
        );
        this.reporter = new AccessKeyReporter(
            "reporter",
            {
                stack: args.stack,
                accountId,
                region: args.aws.region,
                provider,
                schedule: args.schedule,
                alertEmail: args.alertEmail,
                iamConcurrency: args.iamConcurrency,
                azure: {
                    ingestionEndpoint: this.workspace.ingestionEndpoint,
                    ruleImmutableId: this.workspace.rule.immutableId,
                    streamName: STREAM_NAME,
                    tenantId: this.workspace.tenantId,
                    clientId: this.workspace.application.clientId,
                    clientSecret: this.workspace.clientSecret,
                },
            },
            { parent: this },
        );
        this.audit = new AuditPrincipal(
            "audit",
            { stack: args.stack, accountId, region: args.aws.region, governance: args.auditGovernance, trailRetentionDays: args.trailRetentionDays, provider },
            { parent: this },
        );
        if (args.sentinel) {
            this.sentinel = new SentinelConnector(
                "sentinel",
                { stack: args.stack, accountId, provider, workspaceId: this.workspace.workspace.customerId, trailBucket: this.audit.trailBucket, trailKeyArn: this.audit.trailKey.arn },
                { parent: this },
            );
        }
        if (args.entraLogs.enabled) {
            this.entraLogs = new EntraLogExport(
                "entra-logs",
                {
                    stack: args.stack,
                    accountId,
                    region: args.aws.region,
                    provider,
                    keyUsers: args.entraLogs.keyUsers,
                    retentionDays: args.entraLogs.retentionDays,
                    schedule: args.entraLogs.schedule,
                    secretRotationDays: args.secretRotationDays,
                    now,
                    alarmTopicArn: this.reporter.alerts.arn,
                },
                { parent: this },
            );
        }
        this.outputs = this.describe(args);
        this.registerOutputs({});
    }

    private describe(args: CollectorArgs): Record<string, pulumi.Input<unknown>> {
        const w = this.workspace;
        const fn = this.reporter.function;
        return {
            workspace: {
                name: w.workspace.name,
                resourceGroup: w.resourceGroup.name,
                table: TABLE_NAME,
                savedSearches: "AWS access keys older than 90 days; AWS access keys created per day (Logs > Queries > Saved, category 'AWS access keys')",
                workbook: `AWS access keys (${args.stack}) (Monitor > Workbooks)`,
                // What labs verify reads: the workspace's id, the searches' ids, the workbook's name.
                customerId: w.workspace.customerId,
                savedSearchIds: QUERIES.map((q) => q.id),
                workbookDisplayName: `AWS access keys (${args.stack})`,
                query: pulumi.interpolate`az monitor log-analytics query --workspace ${w.workspace.customerId} --analytics-query "${TABLE_NAME} | summarize arg_max(TimeGenerated, *) by RecordId | take 20"`,
            },
            awsRegion: args.aws.region,
            ingestion: { endpoint: w.ingestionEndpoint, ruleImmutableId: w.rule.immutableId, stream: STREAM_NAME },
            entraApplication: { clientId: w.application.clientId, clientSecretExpires: w.clientSecretExpires, rotatesEveryDays: args.secretRotationDays },
            function: {
                name: fn.name,
                schedule: args.schedule,
                runNow: pulumi.interpolate`aws lambda invoke --region ${args.aws.region} --cli-read-timeout 0 --function-name ${fn.name} /dev/stdout`,
                logs: pulumi.interpolate`aws logs tail --region ${args.aws.region} --follow /aws/lambda/${fn.name}`,
                alerts: `${args.alertEmail} (confirm the e-mail AWS sends before alerts arrive)`,
                bundleBytes: this.reporter.bundleBytes,
                // What each day's attempts delivered: a retry sends only what is not in it.
                checkpoints: pulumi.interpolate`s3://${this.reporter.checkpoints.bucket}/access-key-report/`,
            },
            defenderForCloudApps: {
                user: this.audit.user.name,
                userArn: this.audit.user.arn,
                accessKeyId: this.audit.accessKeyId,
                secretAccessKey: this.audit.secretAccessKey,
                governance: args.auditGovernance,
                trail: this.audit.trail.name,
                trailBucket: this.audit.trailBucket.bucket,
            },
            entraLogs: this.entraLogs
                ? {
                      bucket: this.entraLogs.bucket.bucket,
                      database: this.entraLogs.database.name,
                      workgroup: this.entraLogs.workgroup.name,
                      functions: Object.fromEntries(Object.entries(this.entraLogs.functions).map(([t, f]) => [t, f.function.name])),
                      application: { clientId: this.entraLogs.application.clientId, clientSecretExpires: this.entraLogs.clientSecretExpires, permissions: "AuditLog.Read.All, Directory.Read.All (consented)" },
                      exportDay: pulumi.interpolate`aws lambda invoke --region ${args.aws.region} --cli-read-timeout 0 --function-name ${this.entraLogs.functions.signins.function.name} --payload '{"day":"YYYY-MM-DD"}' --cli-binary-format raw-in-base64-out /dev/stdout`,
                  }
                : "off (collectorEntraLogsEnabled is false)",
            sentinel: this.sentinel
                ? { roleArn: this.sentinel.role.arn, queueUrl: this.sentinel.queue.url, destinationTable: "AWSCloudTrail" }
                : "off (collectorSentinelEnabled is false)",
        };
    }
}
