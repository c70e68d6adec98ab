// AWS data and secrets: buckets private and encrypted, CloudTrail trustworthy, keys rotated,
// Lambda environments free of TLS bypasses and plaintext secrets, secrets in SecureStrings.
import type { PolicyResource } from "@pulumi/policy";
import { type Finding, type PolicyRefs, resourcePolicy, stackPolicy } from "../lib/policy";
import { type Props, asObject, asString, whenKnown } from "../lib/values";
import { openDocumentFindings } from "./resource-policies";
import { credentialShape, looksSecret } from "./secrets";

const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const PAB_TYPE = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const SSE_TYPES = ["aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"];
const PAB_SETTINGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

/** The buckets a bucket-configuration resource applies to: by dependency on the bucket, or by the bucket's name. */
function configures(config: PolicyResource, bucket: PolicyResource): boolean {
    if ((config.propertyDependencies?.bucket ?? []).some((d) => d.urn === bucket.urn)) return true;
    const name = whenKnown(() => asString(bucket.props.bucket));
    return name !== undefined && whenKnown(() => config.props.bucket) === name;
}

function bucketLabel(b: PolicyResource): string {
    return whenKnown(() => asString(b.props.bucket)) ?? b.name;
}

export const s3PublicAccessBlock = stackPolicy(
    {
        name: "s3-public-access-block",
        family: "data",
        description: "Every bucket has a public access block with all four settings on.",
        severity: "high",
        enforcementLevel: "mandatory",
        remediationSteps: "Add an aws.s3.BucketPublicAccessBlock for the bucket with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets all true.",
        refs: { cisAws: "2.1.4", checkov: ["CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56", "CKV2_AWS_6"], cdkNag: ["AwsSolutions-S2", "S3BucketLevelPublicAccessProhibited"] },
    },
    (resources) => {
        const blocks = resources.filter((r) => r.type === PAB_TYPE);
        return resources
            .filter((r) => BUCKET_TYPES.includes(r.type))
            .flatMap((bucket): Finding[] => {
                const block = blocks.find((b) => configures(b, bucket));
                if (!block) return [{ finding: "Bucket::public-access-block", message: `bucket ${bucketLabel(bucket)} has no public access block`, resource: { urn: bucket.urn, name: bucket.name } }];
                // null: not set (a violation); undefined: unknown until the update (not applicable).
                const off = PAB_SETTINGS.filter((s) => {
                    const value = whenKnown(() => block.props[s] ?? null);
                    return value !== undefined && value !== true;
                });
                // The block holds the wrong values, so the finding is on the block; the message names the bucket.
                const resource = { urn: block.urn, name: block.name };
                return off.map((s) => ({ finding: `Setting::${s}`, message: `${s} is not true, so bucket ${bucketLabel(bucket)} (${bucket.name}) may be made public`, resource }));
            });
    },
);

export const s3NoPublicBucketPolicy = resourcePolicy(
    {
        name: "s3-no-public-bucket-policy",
        family: "data",
        description: 'No bucket policy lets anyone in (Principal "*" with no condition that limits the caller to known accounts or organisations).',
        severity: "critical",
        enforcementLevel: "mandatory",
        remediationSteps: 'Name the principals (accounts, roles, services) in the Allow; keep Principal "*" for Deny statements such as the TLS-only rule.',
        refs: { cisAws: "2.1.4", checkov: ["CKV_AWS_70"], cdkNag: ["S3BucketPublicReadProhibited", "S3BucketPublicWriteProhibited"], kics: ["s3_bucket_access_to_any_principal"] },
    },
    ["aws:s3/bucketPolicy:BucketPolicy", ...BUCKET_TYPES],
    // A Bucket's own (deprecated) inline policy is read too; a bucket without one has nothing to check.
    (props) => openDocumentFindings(whenKnown(() => props.policy), "the bucket"),
);

