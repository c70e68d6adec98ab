// The post's two questions of the access-key report, in KQL over the Logs Ingestion table.
// The function reports every key every day, so each query first keeps the latest record per
// key (the post's one-off export had one record per key).
import { TABLE_NAME } from "./schema";

const LATEST_PER_KEY = `${TABLE_NAME}\n| summarize arg_max(TimeGenerated, *) by User, AccessKeyId`;

export interface SavedQuery {
    /** Saved-search id and workbook item name. */
    id: string;
    displayName: string;
    query: string;
    visualization: "table" | "linechart";
}

export const QUERIES: SavedQuery[] = [
    {
        id: "aws-access-keys-older-than-90-days",
        displayName: "AWS access keys older than 90 days",
        query: `${LATEST_PER_KEY}\n| extend Age = datetime_diff('day', now(), CreateDate)\n| where Age > 90\n| project Age, AccessKey = AccessKeyId, User, Status, LastUsedDate\n| sort by Age desc`,
        visualization: "table",
    },
    {
        id: "aws-access-keys-created-per-day",
        displayName: "AWS access keys created per day",
        query: `${LATEST_PER_KEY}\n| make-series AccessKeys = count() default = 0 on CreateDate from startofday(ago(365d)) to now() step 1d`,
        visualization: "linechart",
    },
];

/** The workbook the post's dashboard became: a heading, the old keys as a table, creations as a line chart. */
export function workbookContent(workspaceId: string): string {
    return JSON.stringify({
        version: "Notebook/1.0",
        items: [
            { type: 1, name: "heading", content: { json: "## AWS access keys\nReported daily by the collector lab's function from IAM (key ids masked to their first and last four characters)." } },
            ...QUERIES.map((q) => ({
                type: 3,
                name: q.id,
                content: { version: "KqlItem/1.0", query: q.query, size: 0, title: q.displayName, queryType: 0, resourceType: "microsoft.operationalinsights/workspaces", visualization: q.visualization },
            })),
        ],
        fallbackResourceIds: [workspaceId],
        $schema: "https://github.com/Microsoft/Application-Insights-Workbooks/blob/master/schema/workbook.json",
    });
}
