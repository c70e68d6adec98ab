// The access-key report's one schema: the Log Analytics table, the data collection rule's
// stream and the function's records are all built from this list, so they cannot drift apart.
// Columns follow the post's report (user, account number, masked key id, dates, region,
// status, service, logged date), typed, with TimeGenerated as every Log Analytics table needs,
// and RecordId, which makes a record delivered twice recognisable as one.

export const TABLE_NAME = "AWS_Access_Key_Report_CL";
/** Custom streams are named `Custom-<table>`; the rule sends this stream to the table as is. */
export const STREAM_NAME = `Custom-${TABLE_NAME}`;

/** A column's type as a data collection rule's stream declaration spells it. */
export type ColumnType = "string" | "datetime";

/**
 * The same type as a Log Analytics table spells it: ARM's ColumnTypeEnum casing (`dateTime`).
 * A stream declaration wants `datetime`; a table given that casing accepts it and returns
 * `dateTime`, so every `pulumi preview` after would show a change.
 */
export function tableColumnType(type: ColumnType): "string" | "dateTime" {
    return type === "datetime" ? "dateTime" : type;
}

export const COLUMNS = [
    { name: "TimeGenerated", type: "datetime", description: "When the function collected the record." },
    { name: "LoggedDate", type: "datetime", description: "The day the function ran (UTC midnight), as the post's loggedDate." },
    { name: "User", type: "string", description: "The IAM user the key belongs to." },
    { name: "AccountNumber", type: "string", description: "The AWS account number, from the user's ARN." },
    { name: "AccessKeyId", type: "string", description: "The access key id, masked to its first and last four characters (AKIA...WXYZ)." },
    { name: "CreateDate", type: "datetime", description: "When the key was created." },
    { name: "LastUsedDate", type: "datetime", description: "When the key was last used; empty if never." },
    { name: "Region", type: "string", description: "The region the key was last used in; empty if never used." },
    { name: "Status", type: "string", description: "Active or Inactive." },
    { name: "ServiceName", type: "string", description: "The AWS service the key last called; empty if never used." },
    { name: "RecordId", type: "string", description: "The record's identity: a hash of account, day, user and key id. A retry that delivers a record again repeats its id, and the queries show each id once." },
] as const satisfies ReadonlyArray<{ name: string; type: ColumnType; description: string }>;

export type ColumnName = (typeof COLUMNS)[number]["name"];

/** One record per access key, exactly the table's columns (dates as ISO 8601 strings). */
export interface AccessKeyRecord {
    TimeGenerated: string;
    LoggedDate: string;
    User: string;
    AccountNumber: string;
    AccessKeyId: string;
    CreateDate: string;
    LastUsedDate?: string;
    Region?: string;
    Status: string;
    ServiceName?: string;
    RecordId: string;
}

// Compile-time proof that the record type has exactly the table's columns.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
export const RECORD_MATCHES_COLUMNS: Exactly<keyof AccessKeyRecord, ColumnName> = true;
