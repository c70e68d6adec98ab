// `labs verify` for the collector, from its stack outputs only: the access-key report reaches
// Log Analytics, the workspace's searches and workbook exist, the trail logs, the Defender for
// Cloud Apps principal reads and cannot write, and, when on, the Entra export lands in S3 and
// Athena, and Sentinel's role trusts this workspace.
import type { Probe } from "../../../cli/verify/model";
import { auditPrincipalProbe, sentinelProbe, trailProbe } from "./audit";
import { entraProbe } from "./entra";
import { collectorTargets } from "./targets";
import { ingestionProbe, workspaceProbe } from "./workspace";

export const COLLECTOR_CHECKS = ["ingestion", "saved-searches", "workbook", "trail-logging", "mdca-read", "mdca-no-write", "entra-export", "entra-athena", "sentinel-trust"] as const;

/** The collector's probes; throws naming the output a deployed stack lacks. */
export function collectorProbes(outputs: Record<string, unknown>): Probe[] {
    const t = collectorTargets(outputs);
    const probes = [ingestionProbe(t), workspaceProbe(t), trailProbe(t), auditPrincipalProbe(t)];
    if (t.entraLogs) for (const [logType, fn] of Object.entries(t.entraLogs.functions)) probes.push(entraProbe(t, t.entraLogs, logType, fn));
    if (t.sentinel) probes.push(sentinelProbe(t, t.sentinel));
    return probes;
}
