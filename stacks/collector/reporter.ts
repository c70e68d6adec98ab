// The collector's AWS half: the function that reports access-key usage, bundled from
// ./function at program run time, its secret in SSM under a customer key, a role exactly as
// wide as the calls the function makes, a schedule, and failure handling (retries, a
// dead-letter queue, alarms that e-mail the lab's owner).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { bundleFunction } from "./bundle";
import { FUNCTION_ACTIONS } from "./function/permissions";
import { type Statement, accountAdministersKey, policyDocument } from "./iam-document";

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
    logGroupArn: pulumi.Input<string>;
    deadLetterQueueArn: pulumi.Input<string>;
}

/**
 * The function role's statements: one per action the function's code calls (from
 * ./function/permissions, which a test keeps in step with the code), each on the narrowest
 * resource IAM allows; plus writing its own logs and, for Lambda's failure destination,
 * sending to its own dead-letter queue.
 */
export function functionStatements(r: FunctionResources): Statement[] {
    const resourceOf: Record<string, pulumi.Input<string>> = {
        // IAM defines no resource for ListUsers: it is "*" or nothing.
        "iam:ListUsers": "*",
        "iam:ListAccessKeys": pulumi.interpolate`arn:aws:iam::${r.accountId}:user/*`,
        "iam:GetAccessKeyLastUsed": pulumi.interpolate`arn:aws:iam::${r.accountId}:user/*`,
        "ssm:GetParameter": r.parameterArn,
        "kms:Decrypt": r.keyArn,
    };
    const unmapped = FUNCTION_ACTIONS.filter((a) => !(a in resourceOf));
    if (unmapped.length) throw new Error(`the function calls ${unmapped.join(", ")}, which functionStatements gives no resource; add one`);
    return [
        ...FUNCTION_ACTIONS.map((action): Statement => ({ Sid: action.replace(/[^A-Za-z]/g, ""), Effect: "Allow", Action: action, Resource: resourceOf[action] })),
        { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: pulumi.interpolate`${r.logGroupArn}:*` },
        { Sid: "FailureDestination", Effect: "Allow", Action: "sqs:SendMessage", Resource: r.deadLetterQueueArn },
    ];
}

export class AccessKeyReporter extends pulumi.ComponentResource {
    readonly function: aws.lambda.Function;
    readonly role: aws.iam.Role;
    readonly key: aws.kms.Key;
    readonly parameter: aws.ssm.Parameter;
    readonly deadLetterQueue: aws.sqs.Queue;
    readonly alerts: aws.sns.Topic;
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
                    {
                        Sid: "CloudWatchAlarmsPublishToEncryptedTopic",
                        Effect: "Allow",
                        Principal: { Service: "cloudwatch.amazonaws.com" },
                        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                        Resource: "*",
                        Condition: { StringEquals: { "aws:SourceAccount": args.accountId } },
                    },
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

        const logGroup = new aws.cloudwatch.LogGroup("function-logs", { name: `/aws/lambda/${functionName}`, retentionInDays: 30 }, o);
        this.deadLetterQueue = new aws.sqs.Queue(
            "failed-runs",
            { name: `${functionName}-failed`, messageRetentionSeconds: 14 * 24 * 3600, sqsManagedSseEnabled: true },
            o,
        );

        this.role = new aws.iam.Role(
            "function",
            {
                name: `${functionName}-role`,
                path: "/labs/",
                description: "The access-key report function: reads IAM access keys, its own secret, writes its own logs.",
                assumeRolePolicy: policyDocument([{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }]),
            },
            o,
        );
        const rolePolicy = new aws.iam.RolePolicy(
            "function",
            {
                role: this.role.name,
                name: "access-key-report",
                policy: policyDocument(
                    functionStatements({ accountId: args.accountId, parameterArn: this.parameter.arn, keyArn: this.key.arn, logGroupArn: logGroup.arn, deadLetterQueueArn: this.deadLetterQueue.arn }),
                ),
            },
            o,
        );

