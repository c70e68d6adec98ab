// Protective controls switched off: resources that exist, look configured, and do not protect.
// Each asks one question: can this resource exist with its protective setting turned off? An unset
// setting is judged by the service's default (a trail logs unless enableLogging is false; new
// queues are encrypted with SSE-SQS unless sqsManagedSseEnabled is false); a value unknown until
// the update is not applicable.
import { type Finding, resourcePolicy } from "../lib/policy";
import { asObject, asString, knownItems, whenKnown } from "../lib/values";

/** `false` written out, not unset and not unknown. */
const isFalse = (read: () => unknown) => whenKnown(read) === false;

export const cloudtrailLoggingEnabled = resourcePolicy(
    {
        name: "cloudtrail-logging-enabled",
        family: "data",
        description: "CloudTrail trails are logging, with global service events and management events (none of them switched off).",
        severity: "high",
        enforcementLevel: "mandatory",
        remediationSteps: "Remove enableLogging: false (a trail logs by default); stop a lab's trail by destroying it, not by pausing it.",
        refs: { cisAws: "3.1", kics: ["cloudtrail_logging_disabled"] },
    },
    ["aws:cloudtrail/trail:Trail"],
    (props) => {
        const findings: Finding[] = [];
        if (isFalse(() => props.enableLogging)) findings.push({ finding: "Property::enableLogging", message: "enableLogging is false: the trail exists but records nothing" });
        if (isFalse(() => props.includeGlobalServiceEvents)) findings.push({ finding: "Property::includeGlobalServiceEvents", message: "includeGlobalServiceEvents is false: IAM and STS calls are not recorded" });
        // Event selectors that all leave management events out (and no advanced selectors): a data-events-only trail.
        const selectors = knownItems(() => props.eventSelectors);
        const advanced = knownItems(() => props.advancedEventSelectors);
        if (selectors.length > 0 && advanced.length === 0 && selectors.every((sel) => whenKnown(() => asObject(sel)?.includeManagementEvents) === false)) {
            findings.push({ finding: "Property::eventSelectors", message: "every event selector sets includeManagementEvents false: no management events are recorded" });
        }
        return findings;
    },
);

const PAB_SETTINGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];

export const s3AccountPublicAccessBlock = resourcePolicy(
    {
        name: "s3-account-public-access-block",
        family: "data",
        description: "An account-level S3 public access block has all four settings on.",
        severity: "high",
        enforcementLevel: "mandatory",
        remediationSteps: "Set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true on the aws.s3.AccountPublicAccessBlock.",
        refs: { cisAws: "2.1.4", checkov: ["CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"] },
    },
    ["aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"],
    (props) =>
        PAB_SETTINGS.filter((s) => {
            const value = whenKnown(() => props[s] ?? null);
            return value !== undefined && value !== true;
        }).map((s) => ({ finding: `Setting::${s}`, message: `${s} is not true: buckets of the whole account may be made public` })),
);

export const sqsEncryption = resourcePolicy(
    {
        name: "sqs-encryption",
        family: "data",
        description: "SQS queues are encrypted at rest (SSE-SQS or a KMS key; sqsManagedSseEnabled false without kmsMasterKeyId is not).",
        severity: "medium",
        enforcementLevel: "mandatory",
        remediationSteps: "Remove sqsManagedSseEnabled: false, or set kmsMasterKeyId to a customer-managed key.",
        refs: { checkov: ["CKV_AWS_27"] },
    },
    ["aws:sqs/queue:Queue"],
    (props) => {
        const key = whenKnown(() => asString(props.kmsMasterKeyId) ?? null);
        return isFalse(() => props.sqsManagedSseEnabled) && key === null ? [{ finding: "Property::sqsManagedSseEnabled", message: "sqsManagedSseEnabled is false and no kmsMasterKeyId is set: messages are stored unencrypted" }] : [];
    },
);

export const ebsEncryptionByDefault = resourcePolicy(
    {
        name: "ebs-encryption-by-default",
        family: "data",
        description: "EBS encryption by default is not switched off.",
        severity: "medium",
        enforcementLevel: "mandatory",
        remediationSteps: "Set enabled: true on aws.ebs.EncryptionByDefault (or remove the resource).",
        refs: { cisAws: "2.2.1", checkov: ["CKV_AWS_106"] },
    },
    ["aws:ebs/encryptionByDefault:EncryptionByDefault"],
    (props): Finding[] => (isFalse(() => props.enabled) ? [{ finding: "Property::enabled", message: "enabled is false: new volumes are created unencrypted" }] : []),
);

