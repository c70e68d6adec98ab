// One corpus case: a small program and the verdict the pack must give it. Written from the kinds of
// misconfigurations public scanners' fixtures cover (Checkov, KICS, cloudsplaining, awsguard); none
// of their programs is copied.
import * as aws from "@pulumi/aws";

export type Verdict =
    /** No mandatory finding on any resource of the case (advisory ones are allowed). */
    | "clean"
    /** A mandatory finding of `policy` on the resource named `on` (the one whose inputs hold the defect). */
    | { policy: string; on: string };

export interface CorpusCase {
    /** Unique, short, lower case: the prefix of every resource name of the case. */
    id: string;
    /** What the case is, in a few words. */
    kind: string;
    /** The public check whose fixtures cover this kind, e.g. "Checkov CKV_AWS_33". */
    peer: string;
    expect: Verdict;
    /** Registers the case's resources; `n("bucket")` gives the resource name `<id>--bucket`. */
    build: (n: (suffix: string) => string) => void;
}

export const ACCOUNT = "123456789012";
export const OTHER_ACCOUNT = "999988887777";

/** A policy document as the providers take it, JSON text. */
export function doc(...statements: Record<string, unknown>[]): string {
    return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** A bucket the data policies accept on its own: public access block and default encryption. */
export function privateBucket(n: (suffix: string) => string, suffix = "bucket"): aws.s3.Bucket {
    const bucket = new aws.s3.Bucket(n(suffix), {});
    new aws.s3.BucketPublicAccessBlock(n(`${suffix}-pab`), { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    new aws.s3.BucketServerSideEncryptionConfiguration(n(`${suffix}-sse`), { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] });
    return bucket;
}

/** A Lambda function with only what it needs besides its environment. */
export function lambdaFunction(n: (suffix: string) => string, variables: Record<string, string>, kmsKeyArn?: string): aws.lambda.Function {
    return new aws.lambda.Function(n("fn"), {
        runtime: "nodejs24.x",
        handler: "index.handler",
        role: `arn:aws:iam::${ACCOUNT}:role/corpus-fn`,
        s3Bucket: "corpus-code",
        s3Key: "fn.zip",
        kmsKeyArn,
        environment: { variables },
    });
}

export const LAMBDA_TRUST = doc({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" });
