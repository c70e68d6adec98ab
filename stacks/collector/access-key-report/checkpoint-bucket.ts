// The bucket of the function's per-day delivery checkpoints (./function/checkpoint.ts): private,
// encrypted with the lab's key, TLS only, and self-cleaning. A checkpoint matters only while
// its day can still be retried (Lambda retries for up to 6 hours; a rerun by hand the same
// week), so objects expire after a week and the bucket never grows.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { denyInsecureTransport, policyDocument } from "../shared/iam-document";

/** Days a checkpoint is kept. */
export const CHECKPOINT_RETENTION_DAYS = 7;

export function checkpointBucket(stack: string, keyArn: pulumi.Input<string>, opts: pulumi.CustomResourceOptions): aws.s3.Bucket {
    const bucket = new aws.s3.Bucket("checkpoints", { bucketPrefix: `labs-checkpoints-${stack}-`, forceDestroy: true }, opts);
    const name = bucket.bucket;
    const access = new aws.s3.BucketPublicAccessBlock("checkpoints", { bucket: name, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, opts);
    new aws.s3.BucketOwnershipControls("checkpoints", { bucket: name, rule: { objectOwnership: "BucketOwnerEnforced" } }, opts);
    new aws.s3.BucketServerSideEncryptionConfiguration(
        "checkpoints",
        { bucket: name, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn }, bucketKeyEnabled: true }] },
        opts,
    );
    new aws.s3.BucketLifecycleConfiguration(
        "checkpoints",
        { bucket: name, rules: [{ id: "expire-checkpoints", status: "Enabled", filter: {}, expiration: { days: CHECKPOINT_RETENTION_DAYS } }] },
        opts,
    );
    // A bucket policy cannot land while the public access block is being written.
    new aws.s3.BucketPolicy("checkpoints", { bucket: name, policy: policyDocument([denyInsecureTransport(bucket.arn)]) }, { ...opts, dependsOn: [access] });
    return bucket;
}
