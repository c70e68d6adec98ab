// The collector's AWS half: the function that reports access-key usage, bundled from
// ./function at program run time, its secret in SSM under a customer key, a role exactly as
// wide as the calls the function makes, a schedule, and failure handling (retries, a
// dead-letter queue, alarms that e-mail the lab's owner, shared with the lab's other functions).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { bundleFunction } from "../shared/bundle";
import { checkpointBucket } from "./checkpoint-bucket";
import { CHECKPOINT_PREFIX } from "./function/checkpoint";
import { FUNCTION_ACTIONS } from "./function/permissions";
import { type Statement, accountAdministersKey, policyDocument } from "../shared/iam-document";
import { ScheduledFunction, deadLetterAlarm } from "../shared/scheduled-function";

export interface AccessKeyReporterArgs {
    stack: string;
    accountId: pulumi.Input<string>;
    region: string;
    provider: aws.Provider;
    schedule: string;
    alertEmail: string;
    iamConcurrency: number;
    /** Where and as whom the function uploads. */
    azure: {
        ingestionEndpoint: pulumi.Input<string>;
        ruleImmutableId: pulumi.Input<string>;
        streamName: string;
        tenantId: pulumi.Input<string>;
        clientId: pulumi.Input<string>;
        /** Secret. */
        clientSecret: pulumi.Input<string>;
    };
}

/** The resources each action the function calls may touch. */
export interface FunctionResources {
    accountId: pulumi.Input<string>;
    parameterArn: pulumi.Input<string>;
    keyArn: pulumi.Input<string>;
    /** The checkpoint bucket's ARN. */
    checkpointBucketArn: pulumi.Input<string>;
}

/**
 * The statements for the calls the function's code makes (from ./function/permissions, which
 * a test keeps in step with the code), each on the narrowest resource IAM allows.
 * ScheduledFunction adds writing its own logs and sending to its own failure queue.
 */
export function functionStatements(r: FunctionResources): Statement[] {
    const resourceOf: Record<string, pulumi.Input<string>> = {
        // IAM defines no resource for ListUsers: it is "*" or nothing.
        "iam:ListUsers": "*",
        "iam:ListAccessKeys": pulumi.interpolate`arn:aws:iam::${r.accountId}:user/*`,
        "iam:GetAccessKeyLastUsed": pulumi.interpolate`arn:aws:iam::${r.accountId}:user/*`,
        "ssm:GetParameter": r.parameterArn,
        "kms:Decrypt": r.keyArn,
        // The checkpoints' own prefix of their own bucket; listing is a bucket-level action.
        "s3:GetObject": pulumi.interpolate`${r.checkpointBucketArn}/${CHECKPOINT_PREFIX}*`,
        "s3:PutObject": pulumi.interpolate`${r.checkpointBucketArn}/${CHECKPOINT_PREFIX}*`,
        "s3:ListBucket": r.checkpointBucketArn,
        "kms:GenerateDataKey": r.keyArn,
    };
    const unmapped = FUNCTION_ACTIONS.filter((a) => !(a in resourceOf));
    if (unmapped.length) throw new Error(`the function calls ${unmapped.join(", ")}, which functionStatements gives no resource; add one`);
    return FUNCTION_ACTIONS.map((action): Statement => ({ Sid: action.replace(/[^A-Za-z]/g, ""), Effect: "Allow", Action: action, Resource: resourceOf[action] }));
}

export class AccessKeyReporter extends pulumi.ComponentResource {
    readonly function: aws.lambda.Function;
    readonly role: aws.iam.Role;
    readonly key: aws.kms.Key;
    readonly parameter: aws.ssm.Parameter;
    readonly deadLetterQueue: aws.sqs.Queue;
    readonly alerts: aws.sns.Topic;
    /** The per-day delivery checkpoints. */
    readonly checkpoints: aws.s3.Bucket;
    readonly bundleBytes: number;

    constructor(name: string, args: AccessKeyReporterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("labs:collector:AccessKeyReporter", name, {}, opts);
        const o = { parent: this, provider: args.provider };
        const functionName = `labs-access-key-report-${args.stack}`;

        this.key = new aws.kms.Key(
            "collector",
            {
                description: `Secrets of the collector lab's function (${args.stack}): its SSM parameter, its environment, its alarm topic`,
                enableKeyRotation: true,
                deletionWindowInDays: 7,
                policy: policyDocument([
                    accountAdministersKey(args.accountId),
                    // AWS's documented statement for alarms that notify an encrypted topic, as documented
                    // (no condition: it is not documented that these calls carry aws:SourceAccount).
                    { Sid: "CloudWatchAlarmsPublishToEncryptedTopic", Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Action: ["kms:Decrypt", "kms:GenerateDataKey*"], Resource: "*" },
                ]),
            },
            o,
        );
        new aws.kms.Alias("collector", { name: `alias/labs-collector-${args.stack}`, targetKeyId: this.key.keyId }, o);

        this.parameter = new aws.ssm.Parameter(
            "entra-client-secret",
            {
                name: `/labs/${args.stack}/collector/entra-client-secret`,
                description: "The Entra client secret the collector function signs in with (rotated by pulumi up).",
                type: "SecureString",
                keyId: this.key.arn,
                value: pulumi.secret(args.azure.clientSecret),
            },
            { ...o, additionalSecretOutputs: ["value"] },
        );

        this.deadLetterQueue = new aws.sqs.Queue("failed-runs", { name: `${functionName}-failed`, messageRetentionSeconds: 14 * 24 * 3600, sqsManagedSseEnabled: true }, o);
        this.alerts = new aws.sns.Topic("alerts", { name: `${functionName}-alerts`, kmsMasterKeyId: this.key.id }, o);
        new aws.sns.TopicSubscription("alerts-email", { topic: this.alerts.arn, protocol: "email", endpoint: args.alertEmail }, o);
        deadLetterAlarm("failed-runs", this.deadLetterQueue, this.alerts.arn, o);

        this.checkpoints = checkpointBucket(args.stack, this.key.arn, o);

        const bundle = bundleFunction();
        this.bundleBytes = bundle.bytes;
        const scheduled = new ScheduledFunction(
            "access-key-report",
            {
                functionName,
                description: "Reports IAM access keys and their last use to Azure Monitor (Logs Ingestion API).",
                codeFile: bundle.file,
                environment: {
                    DCE_ENDPOINT: args.azure.ingestionEndpoint,
                    DCR_IMMUTABLE_ID: args.azure.ruleImmutableId,
                    STREAM_NAME: args.azure.streamName,
                    AZURE_TENANT_ID: args.azure.tenantId,
                    AZURE_CLIENT_ID: args.azure.clientId,
                    CLIENT_SECRET_PARAMETER: this.parameter.name,
                    IAM_CONCURRENCY: String(args.iamConcurrency),
                    CHECKPOINT_BUCKET: this.checkpoints.bucket,
                },
                kmsKeyArn: this.key.arn,
                statements: functionStatements({ accountId: args.accountId, parameterArn: this.parameter.arn, keyArn: this.key.arn, checkpointBucketArn: this.checkpoints.arn }),
                schedule: args.schedule,
                deadLetterQueue: this.deadLetterQueue,
                alarmTopicArn: this.alerts.arn,
                timeoutSeconds: 600,
                provider: args.provider,
            },
            { parent: this },
        );
        this.function = scheduled.function;
        this.role = scheduled.role;
        this.registerOutputs({});
    }
}
