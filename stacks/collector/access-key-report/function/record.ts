// One report record per access key, exactly the table's columns (../schema.ts).
import type { AccessKeyLastUsed, AccessKeyMetadata, User } from "@aws-sdk/client-iam";
import type { AccessKeyRecord } from "../schema";
import { maskAccessKeyId } from "../../shared/runtime/mask";

/** The day a run belongs to: UTC midnight of its start, so a run that crosses midnight keeps one date. */
export function loggedDateOf(runStartedAt: Date): string {
    return new Date(Date.UTC(runStartedAt.getUTCFullYear(), runStartedAt.getUTCMonth(), runStartedAt.getUTCDate())).toISOString();
}

/** The 12-digit account number from an IAM ARN (arn:<partition>:iam::<account>:user/<path><name>). */
export function accountNumberOf(arn: string | undefined): string {
    const account = arn?.split(":")[4];
    if (!account || !/^\d{12}$/.test(account)) throw new Error(`IAM returned a user ARN without an account number: ${JSON.stringify(arn)}`);
    return account;
}

export interface RecordInput {
    user: User;
    key: AccessKeyMetadata;
    lastUsed: AccessKeyLastUsed | undefined;
    collectedAt: Date;
    loggedDate: string;
}

export function toRecord({ user, key, lastUsed, collectedAt, loggedDate }: RecordInput): AccessKeyRecord {
    const masked = maskAccessKeyId(key.AccessKeyId ?? "");
    if (!user.UserName || !key.CreateDate || !key.Status) throw new Error(`IAM returned access key ${masked} without a user name, creation date or status`);
    const record: AccessKeyRecord = {
        TimeGenerated: collectedAt.toISOString(),
        LoggedDate: loggedDate,
        User: user.UserName,
        AccountNumber: accountNumberOf(user.Arn),
        AccessKeyId: masked,
        CreateDate: key.CreateDate.toISOString(),
        Status: key.Status,
    };
    // A key that was never used has no LastUsedDate and IAM answers "N/A" for its region and
    // service; the table leaves all three empty then, as the schema says.
    if (lastUsed?.LastUsedDate) {
        record.LastUsedDate = lastUsed.LastUsedDate.toISOString();
        if (lastUsed.Region && lastUsed.Region !== "N/A") record.Region = lastUsed.Region;
        if (lastUsed.ServiceName && lastUsed.ServiceName !== "N/A") record.ServiceName = lastUsed.ServiceName;
    }
    return record;
}
