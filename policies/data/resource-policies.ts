// Resources opened to everyone by their own policies and grants: key, queue, topic, secret and
// repository policies, Lambda permissions and function URLs, and S3 ACLs. Every document goes
// through the one principal analysis (iam/principals.ts), so a wildcard principal that a
// condition pins to known accounts or organisations (aws:PrincipalOrgID, aws:SourceAccount,
// kms:CallerAccount...) passes here exactly as it passes for a bucket policy or a trust policy.
import { type Finding, type PolicyMeta, type PolicyRefs, resourcePolicy } from "../lib/policy";
import { type Props, asObject, asString, knownItems, whenKnown } from "../lib/values";
import { parseDocument } from "../iam/analyzer";
import { openStatements } from "../iam/principals";

/** The findings of a resource-based policy document that lets anyone in, one per open statement. */
export function openDocumentFindings(document: unknown, what: string): Finding[] {
    if (document === undefined || document === null || document === "") return [];
    return openStatements(parseDocument(document)).map(({ statement: s, principal }) => ({
        finding: `Statement::${s.label}`,
        message: `${s.label} allows ${s.actions.join(", ") || "its actions"} on ${what} to anyone (${principal}, and no condition limits the caller to known accounts or organisations)`,
    }));
}

/** The property holding a resource's policy document, where it is not `policy`. */
const DOCUMENT_PROPERTY: Record<string, string> = {
    "aws:opensearch/domain:Domain": "accessPolicies",
    "aws:opensearch/domainPolicy:DomainPolicy": "accessPolicies",
    "aws:elasticsearch/domain:Domain": "accessPolicies",
    "aws:elasticsearch/domainPolicy:DomainPolicy": "accessPolicies",
    "aws:glacier/vault:Vault": "accessPolicy",
};

function documentPolicy(meta: Omit<PolicyMeta, "family" | "enforcementLevel" | "severity"> & { refs: PolicyRefs }, types: string[], what: string) {
    return resourcePolicy({ family: "data", enforcementLevel: "mandatory", severity: "critical", ...meta }, types, (props, args) => {
        const document = whenKnown(() => props[DOCUMENT_PROPERTY[args.type] ?? "policy"]);
        return document === undefined ? [] : openDocumentFindings(document, what);
    });
}

const FIX = 'Name the accounts, roles or services in the Allow, or add a condition that pins the caller: aws:PrincipalOrgID, aws:SourceAccount or aws:SourceArn (for services), kms:CallerAccount for keys.';

export const kmsKeyPolicyNotPublic = documentPolicy(
    {
        name: "kms-key-policy-not-public",
        description: "No KMS key policy lets any principal use or manage the key.",
        remediationSteps: FIX,
        refs: { checkov: ["CKV_AWS_33"], kics: ["kms_key_with_vulnerable_policy"], cloudsplaining: ["ResourceExposure"] },
    },
    ["aws:kms/key:Key", "aws:kms/keyPolicy:KeyPolicy"],
    "the key",
);

export const sqsQueuePolicyNotPublic = documentPolicy(
    {
        name: "sqs-queue-policy-not-public",
        description: "No SQS queue policy lets any principal send, read or manage messages.",
        remediationSteps: FIX,
        refs: { checkov: ["CKV_AWS_168"], kics: ["sqs_policy_with_public_access"] },
    },
    ["aws:sqs/queue:Queue", "aws:sqs/queuePolicy:QueuePolicy"],
    "the queue",
);

export const snsTopicPolicyNotPublic = documentPolicy(
    {
        name: "sns-topic-policy-not-public",
        description: "No SNS topic policy lets any principal publish, subscribe or manage the topic.",
        remediationSteps: FIX,
        refs: { checkov: ["CKV_AWS_169"], kics: ["sns_topic_is_publicly_accessible"] },
    },
    ["aws:sns/topic:Topic", "aws:sns/topicPolicy:TopicPolicy"],
    "the topic",
);

export const resourcePolicyNotPublic = documentPolicy(
    {
        name: "resource-policy-not-public",
        description: "No secret, repository, file system, vault, search domain or access point policy lets any principal in (Secrets Manager, ECR, EFS, Glacier, Backup, OpenSearch, S3 access points).",
        remediationSteps: FIX,
        refs: { kics: ["elasticsearch_domain_with_vulnerable_policy"], cloudsplaining: ["ResourceExposure"] },
    },
    [
        "aws:secretsmanager/secret:Secret",
        "aws:secretsmanager/secretPolicy:SecretPolicy",
        "aws:ecr/repositoryPolicy:RepositoryPolicy",
        "aws:efs/fileSystemPolicy:FileSystemPolicy",
        "aws:glacier/vault:Vault",
        "aws:backup/vaultPolicy:VaultPolicy",
        "aws:opensearch/domain:Domain",
        "aws:opensearch/domainPolicy:DomainPolicy",
        "aws:elasticsearch/domain:Domain",
        "aws:elasticsearch/domainPolicy:DomainPolicy",
        "aws:s3/accessPoint:AccessPoint",
    ],
    "the resource",
);

/** Fixed ARN (no wildcard in its account) or 12-digit account. */
const fixedAccount = (v: string | undefined) => v !== undefined && (/^\d{12}$/.test(v) || /^arn:[^:]+:[^:]*:[^:]*:\d{12}:/.test(v) || /^arn:[^:]+:s3:::[^*?]+$/.test(v));

