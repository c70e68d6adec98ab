// What Defender for Cloud Apps (the post's Cloud App Security) needs in AWS: a read-only IAM
// principal with the connector's documented policy and an access key, and a CloudTrail trail
// (the post's step 11) into a private, encrypted, versioned bucket that only accepts TLS.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type Statement, accountAdministersKey, denyInsecureTransport, policyDocument } from "../shared/iam-document";

/**
 * The connector's policy as Microsoft documents it (learn: defender-cloud-apps/protect-aws):
 * trails and their events, CloudWatch and IAM read, the bucket list.
 */
export const AUDIT_READ_ACTIONS = [
    "cloudtrail:DescribeTrails",
    "cloudtrail:LookupEvents",
    "cloudtrail:GetTrailStatus",
    "cloudwatch:Describe*",
    "cloudwatch:Get*",
    "cloudwatch:List*",
    "iam:List*",
    "iam:Get*",
    "s3:ListAllMyBuckets",
    "s3:GetBucketAcl",
    "s3:GetBucketLocation",
];
/** Governance (making a bucket private from Defender): a write on any bucket, so opt-in and exempted by name. */
export const AUDIT_GOVERNANCE_ACTIONS = ["s3:PutBucketAcl"];
/** The logical name exemptions.yaml names for the governance permission. */
export const AUDIT_POLICY_NAME = "mdca-audit";

export interface AuditPrincipalArgs {
    stack: string;
    accountId: pulumi.Input<string>;
    region: string;
    governance: boolean;
    trailRetentionDays: number;
    provider: aws.Provider;
}

export class AuditPrincipal extends pulumi.ComponentResource {
    readonly user: aws.iam.User;
    readonly policy: aws.iam.Policy;
    readonly accessKeyId: pulumi.Output<string>;
    readonly secretAccessKey: pulumi.Output<string>;
    readonly trail: aws.cloudtrail.Trail;
    readonly trailBucket: aws.s3.Bucket;
    readonly trailKey: aws.kms.Key;

    constructor(name: string, args: AuditPrincipalArgs, opts?: pulumi.ComponentResourceOptions) {
        super("labs:collector:AuditPrincipal", name, {}, opts);
        const o = { parent: this, provider: args.provider };

        this.user = new aws.iam.User("mdca-audit", { name: `labs-mdca-audit-${args.stack}`, path: "/labs/" }, o);
        const statements: Statement[] = [{ Sid: "DefenderForCloudAppsRead", Effect: "Allow", Action: AUDIT_READ_ACTIONS, Resource: "*" }];
        if (args.governance) statements.push({ Sid: "DefenderForCloudAppsGovernance", Effect: "Allow", Action: AUDIT_GOVERNANCE_ACTIONS, Resource: "*" });
        this.policy = new aws.iam.Policy(
            AUDIT_POLICY_NAME,
            { name: `labs-mdca-audit-${args.stack}`, path: "/labs/", description: "Defender for Cloud Apps AWS connector (read-only unless governance is on).", policy: policyDocument(statements) },
            o,
        );
        new aws.iam.UserPolicyAttachment("mdca-audit", { user: this.user.name, policyArn: this.policy.arn }, o);
        const key = new aws.iam.AccessKey("mdca-audit", { user: this.user.name }, { ...o, additionalSecretOutputs: ["secret"] });
        this.accessKeyId = key.id;
        this.secretAccessKey = pulumi.secret(key.secret);

        const trailName = `labs-trail-${args.stack}`;
        const trailArn = pulumi.interpolate`arn:aws:cloudtrail:${args.region}:${args.accountId}:trail/${trailName}`;
        this.trailKey = new aws.kms.Key(
            "trail",
            {
                description: `CloudTrail logs of the collector lab (${args.stack})`,
                enableKeyRotation: true,
                deletionWindowInDays: 7,
                policy: policyDocument([
                    accountAdministersKey(args.accountId),
                    {
                        Sid: "CloudTrailEncryptsThisTrailsLogs",
                        Effect: "Allow",
                        Principal: { Service: "cloudtrail.amazonaws.com" },
                        Action: "kms:GenerateDataKey*",
                        Resource: "*",
                        Condition: {
                            StringEquals: { "aws:SourceArn": trailArn },
                            StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": pulumi.interpolate`arn:aws:cloudtrail:*:${args.accountId}:trail/*` },
                        },
                    },
                    { Sid: "CloudTrailDescribesKey", Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "kms:DescribeKey", Resource: "*", Condition: { StringEquals: { "aws:SourceArn": trailArn } } },
                    // The bucket uses an S3 Bucket Key with this key: CloudTrail then needs Decrypt to create or update the trail.
                    { Sid: "CloudTrailDecryptsForBucketKey", Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "kms:Decrypt", Resource: "*", Condition: { StringEquals: { "aws:SourceArn": trailArn } } },
                ]),
            },
            o,
        );
        new aws.kms.Alias("trail", { name: `alias/labs-trail-${args.stack}`, targetKeyId: this.trailKey.keyId }, o);

        this.trailBucket = new aws.s3.Bucket("trail", { bucketPrefix: `labs-trail-${args.stack}-`, forceDestroy: true }, o);
        const bucket = this.trailBucket.bucket;
        const access = new aws.s3.BucketPublicAccessBlock("trail", { bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, o);
        new aws.s3.BucketOwnershipControls("trail", { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, o);
        const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
            "trail",
            { bucket, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.trailKey.arn }, bucketKeyEnabled: true }] },
            o,
        );
        new aws.s3.BucketVersioning("trail", { bucket, versioningConfiguration: { status: "Enabled" } }, o);
        new aws.s3.BucketLifecycleConfiguration(
            "trail",
            {
                bucket,
                rules: [
                    {
                        id: "expire-trail-logs",
                        status: "Enabled",
                        filter: {},
                        expiration: { days: args.trailRetentionDays },
                        noncurrentVersionExpiration: { noncurrentDays: 30 },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                    },
                ],
            },
            o,
        );
        const bucketPolicy = new aws.s3.BucketPolicy(
            "trail",
            {
                bucket,
                policy: policyDocument([
                    {
                        Sid: "CloudTrailChecksAcl",
                        Effect: "Allow",
                        Principal: { Service: "cloudtrail.amazonaws.com" },
                        Action: "s3:GetBucketAcl",
                        Resource: this.trailBucket.arn,
                        Condition: { StringEquals: { "aws:SourceArn": trailArn } },
                    },
                    {
                        Sid: "CloudTrailWritesThisTrail",
                        Effect: "Allow",
                        Principal: { Service: "cloudtrail.amazonaws.com" },
                        Action: "s3:PutObject",
                        Resource: pulumi.interpolate`${this.trailBucket.arn}/AWSLogs/${args.accountId}/*`,
                        Condition: { StringEquals: { "aws:SourceArn": trailArn, "s3:x-amz-acl": "bucket-owner-full-control" } },
                    },
                    denyInsecureTransport(this.trailBucket.arn),
                ]),
            },
            // A bucket policy cannot land while the public access block is being written.
            { ...o, dependsOn: [access] },
        );
        this.trail = new aws.cloudtrail.Trail(
            "trail",
            {
                name: trailName,
                s3BucketName: bucket,
                isMultiRegionTrail: true,
                includeGlobalServiceEvents: true,
                enableLogFileValidation: true,
                kmsKeyId: this.trailKey.arn,
            },
            // CloudTrail checks that it may write, and how the bucket encrypts, before it creates the trail.
            { ...o, dependsOn: [bucketPolicy, encryption] },
        );
        this.registerOutputs({});
    }
}
