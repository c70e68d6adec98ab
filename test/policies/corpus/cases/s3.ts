// Buckets: policies read with their conditions, ACLs, public access blocks (reported on the block).
import * as aws from "@pulumi/aws";
import { type CorpusCase, doc, privateBucket } from "../case";

const bucketPolicy = (id: string, kind: string, peer: string, policyName: string | "clean", statement: Record<string, unknown>): CorpusCase => ({
    id,
    kind,
    peer,
    expect: policyName === "clean" ? "clean" : { policy: policyName, on: "policy" },
    build: (n) => {
        const bucket = privateBucket(n);
        new aws.s3.BucketPolicy(n("policy"), { bucket: bucket.id, policy: doc({ Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${id}/*`, ...statement }) });
    },
});
const PUBLIC = "s3-no-public-bucket-policy";

const acl = (id: string, kind: string, peer: string, policyName: string | "clean", args: Partial<aws.s3.BucketAclArgs>, v2 = false): CorpusCase => ({
    id,
    kind,
    peer,
    expect: policyName === "clean" ? "clean" : { policy: policyName, on: "acl" },
    build: (n) => {
        const bucket = privateBucket(n);
        if (v2) new aws.s3.BucketAclV2(n("acl"), { bucket: bucket.id, ...args });
        else new aws.s3.BucketAcl(n("acl"), { bucket: bucket.id, ...args });
    },
});
const OWNER = { id: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be" };

const block = (id: string, kind: string, flags: Partial<aws.s3.BucketPublicAccessBlockArgs>): CorpusCase => ({
    id,
    kind,
    peer: "Checkov CKV_AWS_53-56",
    expect: { policy: "s3-public-access-block", on: "block" },
    build: (n) => {
        const bucket = new aws.s3.Bucket(n("bucket"), {});
        new aws.s3.BucketServerSideEncryptionConfiguration(n("sse"), { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] });
        new aws.s3.BucketPublicAccessBlock(n("block"), { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true, ...flags });
    },
});

export const S3_CASES: CorpusCase[] = [
    bucketPolicy("bp-public-read", "Principal * reads objects", "Checkov CKV_AWS_70", PUBLIC, { Principal: "*" }),
    bucketPolicy("bp-vpce", "Principal * through one VPC endpoint", "KICS s3_bucket_access_to_any_principal false positive", "clean", { Principal: "*", Condition: { StringEquals: { "aws:SourceVpce": "vpce-0a1b2c3d4e5f67890" } } }),
    bucketPolicy("bp-org", "Principal * of one organisation", "Checkov CKV_AWS_70 false positive", "clean", { Principal: { AWS: "*" }, Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } }),
    bucketPolicy("bp-not-org", "Principal * with StringNotEquals on the org id", "IAM condition semantics", PUBLIC, { Principal: { AWS: "*" }, Condition: { StringNotEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } }),
    bucketPolicy("bp-source-arn-wild", "Principal * with a wildcard aws:SourceArn", "IAM condition semantics", PUBLIC, { Principal: "*", Condition: { ArnLike: { "aws:SourceArn": "arn:aws:cloudtrail:*:*:trail/*" } } }),
    bucketPolicy("bp-source-ip", "Principal * from one office network", "S3 'meaning of public'", "clean", { Principal: "*", Condition: { IpAddress: { "aws:SourceIp": ["203.0.113.0/24"] } } }),
    bucketPolicy("bp-source-ip-any", "Principal * from 0.0.0.0/0", "S3 'meaning of public'", PUBLIC, { Principal: "*", Condition: { IpAddress: { "aws:SourceIp": "0.0.0.0/0" } } }),
    bucketPolicy("bp-service", "CloudTrail writes, pinned by aws:SourceArn", "Checkov CKV_AWS_70 baseline", "clean", { Principal: { Service: "cloudtrail.amazonaws.com" }, Condition: { StringEquals: { "aws:SourceArn": "arn:aws:cloudtrail:us-east-1:123456789012:trail/corpus" } } }),
    bucketPolicy("bp-tls-deny", "a Deny for everyone without TLS", "Checkov CKV_AWS_70 baseline", "clean", { Effect: "Deny", Principal: "*", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
    acl("acl-public-read", "canned ACL public-read on BucketAclV2", "Checkov CKV_AWS_20", "s3-no-public-acl", { acl: "public-read" }, true),
    acl("acl-public-write", "canned ACL public-read-write", "Checkov CKV_AWS_57", "s3-no-public-acl", { acl: "public-read-write" }),
    acl("acl-auth-read", "canned ACL authenticated-read (every AWS account)", "KICS s3_bucket_acl_allows_read_or_write_to_all_users", "s3-no-public-acl", { acl: "authenticated-read" }),
    acl("acl-grant-all-users", "a READ grant to AllUsers", "KICS s3_bucket_acl_allows_read_or_write_to_all_users", "s3-no-public-acl", {
        accessControlPolicy: { owner: OWNER, grants: [{ grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers" }, permission: "READ" }] },
    }),
    acl("acl-private", "canned ACL private", "Checkov CKV_AWS_20 baseline", "clean", { acl: "private" }),
    block("pab-all-off", "a public access block with all four settings false", { blockPublicAcls: false, blockPublicPolicy: false, ignorePublicAcls: false, restrictPublicBuckets: false }),
    block("pab-policy-off", "a public access block with blockPublicPolicy false", { blockPublicPolicy: false }),
    {
        id: "pab-missing",
        kind: "a bucket without a public access block",
        peer: "Checkov CKV2_AWS_6",
        expect: { policy: "s3-public-access-block", on: "bucket" },
        build: (n) => {
            const bucket = new aws.s3.Bucket(n("bucket"), {});
            new aws.s3.BucketServerSideEncryptionConfiguration(n("sse"), { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] });
        },
    },
    {
        id: "pab-account-off",
        kind: "an account public access block with ignorePublicAcls false",
        peer: "Checkov CKV_AWS_55",
        expect: { policy: "s3-account-public-access-block", on: "account" },
        build: (n) => {
            new aws.s3.AccountPublicAccessBlock(n("account"), { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: false, restrictPublicBuckets: true });
        },
    },
    { id: "bucket-clean", kind: "a private, encrypted bucket", peer: "Checkov baseline", expect: "clean", build: (n) => void privateBucket(n) },
];