export const lambdaPermissionRestricted = resourcePolicy(
    {
        name: "lambda-permission-restricted",
        family: "data",
        description: "A Lambda permission for everyone or for an AWS service names its source (sourceArn, sourceAccount or principalOrgId), and grants no wildcard action.",
        severity: "critical",
        enforcementLevel: "mandatory",
        remediationSteps: "Set sourceArn to the rule, bucket, topic or API that invokes the function (or sourceAccount to your account); for a principal \"*\", set principalOrgId or name the account.",
        refs: { checkov: ["CKV_AWS_301", "CKV_AWS_364"], kics: ["lambda_permission_principal_is_wildcard", "lambda_with_vulnerable_policy"], cloudsplaining: ["ResourceExposure"] },
    },
    ["aws:lambda/permission:Permission"],
    (props) => {
        const principal = asString(whenKnown(() => props.principal));
        if (principal === undefined) return [];
        const sourceArn = whenKnown(() => props.sourceArn ?? null);
        const sourceAccount = whenKnown(() => props.sourceAccount ?? null);
        const org = whenKnown(() => props.principalOrgId ?? null);
        // Not known until the update: it may well name the source.
        if (sourceArn === undefined || sourceAccount === undefined || org === undefined) return [];
        const limited = fixedAccount(asString(sourceArn)) || fixedAccount(asString(sourceAccount)) || (typeof org === "string" && /^o-[a-z0-9]+$/.test(org));
        const everyone = principal === "*";
        const service = /\.amazonaws\.com(\.cn)?$/.test(principal);
        const action = asString(whenKnown(() => props.action)) ?? "";
        const findings: Finding[] = /[*?]/.test(action) ? [{ finding: `Action::${action}`, message: `grants ${action} to ${principal}: a permission grants lambda:InvokeFunction (or InvokeFunctionUrl), not every action` }] : [];
        if ((everyone || service) && !limited) {
            const who = everyone ? "anyone" : `${principal} acting for any account`;
            findings.push({ finding: `Principal::${principal}`, message: `lets ${who} call ${action || "the function"}: no sourceArn, sourceAccount or principalOrgId limits the caller` });
        }
        return findings;
    },
);

export const lambdaFunctionUrlAuth = resourcePolicy(
    {
        name: "lambda-function-url-auth",
        family: "data",
        description: "Lambda function URLs require IAM authentication (authorizationType AWS_IAM).",
        severity: "high",
        enforcementLevel: "mandatory",
        remediationSteps: 'Set authorizationType "AWS_IAM" and grant lambda:InvokeFunctionUrl to the callers; put a public endpoint behind API Gateway or CloudFront with their own protection.',
        refs: { checkov: ["CKV_AWS_258"] },
    },
    ["aws:lambda/functionUrl:FunctionUrl"],
    (props) => {
        const type = asString(whenKnown(() => props.authorizationType));
        return type === "NONE" ? [{ finding: "Property::authorizationType", message: "function URL with authorizationType NONE: anyone on the Internet can invoke the function" }] : [];
    },
);

const PUBLIC_CANNED = ["public-read", "public-read-write", "authenticated-read"];
const PUBLIC_GROUPS = ["http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"];

/** Grants to everyone or to every AWS account, in the grant forms of BucketAcl(V2) and the legacy Bucket. */
function publicGrants(props: Props): string[] {
    const acp = asObject(whenKnown(() => props.accessControlPolicy));
    const aclGrants = knownItems(() => acp?.grants).map((g) => {
        const grant = asObject(g) ?? {};
        const grantee = asObject(whenKnown(() => grant.grantee)) ?? {};
        return { uri: asString(whenKnown(() => grantee.uri)), permissions: [asString(whenKnown(() => grant.permission)) ?? "?"] };
    });
    const bucketGrants = knownItems(() => props.grants).map((g) => {
        const grant = asObject(g) ?? {};
        return { uri: asString(whenKnown(() => grant.uri)), permissions: knownItems(() => grant.permissions).map(String) };
    });
    return [...aclGrants, ...bucketGrants].filter((g) => g.uri !== undefined && PUBLIC_GROUPS.includes(g.uri)).map((g) => `${g.permissions.join(",")} to ${(g.uri ?? "").split("/").pop()}`);
}

export const s3NoPublicAcl = resourcePolicy(
    {
        name: "s3-no-public-acl",
        family: "data",
        description: "No bucket ACL grants access to everyone or to every AWS account (public-read, public-read-write, authenticated-read, AllUsers or AuthenticatedUsers grants).",
        severity: "critical",
        enforcementLevel: "mandatory",
        remediationSteps: 'Use acl "private" (better: aws.s3.BucketOwnershipControls with BucketOwnerEnforced, which turns ACLs off) and grant access with a bucket policy naming the principals.',
        refs: { checkov: ["CKV_AWS_20", "CKV_AWS_57"], kics: ["s3_bucket_acl_allows_read_or_write_to_all_users"], cdkNag: ["S3BucketPublicReadProhibited", "S3BucketPublicWriteProhibited"] },
    },
    ["aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2", "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
    (props) => {
        const findings: Finding[] = [];
        const acl = asString(whenKnown(() => props.acl));
        if (acl !== undefined && PUBLIC_CANNED.includes(acl)) findings.push({ finding: `Acl::${acl}`, message: `canned ACL ${acl} opens the bucket to ${acl === "authenticated-read" ? "every AWS account" : "everyone"}` });
        for (const grant of publicGrants(props)) findings.push({ finding: `Grant::${grant.split(" to ").pop()}`, message: `grants ${grant}` });
        return findings;
    },
);

export const RESOURCE_POLICY_POLICIES = [kmsKeyPolicyNotPublic, sqsQueuePolicyNotPublic, snsTopicPolicyNotPublic, resourcePolicyNotPublic, lambdaPermissionRestricted, lambdaFunctionUrlAuth, s3NoPublicAcl];