export const guarddutyEnabled = resourcePolicy(
    {
        name: "guardduty-enabled",
        family: "data",
        description: "GuardDuty detectors are enabled.",
        severity: "medium",
        enforcementLevel: "mandatory",
        remediationSteps: "Remove enable: false (a detector is enabled by default).",
        refs: { kics: ["guardduty_detector_disabled"] },
    },
    ["aws:guardduty/detector:Detector"],
    (props) => (isFalse(() => props.enable) ? [{ finding: "Property::enable", message: "enable is false: the detector analyses nothing" }] : []),
);

export const configRecorderEnabled = resourcePolicy(
    {
        name: "config-recorder-enabled",
        family: "data",
        description: "AWS Config recorders are recording (RecorderStatus isEnabled is not false).",
        severity: "medium",
        enforcementLevel: "mandatory",
        remediationSteps: "Set isEnabled: true on the aws.cfg.RecorderStatus.",
        refs: { cisAws: "3.3" },
    },
    ["aws:cfg/recorderStatus:RecorderStatus"],
    (props) => (isFalse(() => props.isEnabled) ? [{ finding: "Property::isEnabled", message: "isEnabled is false: configuration changes are not recorded" }] : []),
);

export const s3VersioningNotSuspended = resourcePolicy(
    {
        name: "s3-versioning-not-suspended",
        family: "data",
        description: "Bucket versioning, once configured, is not suspended or disabled.",
        severity: "medium",
        enforcementLevel: "mandatory",
        remediationSteps: 'Set versioningConfiguration.status "Enabled" (and expire old versions with a lifecycle rule), or remove the BucketVersioning resource.',
        refs: { checkov: ["CKV_AWS_21"] },
    },
    ["aws:s3/bucketVersioning:BucketVersioning"],
    (props) => {
        const status = asString(whenKnown(() => asObject(props.versioningConfiguration)?.status));
        return status !== undefined && status !== "Enabled" ? [{ finding: "Property::status", message: `versioning status is ${status}: overwritten and deleted objects cannot be recovered` }] : [];
    },
);

export const ec2ImdsV2Required = resourcePolicy(
    {
        name: "ec2-imdsv2-required",
        family: "data",
        description: "EC2 instances and launch templates do not allow IMDSv1 (metadataOptions.httpTokens is not optional).",
        severity: "high",
        enforcementLevel: "mandatory",
        remediationSteps: 'Set metadataOptions.httpTokens "required" (IMDSv2), or httpEndpoint "disabled" if nothing on the instance reads its metadata.',
        refs: { checkov: ["CKV_AWS_79"] },
    },
    ["aws:ec2/instance:Instance", "aws:ec2/launchTemplate:LaunchTemplate"],
    (props) => {
        const options = asObject(whenKnown(() => props.metadataOptions));
        const endpoint = asString(whenKnown(() => options?.httpEndpoint));
        return asString(whenKnown(() => options?.httpTokens)) === "optional" && endpoint !== "disabled"
            ? [{ finding: "Property::httpTokens", message: "httpTokens is optional: IMDSv1 hands the instance role's credentials to any request that reaches it, SSRF included" }]
            : [];
    },
);

export const storageEncryptionNotOff = resourcePolicy(
    {
        name: "storage-encryption-not-off",
        family: "data",
        description: "EBS volumes and RDS instances do not switch storage encryption off, and RDS instances are not publicly accessible.",
        severity: "high",
        enforcementLevel: "mandatory",
        remediationSteps: "Set encrypted / storageEncrypted true (with the lab's KMS key) and publiclyAccessible false.",
        refs: { checkov: ["CKV_AWS_3", "CKV_AWS_16", "CKV_AWS_17"] },
    },
    ["aws:ebs/volume:Volume", "aws:rds/instance:Instance"],
    (props, args) => {
        const findings: Finding[] = [];
        const property = args.type === "aws:ebs/volume:Volume" ? "encrypted" : "storageEncrypted";
        if (isFalse(() => props[property])) findings.push({ finding: `Property::${property}`, message: `${property} is false: the data is stored unencrypted` });
        if (whenKnown(() => props.publiclyAccessible) === true) findings.push({ finding: "Property::publiclyAccessible", message: "publiclyAccessible is true: the database gets a public address" });
        return findings;
    },
);

export const CONTROL_POLICIES = [cloudtrailLoggingEnabled, s3AccountPublicAccessBlock, sqsEncryption, ebsEncryptionByDefault, guarddutyEnabled, configRecorderEnabled, s3VersioningNotSuspended, ec2ImdsV2Required, storageEncryptionNotOff];
