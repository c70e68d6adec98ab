// One report record per access key, exactly the table's columns (../schema.ts).
import type { AccessKeyLastUsed, AccessKeyMetadata, User } from "@aws-sdk/client-iam";
import { createHash } from "node:crypto";
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

/**
 * A record's identity: the same account, day, user and key always give the same id, so a record
 * delivered twice (a lost reply the client retried, a Lambda retry) is one record to the queries
 * and to the delivery checkpoint. 32 hex digits of SHA-256 over the four values (the full key id,
 * never shown: two keys of one user may share their masked form); the hash does not reveal the key.
 *
 * @param loggedDate the run's day as LoggedDate holds it (UTC midnight, ISO 8601)
 */
export function recordIdOf(accountNumber: string, loggedDate: string, userName: string, accessKeyId: string): string {
    // Unit separators: no value can contain one, so two different tuples never hash the same text.
    return createHash("sha256").update([accountNumber, loggedDate, userName, accessKeyId].join("\u001f")).digest("hex").slice(0, 32);
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
    const accountNumber = accountNumberOf(user.Arn);
    const record: AccessKeyRecord = {
        TimeGenerated: collectedAt.toISOString(),
        LoggedDate: loggedDate,
        User: user.UserName,
        AccountNumber: accountNumber,
        AccessKeyId: masked,
        CreateDate: key.CreateDate.toISOString(),
        Status: key.Status,
        RecordId: recordIdOf(accountNumber, loggedDate, user.UserName, key.AccessKeyId ?? ""),
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
