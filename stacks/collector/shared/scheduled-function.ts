// One Lambda function of the collector, run on a schedule: its own role (the statements its
// code needs, plus its own logs and its failure queue), its own log group, two retries, failed
// runs parked in the dead-letter queue, and an alarm on errors that e-mails the lab's owner.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type Statement, policyDocument } from "./iam-document";

export interface ScheduledFunctionArgs {
    /** The function's name in AWS. */
    functionName: string;
    description: string;
    /** The bundled code's file, shipped as index.js (handler index.handler). */
    codeFile: string;
    environment: Record<string, pulumi.Input<string>>;
    /** The key that encrypts the environment. */
    kmsKeyArn: pulumi.Input<string>;
    /** What the code calls, on which resources (logs and the failure queue are added here). */
    statements: Statement[];
    /** EventBridge schedule expression. */
    schedule: string;
    /** Where Lambda parks a run that failed its retries. */
    deadLetterQueue: aws.sqs.Queue;
    /** The topic the error alarm notifies. */
    alarmTopicArn: pulumi.Input<string>;
    timeoutSeconds: number;
    provider: aws.Provider;
    /** A role made beforehand (when a key policy must name it first); by default the function gets its own. */
    role?: aws.iam.Role;
}

export class ScheduledFunction extends pulumi.ComponentResource {
    readonly function: aws.lambda.Function;
    readonly role: aws.iam.Role;
    readonly rolePolicy: aws.iam.RolePolicy;
    readonly logGroup: aws.cloudwatch.LogGroup;

    constructor(name: string, args: ScheduledFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("labs:collector:ScheduledFunction", name, {}, opts);
        const o = { parent: this, provider: args.provider };

        this.logGroup = new aws.cloudwatch.LogGroup(name, { name: `/aws/lambda/${args.functionName}`, retentionInDays: 30 }, o);
        this.role = args.role ?? new aws.iam.Role(name, lambdaRoleArgs(args.functionName, args.description), o);
        this.rolePolicy = new aws.iam.RolePolicy(
            name,
            {
                role: this.role.name,
                name: name,
                policy: policyDocument([
                    ...args.statements,
                    { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: pulumi.interpolate`${this.logGroup.arn}:*` },
                    // Lambda's failure destination sends with the function's own role.
                    { Sid: "FailureDestination", Effect: "Allow", Action: "sqs:SendMessage", Resource: args.deadLetterQueue.arn },
                ]),
            },
            o,
        );
        this.function = new aws.lambda.Function(
            name,
            {
                name: args.functionName,
                description: args.description,
                runtime: "nodejs24.x",
                architectures: ["arm64"],
                handler: "index.handler",
                code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.FileAsset(args.codeFile) }),
                role: this.role.arn,
                // Memory buys CPU on Lambda, and the AWS SDK spends about a millisecond of CPU per call.
                memorySize: 1024,
                timeout: args.timeoutSeconds,
                kmsKeyArn: args.kmsKeyArn,
                environment: { variables: args.environment },
                // Text: the functions write their own one-line JSON records; Lambda keeps them as they are.
                loggingConfig: { logFormat: "Text", logGroup: this.logGroup.name },
            },
            // Its log group and permissions first, so the first run can log and read its secret.
            { ...o, dependsOn: [this.logGroup, this.rolePolicy] },
        );
        new aws.lambda.FunctionEventInvokeConfig(
            name,
            { functionName: this.function.name, maximumRetryAttempts: 2, maximumEventAgeInSeconds: 6 * 3600, destinationConfig: { onFailure: { destination: args.deadLetterQueue.arn } } },
            o,
        );
        const rule = new aws.cloudwatch.EventRule(name, { name: `${args.functionName}-schedule`, description: `Runs ${args.functionName}.`, scheduleExpression: args.schedule }, o);
        new aws.lambda.Permission(name, { function: this.function.name, action: "lambda:InvokeFunction", principal: "events.amazonaws.com", sourceArn: rule.arn }, o);
        new aws.cloudwatch.EventTarget(name, { rule: rule.name, arn: this.function.arn }, o);
        new aws.cloudwatch.MetricAlarm(
            `${name}-errors`,
            {
                name: `${args.functionName}-errors`,
                alarmDescription: `${args.functionName} failed (it retries twice; see its logs).`,
                namespace: "AWS/Lambda",
                metricName: "Errors",
                dimensions: { FunctionName: this.function.name },
                statistic: "Sum",
                period: 300,
                evaluationPeriods: 1,
                threshold: 0,
                comparisonOperator: "GreaterThanThreshold",
                treatMissingData: "notBreaching",
                alarmActions: [args.alarmTopicArn],
            },
            o,
        );
        this.registerOutputs({});
    }
}

/** A Lambda function's role: assumed by Lambda only, named after the function. */
export function lambdaRoleArgs(functionName: string, description: string): aws.iam.RoleArgs {
    return {
        name: `${functionName}-role`,
        path: "/labs/",
        description,
        assumeRolePolicy: policyDocument([{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }]),
    };
}

/** An alarm on a dead-letter queue: a run gave up after its retries. */
export function deadLetterAlarm(name: string, queue: aws.sqs.Queue, topicArn: pulumi.Input<string>, opts: pulumi.CustomResourceOptions): aws.cloudwatch.MetricAlarm {
    return new aws.cloudwatch.MetricAlarm(
        name,
        {
            name: pulumi.interpolate`${queue.name}-not-empty`,
            alarmDescription: "A run failed all its retries (its event is in the dead-letter queue).",
            namespace: "AWS/SQS",
            metricName: "ApproximateNumberOfMessagesVisible",
            dimensions: { QueueName: queue.name },
            statistic: "Maximum",
            period: 300,
            evaluationPeriods: 1,
            threshold: 0,
            comparisonOperator: "GreaterThanThreshold",
            treatMissingData: "notBreaching",
            alarmActions: [topicArn],
        },
        opts,
    );
}
