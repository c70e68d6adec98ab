// What the collector's checks need, read from its stack outputs only (never from the lab's
// code): names, ids and the region, each missing one named.
import { field } from "../../../cli/verify/model";

export interface CollectorTargets {
    region: string;
    resourceGroup: string;
    workspaceName: string;
    /** The workspace's customer id (the GUID queries and Sentinel use). */
    workspaceId: string;
    table: string;
    savedSearchIds: string[];
    workbookDisplayName: string;
    functionName: string;
    trail: string;
    auditUserArn: string;
    governance: boolean;
    entraLogs?: { bucket: string; database: string; workgroup: string; functions: Record<string, string> };
    sentinel?: { roleArn: string };
}

const LAB = "collector";

/** Reads the collector's outputs; throws naming the first missing one. */
export function collectorTargets(o: Record<string, unknown>): CollectorTargets {
    const searches = (o.workspace as { savedSearchIds?: unknown } | undefined)?.savedSearchIds;
    if (!Array.isArray(searches) || searches.some((s) => typeof s !== "string")) throw new Error("the collector outputs have no workspace.savedSearchIds: deploy the lab again with this version (pulumi up), which exports it");
    const entra = o.entraLogs;
    const sentinel = o.sentinel;
    return {
        region: field(o, "awsRegion", LAB),
        resourceGroup: field(o, "workspace.resourceGroup", LAB),
        workspaceName: field(o, "workspace.name", LAB),
        workspaceId: field(o, "workspace.customerId", LAB),
        table: field(o, "workspace.table", LAB),
        savedSearchIds: searches as string[],
        workbookDisplayName: field(o, "workspace.workbookDisplayName", LAB),
        functionName: field(o, "function.name", LAB),
        trail: field(o, "defenderForCloudApps.trail", LAB),
        auditUserArn: field(o, "defenderForCloudApps.userArn", LAB),
        governance: (o.defenderForCloudApps as { governance?: unknown } | undefined)?.governance === true,
        // Off, these outputs are a sentence saying so.
        entraLogs:
            typeof entra === "object" && entra !== null
                ? {
                      bucket: field(entra, "bucket", LAB),
                      database: field(entra, "database", LAB),
                      workgroup: field(entra, "workgroup", LAB),
                      functions: Object.fromEntries(Object.entries((entra as { functions?: Record<string, unknown> }).functions ?? {}).filter((e): e is [string, string] => typeof e[1] === "string")),
                  }
                : undefined,
        sentinel: typeof sentinel === "object" && sentinel !== null ? { roleArn: field(sentinel, "roleArn", LAB) } : undefined,
    };
}