export const s3Encryption = stackPolicy(
    {
        name: "s3-encryption",
        family: "data",
        description: "Every bucket has a default encryption configuration.",
        severity: "medium",
        enforcementLevel: "mandatory",
        remediationSteps: "Add an aws.s3.BucketServerSideEncryptionConfiguration for the bucket (aws:kms with the lab's key, or AES256).",
        refs: { cisAws: "2.1.1@1.5.0", checkov: ["CKV_AWS_19", "CKV_AWS_145"], cdkNag: ["S3BucketServerSideEncryptionEnabled", "S3DefaultEncryptionKMS"] },
    },
    (resources) => {
        const sse = resources.filter((r) => SSE_TYPES.includes(r.type));
        return resources
            .filter((r) => BUCKET_TYPES.includes(r.type) && !sse.some((c) => configures(c, r)) && whenKnown(() => r.props.serverSideEncryptionConfiguration ?? null) === null)
            .map((b) => ({ finding: "Bucket::encryption", message: `bucket ${bucketLabel(b)} has no default encryption configuration`, resource: { urn: b.urn, name: b.name } }));
    },
);

function trailPolicy(name: string, description: string, property: string, wanted: (v: unknown) => boolean, remediationSteps: string, refs: PolicyRefs) {
    return resourcePolicy(
        { name, family: "data", description, severity: "high", enforcementLevel: "mandatory", remediationSteps, refs },
        ["aws:cloudtrail/trail:Trail"],
        (props) => (wanted(props[property]) ? [] : [{ finding: `Property::${property}`, message: `${property} is ${JSON.stringify(props[property] ?? null)}` }]),
    );
}

export const cloudtrailLogFileValidation = trailPolicy(
    "cloudtrail-log-file-validation",
    "CloudTrail trails validate their log files.",
    "enableLogFileValidation",
    (v) => v === true,
    "Set enableLogFileValidation: true.",
    { cisAws: "3.2", checkov: ["CKV_AWS_36"], cdkNag: ["CloudTrailLogFileValidationEnabled"] },
);

export const cloudtrailMultiRegion = trailPolicy(
    "cloudtrail-multi-region",
    "CloudTrail trails record every region.",
    "isMultiRegionTrail",
    (v) => v === true,
    "Set isMultiRegionTrail: true.",
    { cisAws: "3.1", checkov: ["CKV_AWS_67"] },
);

export const cloudtrailKmsEncryption = trailPolicy(
    "cloudtrail-kms-encryption",
    "CloudTrail trails encrypt their logs with a customer-managed KMS key.",
    "kmsKeyId",
    (v) => typeof v === "string" && v !== "",
    "Set kmsKeyId to a customer-managed key whose policy lets CloudTrail encrypt.",
    { cisAws: "3.5", checkov: ["CKV_AWS_35"], cdkNag: ["CloudTrailEncryptionEnabled"] },
);

export const kmsKeyRotation = resourcePolicy(
    {
        name: "kms-key-rotation",
        family: "data",
        description: "Symmetric customer-managed KMS keys rotate automatically.",
        severity: "medium",
        enforcementLevel: "mandatory",
        remediationSteps: "Set enableKeyRotation: true.",
        refs: { cisAws: "3.6", checkov: ["CKV_AWS_7"], cdkNag: ["AwsSolutions-KMS5", "KMSBackingKeyRotationEnabled"], awsguard: ["cmk-backing-key-rotation-enabled"] },
    },
    ["aws:kms/key:Key"],
    (props, args) => {
        const spec = asString(props.customerMasterKeySpec) ?? asString(props.keySpec) ?? "SYMMETRIC_DEFAULT";
        if (spec !== "SYMMETRIC_DEFAULT") args.notApplicable(`${spec} keys cannot rotate automatically`);
        return props.enableKeyRotation === true ? [] : [{ finding: "Property::enableKeyRotation", message: "automatic key rotation is off" }];
    },
);

function environment(props: Props): Record<string, unknown> {
    return asObject(asObject(props.environment)?.variables) ?? {};
}

