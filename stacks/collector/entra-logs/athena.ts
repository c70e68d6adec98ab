// The Entra logs as Athena sees them: a Glue table per log type over the functions' S3 layout
// (JSON SerDe, partition projection on dt, so no crawler and no MSCK REPAIR), and the post's
// questions as named queries. Column names are Graph's fields in lower case (the JSON SerDe
// matches them case-insensitively); dates stay strings (Graph's 7-digit fractions do not
// parse as Hive timestamps) and queries convert them with from_iso8601_timestamp.
import type { LogType } from "./layout";

export interface Column {
    name: string;
    /** A Hive type: string, int, boolean, double, struct<...>, array<...>. */
    type: string;
    comment?: string;
}

export const TABLE_COLUMNS: Record<LogType, Column[]> = {
    signins: [
        { name: "id", type: "string" },
        { name: "createddatetime", type: "string", comment: "ISO 8601, UTC" },
        { name: "userdisplayname", type: "string" },
        { name: "userprincipalname", type: "string" },
        { name: "userid", type: "string" },
        { name: "appid", type: "string" },
        { name: "appdisplayname", type: "string" },
        { name: "ipaddress", type: "string" },
        { name: "clientappused", type: "string" },
        { name: "correlationid", type: "string" },
        { name: "conditionalaccessstatus", type: "string" },
        { name: "isinteractive", type: "boolean" },
        { name: "risklevelduringsignin", type: "string" },
        { name: "riskstate", type: "string" },
        { name: "resourcedisplayname", type: "string" },
        { name: "status", type: "struct<errorcode:int,failurereason:string,additionaldetails:string>", comment: "errorcode 0 is success" },
        { name: "devicedetail", type: "struct<deviceid:string,displayname:string,operatingsystem:string,browser:string,iscompliant:boolean,ismanaged:boolean,trusttype:string>" },
        { name: "location", type: "struct<city:string,state:string,countryorregion:string,geocoordinates:struct<altitude:double,latitude:double,longitude:double>>" },
    ],
    directoryaudits: [
        { name: "id", type: "string" },
        { name: "activitydatetime", type: "string", comment: "ISO 8601, UTC" },
        { name: "activitydisplayname", type: "string" },
        { name: "category", type: "string" },
        { name: "correlationid", type: "string" },
        { name: "loggedbyservice", type: "string" },
        { name: "operationtype", type: "string" },
        { name: "result", type: "string" },
        { name: "resultreason", type: "string" },
        {
            name: "initiatedby",
            type: "struct<user:struct<id:string,displayname:string,userprincipalname:string,ipaddress:string>,app:struct<appid:string,displayname:string,serviceprincipalid:string,serviceprincipalname:string>>",
        },
        { name: "targetresources", type: "array<struct<id:string,displayname:string,type:string,userprincipalname:string>>" },
    ],
};

/** The partition column, filled by projection from the object key's `dt=YYYY-MM-DD`. */
export const PARTITION_KEY = "dt";
/** Partitions projected from this day on: the lab cannot hold older logs (Entra keeps 30 days). */
export const PROJECTION_START = "2025-01-01";

/** Table parameters: JSON lines, and dt projected as a date from the key, so new days need no partition management. */
export function tableParameters(location: string): Record<string, string> {
    return {
        classification: "json",
        "projection.enabled": "true",
        [`projection.${PARTITION_KEY}.type`]: "date",
        [`projection.${PARTITION_KEY}.format`]: "yyyy-MM-dd",
        [`projection.${PARTITION_KEY}.range`]: `${PROJECTION_START},NOW`,
        [`projection.${PARTITION_KEY}.interval`]: "1",
        [`projection.${PARTITION_KEY}.interval.unit`]: "DAYS",
        "storage.location.template": `${location}${PARTITION_KEY}=\${${PARTITION_KEY}}/`,
    };
}

export const JSON_SERDE = "org.openx.data.jsonserde.JsonSerDe";

export interface NamedQuery {
    name: string;
    description: string;
    table: LogType;
    sql: string;
}

// The last 30 days of partitions (dt is text, YYYY-MM-DD, so it compares as a date).
const LAST_30_DAYS = `dt >= date_format(current_date - interval '30' day, '%Y-%m-%d')`;

export const NAMED_QUERIES: NamedQuery[] = [
    {
        name: "signins-by-country-per-day",
        description: "Sign-ins per country and day, last 30 days.",
        table: "signins",
        sql: `SELECT dt, location.countryorregion AS country, count(*) AS signins
FROM signins
WHERE ${LAST_30_DAYS}
GROUP BY dt, location.countryorregion
ORDER BY dt, signins DESC`,
    },
    {
        name: "failed-signins-by-user",
        description: "Failed sign-ins per user with their reasons, last 30 days.",
        table: "signins",
        sql: `SELECT userprincipalname, count(*) AS failures, max(from_iso8601_timestamp(createddatetime)) AS last_failure, array_agg(DISTINCT status.failurereason) AS reasons
FROM signins
WHERE ${LAST_30_DAYS} AND status.errorcode <> 0
GROUP BY userprincipalname
ORDER BY failures DESC`,
    },
    {
        name: "signins-from-new-ips",
        description: "Yesterday's sign-ins from an IP address the user had not signed in from in the 30 days before.",
        table: "signins",
        sql: `WITH seen AS (
  SELECT userprincipalname, ipaddress, min(dt) AS first_seen, count(*) AS signins
  FROM signins
  WHERE ${LAST_30_DAYS}
  GROUP BY userprincipalname, ipaddress
)
SELECT userprincipalname, ipaddress, signins
FROM seen
WHERE first_seen = date_format(current_date - interval '1' day, '%Y-%m-%d')
ORDER BY userprincipalname, ipaddress`,
    },
    {
        name: "directory-changes-by-actor",
        description: "Directory changes per actor (user or application) and activity, last 30 days.",
        table: "directoryaudits",
        sql: `SELECT coalesce(initiatedby."user".userprincipalname, initiatedby.app.displayname) AS actor, activitydisplayname, count(*) AS changes
FROM directoryaudits
WHERE ${LAST_30_DAYS}
GROUP BY coalesce(initiatedby."user".userprincipalname, initiatedby.app.displayname), activitydisplayname
ORDER BY changes DESC`,
    },
];
