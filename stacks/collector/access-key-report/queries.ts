// The post's two questions of the access-key report, in KQL over the Logs Ingestion table.
// The function reports every key every day, so each query reads the latest run only (a key
// deleted last month must not show up, and a failed run must not empty the report while an
// older one exists), and each RecordId once: a retry or a lost reply can store a record twice
// (the Logs Ingestion API has no idempotent upload), and arg_max keeps the latest of the copies
// (learn: kusto/query/arg-max-aggregation-function).
import { TABLE_NAME } from "./schema";

/** How far back a query looks for the latest run: a week of failed runs still shows the last good one. */
export const LOOKBACK = "7d";
const LATEST_PER_KEY = `let latest = toscalar(${TABLE_NAME} | where TimeGenerated > ago(${LOOKBACK}) | summarize max(LoggedDate));
${TABLE_NAME}
| where TimeGenerated > ago(${LOOKBACK}) and LoggedDate == latest
| summarize arg_max(TimeGenerated, *) by RecordId`;

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
                content: {
                    version: "KqlItem/1.0",
                    query: q.query,
                    size: 0,
                    title: q.displayName,
                    // The queries bound their own time; the item's range must not cut them shorter.
                    timeContext: { durationMs: 7 * 24 * 3600 * 1000 },
                    queryType: 0,
                    resourceType: "microsoft.operationalinsights/workspaces",
                    visualization: q.visualization,
                },
            })),
        ],
        fallbackResourceIds: [workspaceId],
        $schema: "https://github.com/Microsoft/Application-Insights-Workbooks/blob/master/schema/workbook.json",
    });
}