export const lambdaNoTlsBypass = resourcePolicy(
    {
        name: "lambda-no-tls-bypass",
        family: "data",
        description: "No Lambda function turns off TLS certificate checks (NODE_TLS_REJECT_UNAUTHORIZED set to 0).",
        severity: "critical",
        enforcementLevel: "mandatory",
        remediationSteps: "Remove NODE_TLS_REJECT_UNAUTHORIZED; to trust a proxy's CA, set NODE_EXTRA_CA_CERTS to its certificate file.",
    },
    ["aws:lambda/function:Function"],
    (props) => {
        const value = whenKnown(() => environment(props).NODE_TLS_REJECT_UNAUTHORIZED);
        return value !== undefined && String(value) === "0" ? [{ finding: "Variable::NODE_TLS_REJECT_UNAUTHORIZED", message: "NODE_TLS_REJECT_UNAUTHORIZED=0 turns off certificate checks for every HTTPS call" }] : [];
    },
);

export { looksSecret } from "./secrets";

export const lambdaEnvNoCredentials = resourcePolicy(
    {
        name: "lambda-env-no-credentials",
        family: "data",
        description: "No Lambda environment variable holds a credential, judged by its name (DB_PASS, *_TOKEN, WORKSPACE_KEY...) and by its value (access keys, private keys, JWTs, connection strings with a password), KMS key or not.",
        severity: "high",
        enforcementLevel: "mandatory",
        remediationSteps: "Keep the secret in SSM Parameter Store (SecureString) or Secrets Manager, pass only its name in the environment, and read it at run time (as the collector's functions do).",
        refs: { checkov: ["CKV_AWS_45"], kics: ["passwords_and_secrets"], cloudsplaining: ["CredentialsExposure"] },
    },
    ["aws:lambda/function:Function"],
    (props) => {
        const variables = whenKnown(() => environment(props)) ?? {};
        return Object.keys(variables).flatMap((name): Finding[] => {
            const value = whenKnown(() => variables[name]);
            const shape = typeof value === "string" ? credentialShape(value) : undefined;
            if (shape) return [{ finding: `Variable::${name}`, message: `environment variable ${name} holds what looks like ${shape}; an environment is readable by anyone who can read the function's configuration, KMS key or not` }];
            // A name alone, with an empty value, is a placeholder, not a credential.
            if (looksSecret(name) && value !== "") return [{ finding: `Variable::${name}`, message: `environment variable ${name} is named like a credential; keep it in SSM or Secrets Manager and pass its name (e.g. ${name}_PARAMETER)` }];
            return [];
        });
    },
);

export const ssmSecretsSecureString = resourcePolicy(
    {
        name: "ssm-secrets-secure-string",
        family: "data",
        description: "SSM parameters that hold secrets are SecureStrings under a customer-managed KMS key.",
        severity: "high",
        enforcementLevel: "mandatory",
        remediationSteps: "Use type SecureString with keyId set to the lab's KMS key (not alias/aws/ssm).",
        refs: { checkov: ["CKV2_AWS_34", "CKV_AWS_337"] },
    },
    ["aws:ssm/parameter:Parameter"],
    (props, args) => {
        const type = asString(props.type) ?? "String";
        const name = asString(whenKnown(() => props.name)) ?? args.name;
        if (type === "SecureString") {
            const key = asString(props.keyId);
            return !key || /alias\/aws\/ssm$/.test(key) ? [{ finding: "Property::keyId", message: `SecureString ${name} uses the AWS-managed key; set keyId to a customer-managed key` }] : [];
        }
        if (looksSecret(name) || looksSecret(asString(whenKnown(() => props.description)) ?? "")) return [{ finding: "Property::type", message: `parameter ${name} is named like a secret but is a ${type}` }];
        const value = asString(whenKnown(() => props.value)) ?? asString(whenKnown(() => props.insecureValue));
        const shape = value === undefined ? undefined : credentialShape(value);
        return shape ? [{ finding: "Property::type", message: `parameter ${name} holds what looks like ${shape} but is a ${type}` }] : [];
    },
);

export const AWS_DATA_POLICIES = [s3PublicAccessBlock, s3NoPublicBucketPolicy, s3Encryption, cloudtrailLogFileValidation, cloudtrailMultiRegion, cloudtrailKmsEncryption, kmsKeyRotation, lambdaNoTlsBypass, lambdaEnvNoCredentials, ssmSecretsSecureString];
