// The modern path to the same AWS audit data (optional, collectorSentinelEnabled): Microsoft
// Sentinel's "Amazon Web Services S3" connector. Sentinel signs in to Entra ID, exchanges that
// token for a role in this account through an OIDC provider, reads new-object notifications
// of the trail's bucket from SQS and fetches the log files. Values from learn: sentinel/connect-aws
// and the connector's required policies (Azure-Sentinel DataConnectors/AWS-S3/AwsRequiredPolicies.md).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "../shared/iam-document";

/** Microsoft Entra ID's issuer for Sentinel in the commercial cloud, its audience and the issuer's certificate thumbprint. */
export const SENTINEL_OIDC = {
    url: "https://sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/",
    audience: "api://1462b192-27f7-4cb9-8523-0f4ecb54b47e",
    thumbprint: "626d44e704d1ceabe3bf0d53397464ac8080142c",
};

export interface SentinelConnectorArgs {
    stack: string;
    accountId: pulumi.Input<string>;
    provider: aws.Provider;
    /** The Log Analytics workspace id (customer id) Sentinel runs in: the role's session name names it. */
    workspaceId: pulumi.Input<string>;
    trailBucket: aws.s3.Bucket;
    trailKeyArn: pulumi.Input<string>;
}

export class SentinelConnector extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    readonly queue: aws.sqs.Queue;

    constructor(name: string, args: SentinelConnectorArgs, opts?: pulumi.ComponentResourceOptions) {
        super("labs:collector:SentinelConnector", name, {}, opts);
        const o = { parent: this, provider: args.provider };
        const issuer = SENTINEL_OIDC.url.replace(/^https:\/\//, "");

        const oidc = new aws.iam.OpenIdConnectProvider("sentinel", { url: SENTINEL_OIDC.url, clientIdLists: [SENTINEL_OIDC.audience], thumbprintLists: [SENTINEL_OIDC.thumbprint] }, o);
        this.queue = new aws.sqs.Queue("sentinel-cloudtrail", { name: `labs-sentinel-cloudtrail-${args.stack}`, sqsManagedSseEnabled: true, messageRetentionSeconds: 4 * 24 * 3600 }, o);
        const queuePolicy = new aws.sqs.QueuePolicy(
            "sentinel-cloudtrail",
            {
                queueUrl: this.queue.url,
                policy: policyDocument([
                    {
                        Sid: "TrailBucketNotifies",
                        Effect: "Allow",
                        Principal: { Service: "s3.amazonaws.com" },
                        Action: "sqs:SendMessage",
                        Resource: this.queue.arn,
                        Condition: { ArnEquals: { "aws:SourceArn": args.trailBucket.arn }, StringEquals: { "aws:SourceAccount": args.accountId } },
                    },
                ]),
            },
            o,
        );
        new aws.s3.BucketNotification(
            "sentinel-cloudtrail",
            { bucket: args.trailBucket.bucket, queues: [{ queueArn: this.queue.arn, events: ["s3:ObjectCreated:*"], filterPrefix: pulumi.interpolate`AWSLogs/${args.accountId}/CloudTrail/` }] },
            // S3 tests the queue's permission when the notification is set.
            { ...o, dependsOn: [queuePolicy] },
        );

        // Sentinel insists on both prefixes: the role's OIDC_ and the session's MicrosoftSentinel_.
        this.role = new aws.iam.Role(
            "sentinel",
            {
                name: `OIDC_MicrosoftSentinelRole-${args.stack}`,
                description: "Microsoft Sentinel's AWS S3 connector reads the collector lab's CloudTrail logs.",
                assumeRolePolicy: policyDocument([
                    {
                        Effect: "Allow",
                        Principal: { Federated: oidc.arn },
                        Action: "sts:AssumeRoleWithWebIdentity",
                        Condition: { StringEquals: { [`${issuer}:aud`]: SENTINEL_OIDC.audience, "sts:RoleSessionName": pulumi.interpolate`MicrosoftSentinel_${args.workspaceId}` } },
                    },
                ]),
            },
            o,
        );
        new aws.iam.RolePolicy(
            "sentinel",
            {
                role: this.role.name,
                name: "read-trail-notifications-and-logs",
                policy: policyDocument([
                    { Sid: "ReadTrailLogs", Effect: "Allow", Action: "s3:GetObject", Resource: pulumi.interpolate`${args.trailBucket.arn}/AWSLogs/${args.accountId}/*` },
                    { Sid: "ConsumeNotifications", Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl"], Resource: this.queue.arn },
                    { Sid: "DecryptTrailLogs", Effect: "Allow", Action: "kms:Decrypt", Resource: args.trailKeyArn },
                ]),
            },
            o,
        );
        this.registerOutputs({});
    }
}
