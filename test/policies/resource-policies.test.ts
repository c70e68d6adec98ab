// The principal and condition analysis shared by every resource-based document, and the policies on
// top of it: a compliant baseline per policy, then one changed property per failing case.
import { describe, expect, it } from "vitest";
import { parseDocument } from "../../policies/iam/analyzer";
import { callerLimit, conditionTests, tagScoped } from "../../policies/iam/conditions";
import { openStatements } from "../../policies/iam/principals";
import { type Spec, UNKNOWN, check, findings, usePack } from "./support";

const doc = (...statements: Record<string, unknown>[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const open = (statement: Record<string, unknown>) => openStatements(parseDocument(doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "*", ...statement }))).length === 1;

describe("the condition reader", () => {
    it("splits set prefixes and IfExists from the operator", () => {
        const [s] = parseDocument(doc({ Effect: "Allow", Action: "x:Y", Resource: "*", Condition: { "ForAnyValue:StringLikeIfExists": { "aws:PrincipalOrgPaths": ["o-a1b2c3d4e5/*"] } } }));
        expect(conditionTests(s)).toEqual([{ operator: "StringLike", set: "ForAnyValue", ifExists: true, key: "aws:PrincipalOrgPaths", values: ["o-a1b2c3d4e5/*"] }]);
    });

    it.each([
        ["aws:PrincipalOrgID", { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } }],
        ["aws:SourceAccount", { StringEquals: { "aws:SourceAccount": "123456789012" } }],
        ["aws:SourceArn with a fixed account", { ArnLike: { "aws:SourceArn": "arn:aws:sns:*:123456789012:*" } }],
        ["aws:PrincipalArn", { ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::123456789012:role/ci" } }],
        ["kms:CallerAccount", { StringEquals: { "kms:CallerAccount": "123456789012", "kms:ViaService": "s3.us-east-1.amazonaws.com" } }],
        ["aws:SourceVpce", { StringEquals: { "aws:SourceVpce": "vpce-0a1b2c3d4e5f67890" } }],
        ["aws:SourceIp with an office range", { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } }],
        ["ForAnyValue on the org path", { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/*" } }],
    ])("counts %s as limiting the caller", (_case, condition) => {
        const [s] = parseDocument(doc({ Effect: "Allow", Principal: "*", Action: "x:Y", Resource: "*", Condition: condition }));
        expect(callerLimit(s)).toBeDefined();
        expect(open({ Principal: "*", Condition: condition })).toBe(false);
    });

    it.each([
        ["no condition", {}],
        ["IfExists (true without the key)", { StringEqualsIfExists: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } }],
        ["ForAllValues (true without the key)", { "ForAllValues:StringEquals": { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } }],
        ["a negated operator", { StringNotEquals: { "aws:SourceAccount": "123456789012" } }],
        ["an unrelated key", { Bool: { "aws:SecureTransport": "true" } }],
        ["kms:ViaService alone", { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } }],
        ["a wildcard account", { StringLike: { "aws:SourceAccount": "*" } }],
        ["a wildcard ARN", { ArnLike: { "aws:SourceArn": "arn:aws:s3:::*" } }],
        ["a policy variable", { StringEquals: { "aws:PrincipalAccount": "${aws:PrincipalAccount}" } }],
        ["the whole Internet", { IpAddress: { "aws:SourceIp": ["0.0.0.0/0"] } }],
        ["Null", { Null: { "aws:PrincipalOrgID": "false" } }],
        ["aws:ResourceAccount (the owner's account, which the resource always matches)", { StringEquals: { "aws:ResourceAccount": "123456789012" } }],
    ])("does not count %s", (_case, condition) => {
        expect(open({ Principal: { AWS: "*" }, Condition: condition })).toBe(true);
    });

    it("treats NotPrincipal in an Allow and CanonicalUser * as everyone", () => {
        expect(open({ NotPrincipal: { AWS: "arn:aws:iam::123456789012:root" } })).toBe(true);
        expect(open({ Principal: { CanonicalUser: "*" } })).toBe(true);
    });

    it("reads tag-based access control: fixed tags or the caller's own tag, positive operators only", () => {
        const tagged = (condition: Record<string, unknown>) => tagScoped(parseDocument(doc({ Effect: "Allow", Action: "ec2:StopInstances", Resource: "*", Condition: condition }))[0]);
        expect(tagged({ StringEquals: { "aws:ResourceTag/team": "${aws:PrincipalTag/team}" } })).toBeDefined();
        expect(tagged({ StringEquals: { "ec2:ResourceTag/env": "lab" } })).toBeDefined();
        expect(tagged({ StringEqualsIfExists: { "aws:ResourceTag/team": "lab" } })).toBeUndefined();
        expect(tagged({ StringLike: { "aws:ResourceTag/team": "*" } })).toBeUndefined();
        expect(tagged({ StringEquals: { "aws:RequestTag/team": "lab" } })).toBeUndefined();
    });
});

const pack = usePack();
const allowAll = (extra: Record<string, unknown>) => doc({ Effect: "Allow", Resource: "*", ...extra });

describe("resource policies", () => {
    it.each([
        ["kms-key-policy-not-public", "aws:kms/key:Key", { enableKeyRotation: true }],
        ["kms-key-policy-not-public", "aws:kms/keyPolicy:KeyPolicy", { keyId: "k" }],
        ["sqs-queue-policy-not-public", "aws:sqs/queue:Queue", {}],
        ["sqs-queue-policy-not-public", "aws:sqs/queuePolicy:QueuePolicy", { queueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/q" }],
        ["sns-topic-policy-not-public", "aws:sns/topicPolicy:TopicPolicy", { arn: "arn:aws:sns:us-east-1:123456789012:t" }],
        ["resource-policy-not-public", "aws:secretsmanager/secretPolicy:SecretPolicy", { secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:s" }],
        ["resource-policy-not-public", "aws:ecr/repositoryPolicy:RepositoryPolicy", { repository: "r" }],
        ["resource-policy-not-public", "aws:efs/fileSystemPolicy:FileSystemPolicy", { fileSystemId: "fs-1" }],
        ["resource-policy-not-public", "aws:opensearch/domain:Domain", {}, "accessPolicies"],
        ["resource-policy-not-public", "aws:glacier/vault:Vault", {}, "accessPolicy"],
    ])("%s on %s: pass the account's own principal and an org-limited *, refuse an unlimited *", async (policy, type, props, property = "policy") => {
        const spec = (statement: Record<string, unknown>): Spec => ({ type, props: { ...props, [property]: allowAll({ Action: "x:Y", ...statement }) } });
        const baseline = await check(pack.host(), [spec({ Principal: { AWS: "arn:aws:iam::123456789012:root" } }), spec({ Principal: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } })]);
        expect(findings(baseline, policy)).toEqual([]);
        expect(findings(await check(pack.host(), [spec({ Principal: { AWS: "*" } })]), policy)).toEqual([`${policy}[Statement::statement #1]`]);
    });

    const permission = (over: Record<string, unknown>): Spec => ({ type: "aws:lambda/permission:Permission", props: { action: "lambda:InvokeFunction", function: "fn", ...over } });

    it("leave a statement whose condition is not known until the update alone", async () => {
        const policy: Spec = { type: "aws:sqs/queuePolicy:QueuePolicy", props: { queueUrl: "q", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "sqs:SendMessage", Resource: "*", Condition: UNKNOWN }] } } };
        expect(findings(await check(pack.host(), [policy]), "sqs-queue-policy-not-public")).toEqual([]);
    });

    it("lambda-permission-restricted: pass a named source, account or organisation; refuse * and services without a source", async () => {
        const baseline = await check(pack.host(), [
            permission({ principal: "events.amazonaws.com", sourceArn: "arn:aws:events:us-east-1:123456789012:rule/r" }),
            permission({ principal: "s3.amazonaws.com", sourceAccount: "123456789012" }),
            permission({ principal: "*", principalOrgId: "o-a1b2c3d4e5" }),
            permission({ principal: "123456789012" }),
            permission({ principal: "sns.amazonaws.com", sourceArn: UNKNOWN }),
        ]);
        expect(findings(baseline, "lambda-permission-restricted")).toEqual([]);
        expect(findings(await check(pack.host(), [permission({ principal: "*" })]), "lambda-permission-restricted")).toEqual(["lambda-permission-restricted[Principal::*]"]);
        expect(findings(await check(pack.host(), [permission({ principal: "s3.amazonaws.com" })]), "lambda-permission-restricted")).toEqual(["lambda-permission-restricted[Principal::s3.amazonaws.com]"]);
        expect(findings(await check(pack.host(), [permission({ principal: "*", sourceAccount: "*" })]), "lambda-permission-restricted")).toEqual(["lambda-permission-restricted[Principal::*]"]);
        expect(findings(await check(pack.host(), [permission({ principal: "123456789012", action: "lambda:*" })]), "lambda-permission-restricted")).toEqual(["lambda-permission-restricted[Action::lambda:*]"]);
    });

    it("lambda-function-url-auth: AWS_IAM passes, NONE fails", async () => {
        const url = (authorizationType: string): Spec => ({ type: "aws:lambda/functionUrl:FunctionUrl", props: { functionName: "fn", authorizationType } });
        expect(findings(await check(pack.host(), [url("AWS_IAM")]), "lambda-function-url-auth")).toEqual([]);
        expect(findings(await check(pack.host(), [url("NONE")]), "lambda-function-url-auth")).toEqual(["lambda-function-url-auth[Property::authorizationType]"]);
    });

    it("s3-no-public-acl: private passes; public canned ACLs and grants to everyone fail, on BucketAcl, BucketAclV2 and Bucket", async () => {
        const acl = (type: string, props: Record<string, unknown>): Spec => ({ type, props: { bucket: "b", ...props } });
        const grant = (uri: string) => ({ accessControlPolicy: { owner: { id: "o" }, grants: [{ grantee: { type: "Group", uri }, permission: "READ" }, { grantee: { type: "CanonicalUser", id: "o" }, permission: "FULL_CONTROL" }] } });
        expect(findings(await check(pack.host(), [acl("aws:s3/bucketAcl:BucketAcl", { acl: "private" }), acl("aws:s3/bucketAcl:BucketAcl", grant("http://acs.amazonaws.com/groups/s3/LogDelivery"))]), "s3-no-public-acl")).toEqual([]);
        expect(findings(await check(pack.host(), [acl("aws:s3/bucketAclV2:BucketAclV2", { acl: "public-read" })]), "s3-no-public-acl")).toEqual(["s3-no-public-acl[Acl::public-read]"]);
        expect(findings(await check(pack.host(), [acl("aws:s3/bucketAcl:BucketAcl", { acl: "authenticated-read" })]), "s3-no-public-acl")).toEqual(["s3-no-public-acl[Acl::authenticated-read]"]);
        expect(findings(await check(pack.host(), [acl("aws:s3/bucketAcl:BucketAcl", grant("http://acs.amazonaws.com/groups/global/AllUsers"))]), "s3-no-public-acl")).toEqual(["s3-no-public-acl[Grant::AllUsers]"]);
        const legacy: Spec = { type: "aws:s3/bucket:Bucket", props: { grants: [{ type: "Group", uri: "http://acs.amazonaws.com/groups/global/AuthenticatedUsers", permissions: ["WRITE"] }] } };
        expect(findings(await check(pack.host(), [legacy]), "s3-no-public-acl")).toEqual(["s3-no-public-acl[Grant::AuthenticatedUsers]"]);
    });

    it("s3-public-access-block: settings off are reported on the block, naming its bucket", async () => {
        const bucket: Spec = { type: "aws:s3/bucket:Bucket", name: "logs", props: { bucket: "lab-logs", serverSideEncryptionConfiguration: { rule: {} } } };
        const block: Spec = { type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", name: "logs-block", props: { bucket: "lab-logs", blockPublicAcls: false, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true } };
        const v = (await check(pack.host(), [bucket, block])).violations.filter((x) => x.policy === "s3-public-access-block");
        expect(v.map((x) => [x.resourceName, x.message])).toEqual([["logs-block", "s3-public-access-block[Setting::blockPublicAcls]: blockPublicAcls is not true, so bucket lab-logs (logs) may be made public"]]);
    });
});

describe("controls switched off", () => {
    it.each([
        ["cloudtrail-logging-enabled", "aws:cloudtrail/trail:Trail", { s3BucketName: "b", enableLogFileValidation: true, isMultiRegionTrail: true, kmsKeyId: "k" }, { enableLogging: false }, "Property::enableLogging"],
        ["s3-account-public-access-block", "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, { restrictPublicBuckets: false }, "Setting::restrictPublicBuckets"],
        ["sqs-encryption", "aws:sqs/queue:Queue", {}, { sqsManagedSseEnabled: false }, "Property::sqsManagedSseEnabled"],
        ["ebs-encryption-by-default", "aws:ebs/encryptionByDefault:EncryptionByDefault", { enabled: true }, { enabled: false }, "Property::enabled"],
        ["guardduty-enabled", "aws:guardduty/detector:Detector", {}, { enable: false }, "Property::enable"],
    ])("%s: the default or the control on passes, switched off fails", async (policy, type, baseline, off, finding) => {
        expect(findings(await check(pack.host(), [{ type, props: baseline }]), policy)).toEqual([]);
        expect(findings(await check(pack.host(), [{ type, props: { ...baseline, ...off } }]), policy)).toEqual([`${policy}[${finding}]`]);
        // Unknown until the update: not applicable.
        const unknown = Object.fromEntries(Object.keys(off).map((k) => [k, UNKNOWN]));
        expect(findings(await check(pack.host(), [{ type, props: { ...baseline, ...unknown } }]), policy)).toEqual([]);
    });

    it("sqs-encryption: a customer key instead of SSE-SQS passes", async () => {
        expect(findings(await check(pack.host(), [{ type: "aws:sqs/queue:Queue", props: { sqsManagedSseEnabled: false, kmsMasterKeyId: "alias/lab" } }]), "sqs-encryption")).toEqual([]);
    });
});
