// The collector lab's settings: where its AWS half runs, how long data and secrets live, when
// the function runs and whom it tells when it fails, and the optional parts (the audit
// principal's governance permission, Microsoft Sentinel's AWS connector path).
import { type CommonSettings, labTags } from "../../lib/common";
import type { Setting, SettingsReader } from "../../lib/config";
import awsRegionTable from "./aws-regions.json";
import { firesMoreThanDaily, scheduleProblem } from "./schedule-expression";

/** The commercial partition's regions (stacks/collector/aws-regions.json names its sources). */
const AWS_REGIONS: Record<string, { name: string; optIn: boolean }> = awsRegionTable.regions;

export interface CollectorArgs {
    stack: string;
    location: string;
    /** Tags for Azure resources and the AWS provider's defaultTags. */
    tags: Record<string, string>;
    aws: { region: string; accountId?: string };
    /** Log Analytics retention, days (30 or more). */
    retentionDays: number;
    /** The Entra client secret is replaced every this many days (on the first `pulumi up` of each period). */
    secretRotationDays: number;
    /** EventBridge schedule expression, e.g. `rate(1 day)`. */
    schedule: string;
    alertEmail: string;
    /** Parallel IAM calls the function makes. */
    iamConcurrency: number;
    /** Give the Defender for Cloud Apps principal s3:PutBucketAcl (governance actions). */
    auditGovernance: boolean;
    /** Days CloudTrail log files are kept in the trail's bucket. */
    trailRetentionDays: number;
    /** Microsoft Sentinel's AWS S3 connector path: OIDC provider, OIDC_ role, bucket notifications into SQS. */
    sentinel: boolean;
    /** Entra ID sign-in and audit logs into S3 and Athena. */
    entraLogs: { enabled: boolean; retentionDays: number; schedule: string; keyUsers: string[] };
}

/** Azure's minimum for an analytics workspace; the policy pack requires it too. */
export const MIN_RETENTION_DAYS = 30;
/** Rotation period plus the grace period must stay within a year (policy azuread-password-expiry). */
export const MAX_ROTATION_DAYS = 330;

// Commercial regions only: GovCloud and China use other ARN partitions and other Entra and Sentinel endpoints.
const AWS_REGION = /^(us|eu|ap|ca|sa|me|af|il|mx)-[a-z]+-\d$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The longest stack name the collector's names can carry. S3 takes a bucket prefix of at most 37
 * lower-case letters, digits, hyphens (and dots), and the longest prefix is `labs-checkpoints-<stack>-`.
 * docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html; the provider's bucket_prefix limit.
 */
export const MAX_STACK_NAME = 37 - "labs-checkpoints-".length - 1;

export function readCollectorSettings(reader: SettingsReader, common: CommonSettings, stack: string): CollectorArgs {
    if (!new RegExp(`^[a-z0-9](?:[a-z0-9-]{0,${MAX_STACK_NAME - 2}}[a-z0-9])?$`).test(stack)) {
        reader.problems.list.push({
            setting: "stack",
            value: stack,
            expected: "a stack name S3 bucket names can carry",
            text: `stack ${JSON.stringify(stack)}: the collector needs a stack name of 1-${MAX_STACK_NAME} lower-case letters, digits or hyphens (not starting or ending with one), because its S3 bucket names carry it; create one with pulumi stack init <name>`,
        });
    }
    const regionSetting = reader.get("collectorAwsRegion");
    let region = regionSetting.string("a commercial AWS region name such as us-east-1 or eu-west-1 (GovCloud and China are not supported)", (s) => AWS_REGION.test(s)) ?? "";
    if (region && !Object.hasOwn(AWS_REGIONS, region)) {
        regionSetting.problem("a commercial AWS region name such as us-east-1 or eu-west-1 (stacks/collector/aws-regions.json lists them; GovCloud and China are not supported)");
        region = "";
    }
    const accountSetting = reader.get("collectorAwsAccountId");
    const accountId = typeof accountSetting.value === "string" && accountSetting.value !== "" ? accountSetting.value : undefined;
    if (accountId !== undefined && !/^\d{12}$/.test(accountId)) accountSetting.problem('the 12-digit AWS account the lab may deploy to, or "" for any');

    const scheduleSetting = reader.get("collectorSchedule");
    let schedule = readSchedule(scheduleSetting, "an EventBridge schedule such as rate(1 day) or cron(0 6 * * ? *)");
    // The report is daily: one record per key and day, and a day's checkpoint skips what that day
    // already delivered, so a second run the same day would add nothing (not even a newer LastUsedDate).
    if (schedule && firesMoreThanDaily(schedule)) {
        scheduleSetting.problem("a schedule that runs at most once a day, such as rate(1 day) or cron(0 6 * * ? *): the report holds one record per key and day");
        schedule = "";
    }

    return {
        stack,
        location: common.location,
        tags: labTags("collector", common),
        aws: { region, accountId },
        retentionDays: reader.get("collectorRetentionDays").integer(MIN_RETENTION_DAYS, 730) ?? MIN_RETENTION_DAYS,
        secretRotationDays: reader.get("collectorSecretRotationDays").integer(7, MAX_ROTATION_DAYS) ?? 90,
        schedule,
        alertEmail: reader.get("collectorAlertEmail").string("the e-mail address told when the function fails (it must confirm the SNS subscription)", (s) => EMAIL.test(s)) ?? "",
        iamConcurrency: reader.get("collectorIamConcurrency").integer(1, 50) ?? 10,
        auditGovernance: reader.get("collectorAuditGovernance").boolean() ?? false,
        trailRetentionDays: reader.get("collectorTrailRetentionDays").integer(1, 3650) ?? 365,
        sentinel: reader.get("collectorSentinelEnabled").boolean() ?? false,
        entraLogs: {
            enabled: reader.get("collectorEntraLogsEnabled").boolean() ?? false,
            retentionDays: reader.get("collectorEntraLogsRetentionDays").integer(1, 3650) ?? 90,
            schedule: readSchedule(reader.get("collectorEntraLogsSchedule"), "an EventBridge schedule such as cron(0 4 * * ? *) (a few hours after midnight UTC: the functions export the day before)"),
            keyUsers: reader
                .get("collectorKeyUsers")
                .items('a list of IAM role or user ARNs, e.g. ["arn:aws:iam::123456789012:role/Admin"], or [] for whoever runs pulumi up')
                .map((u) => u.string("an IAM role or user ARN such as arn:aws:iam::123456789012:role/Admin", (v) => /^arn:aws:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/.test(v)))
                .filter((u): u is string => u !== undefined),
        },
    };
}

function readSchedule(setting: Setting, expected: string): string {
    const text = setting.string(expected);
    if (text === undefined) return "";
    const problem = scheduleProblem(text);
    if (problem) {
        setting.problem(problem);
        return "";
    }
    return text;
}