        const bundle = bundleFunction();
        this.bundleBytes = bundle.bytes;
        this.function = new aws.lambda.Function(
            "access-key-report",
            {
                name: functionName,
                description: "Reports IAM access keys and their last use to Azure Monitor (Logs Ingestion API).",
                runtime: "nodejs24.x",
                architectures: ["arm64"],
                handler: "index.handler",
                code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(bundle.code) }),
                role: this.role.arn,
                // Memory buys CPU on Lambda, and the SDK spends about a millisecond of CPU per IAM call.
                memorySize: 1024,
                timeout: 600,
                kmsKeyArn: this.key.arn,
                environment: {
                    variables: {
                        DCE_ENDPOINT: args.azure.ingestionEndpoint,
                        DCR_IMMUTABLE_ID: args.azure.ruleImmutableId,
                        STREAM_NAME: args.azure.streamName,
                        AZURE_TENANT_ID: args.azure.tenantId,
                        AZURE_CLIENT_ID: args.azure.clientId,
                        CLIENT_SECRET_PARAMETER: this.parameter.name,
                        IAM_CONCURRENCY: String(args.iamConcurrency),
                    },
                },
                // Text: the function writes its own one-line JSON records; Lambda keeps them as they are.
                loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
            },
            // Its log group and permissions first, so the first run can log and read its secret.
            { ...o, dependsOn: [logGroup, rolePolicy] },
        );
        new aws.lambda.FunctionEventInvokeConfig(
            "access-key-report",
            { functionName: this.function.name, maximumRetryAttempts: 2, maximumEventAgeInSeconds: 6 * 3600, destinationConfig: { onFailure: { destination: this.deadLetterQueue.arn } } },
            o,
        );

        const rule = new aws.cloudwatch.EventRule("access-key-report", { name: `${functionName}-schedule`, description: "Runs the access-key report.", scheduleExpression: args.schedule }, o);
        new aws.lambda.Permission("schedule-invokes-function", { function: this.function.name, action: "lambda:InvokeFunction", principal: "events.amazonaws.com", sourceArn: rule.arn }, o);
        new aws.cloudwatch.EventTarget("access-key-report", { rule: rule.name, arn: this.function.arn }, o);

        this.alerts = new aws.sns.Topic("alerts", { name: `${functionName}-alerts`, kmsMasterKeyId: this.key.id }, o);
        new aws.sns.TopicSubscription("alerts-email", { topic: this.alerts.arn, protocol: "email", endpoint: args.alertEmail }, o);
        new aws.cloudwatch.MetricAlarm(
            "function-errors",
            {
                name: `${functionName}-errors`,
                alarmDescription: "The access-key report failed (it retries twice; see its logs).",
                namespace: "AWS/Lambda",
                metricName: "Errors",
                dimensions: { FunctionName: this.function.name },
                statistic: "Sum",
                period: 300,
                evaluationPeriods: 1,
                threshold: 0,
                comparisonOperator: "GreaterThanThreshold",
                treatMissingData: "notBreaching",
                alarmActions: [this.alerts.arn],
            },
            o,
        );
        new aws.cloudwatch.MetricAlarm(
            "failed-runs",
            {
                name: `${functionName}-gave-up`,
                alarmDescription: "A run of the access-key report failed all its retries (message in the dead-letter queue).",
                namespace: "AWS/SQS",
                metricName: "ApproximateNumberOfMessagesVisible",
                dimensions: { QueueName: this.deadLetterQueue.name },
                statistic: "Maximum",
                period: 300,
                evaluationPeriods: 1,
                threshold: 0,
                comparisonOperator: "GreaterThanThreshold",
                treatMissingData: "notBreaching",
                alarmActions: [this.alerts.arn],
            },
            o,
        );
        this.registerOutputs({});
    }
}
