// Where Entra ID's sign-in and audit logs come from (Microsoft Graph v1.0) and where they land
// in S3: one gzip-compressed, newline-delimited JSON object per log type and UTC day, under a
// `dt=YYYY-MM-DD` partition. The functions write this layout and the Glue tables read it, so
// both take it from here.

export const LOG_TYPES = {
    signins: { graphPath: "auditLogs/signIns", timeField: "createdDateTime", prefix: "signins" },
    directoryaudits: { graphPath: "auditLogs/directoryAudits", timeField: "activityDateTime", prefix: "directoryaudits" },
} as const;

export type LogType = keyof typeof LOG_TYPES;
export const LOG_TYPE_NAMES = Object.keys(LOG_TYPES) as LogType[];

/** The one object a day's logs of a type are written to: a rerun for the same day replaces it. */
export function objectKey(type: LogType, day: string): string {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`day must be YYYY-MM-DD, got ${JSON.stringify(day)}`);
    return `${LOG_TYPES[type].prefix}/dt=${day}/${type}-${day}.json.gz`;
}

/** The Athena query results' own prefix in the same bucket (kept apart from the logs). */
export const ATHENA_RESULTS_PREFIX = "athena-results/";
