// Time to ready: how long each kind of resource typically takes to create, and the critical
// path through a plan's dependency graph, the chain that decides when a lab is usable. Next to
// the sum of all durations it shows how much the labs gain from creating independent things
// in parallel (Pulumi creates everything whose dependencies are done at once).
import type { PlannedResource } from "../engine/plan";
import { at, reveal } from "../engine/wire";

export interface Duration {
    minutes: number;
    /** Where the figure comes from: a document, or what deployments of these labs typically show. */
    source: string;
}

const OBSERVED = "typical of lab deployments (observed, varies by region and load)";

/** Typical creation times by resource type; anything not listed takes about 15 seconds. */
export const TYPE_MINUTES: Record<string, Duration> = {
    "azure-native:network:VirtualNetworkGateway": { minutes: 45, source: "learn: vpn-gateway/vpn-gateway-about-vpngateways (a VPN gateway can take 45 minutes or more to create)" },
    "azure-native:network:VirtualNetworkGatewayConnection": { minutes: 5, source: OBSERVED },
    "azure-native:network:BastionHost": { minutes: 10, source: "learn: bastion/quickstart-host-portal (deployment takes about 10 minutes)" },
    "azure-native:compute:VirtualMachine": { minutes: 4, source: OBSERVED },
    "azure-native:dnsresolver:DnsResolver": { minutes: 2, source: OBSERVED },
    "azure-native:dnsresolver:InboundEndpoint": { minutes: 4, source: OBSERVED },
    "azure-native:dnsresolver:OutboundEndpoint": { minutes: 4, source: OBSERVED },
    "azure-native:network:NatGateway": { minutes: 1, source: OBSERVED },
    "azure-native:network:PublicIPAddress": { minutes: 0.5, source: OBSERVED },
    "azure-native:network:VirtualNetwork": { minutes: 0.5, source: OBSERVED },
    "azure-native:network:VirtualNetworkPeering": { minutes: 0.5, source: OBSERVED },
    "azure-native:operationalinsights:Workspace": { minutes: 1, source: OBSERVED },
    "azure-native:operationalinsights:Table": { minutes: 1, source: OBSERVED },
    "azure-native:monitor:DataCollectionRule": { minutes: 0.5, source: OBSERVED },
    "aws:lambda/function:Function": { minutes: 0.5, source: OBSERVED },
    "aws:cloudtrail/trail:Trail": { minutes: 0.5, source: OBSERVED },
    // Restarting a Windows VM and waiting for its agent.
    "command:local:Command": { minutes: 3, source: OBSERVED },
};

/** Run Commands by what they do (their runCommandName): the scripts take most of a server's time. */
export const STEP_MINUTES: Record<string, Duration> = {
    "promote-dc": { minutes: 10, source: OBSERVED },
    "configure-dc": { minutes: 8, source: OBSERVED },
    "join-domain": { minutes: 2, source: OBSERVED },
    "install-sql": { minutes: 12, source: "SQL Server Express download and unattended install, " + OBSERVED },
    "install-rms": { minutes: 8, source: OBSERVED },
    "install-adfs": { minutes: 3, source: OBSERVED },
    "prepare-entra-connect": { minutes: 1, source: OBSERVED },
    "configure-dns-forwarder": { minutes: 3, source: OBSERVED },
};
// Starting a VM before a step: seconds when it runs (as on a first deployment), minutes when auto-shutdown deallocated it.
const VM_START: Duration = { minutes: 0.5, source: "az vm start on a running VM returns at once; " + OBSERVED };
const FOREST_TRUST: Duration = { minutes: 3, source: OBSERVED };
const DEFAULT: Duration = { minutes: 0.25, source: "most resources take seconds" };

export function durationOf(r: PlannedResource): Duration {
    if (!r.custom) return { minutes: 0, source: "a component: its children take the time" };
    if (r.type === "azure-native:compute:VirtualMachineRunCommandByVirtualMachine") {
        const step = String(reveal(at(r.inputs, "runCommandName") ?? "") ?? "");
        return STEP_MINUTES[step] ?? (step.startsWith("forest-trust") ? FOREST_TRUST : { minutes: 5, source: OBSERVED });
    }
    if (r.type === "command:local:Command" && /^az vm start --ids (\/subscriptions\/\S+ )+--output none && az vm wait/.test(String(reveal(at(r.inputs, "create") ?? "") ?? ""))) return VM_START;
    return TYPE_MINUTES[r.type] ?? DEFAULT;
}

export interface CriticalPath {
    /** When the last resource is done, if everything that can run at once does. */
    minutes: number;
    /** The chain that decides it, first to last. */
    path: Array<{ resource: PlannedResource; minutes: number }>;
    /** All durations added up: one after another. */
    serialMinutes: number;
}

/** The longest chain of dependencies by duration (dependencies outside `resources` are taken as done). */
export function criticalPath(resources: PlannedResource[]): CriticalPath {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const finish = new Map<string, { at: number; via?: string }>();
    const visiting = new Set<string>();
    const finishOf = (r: PlannedResource): number => {
        const known = finish.get(r.urn);
        if (known) return known.at;
        if (visiting.has(r.urn)) throw new Error(`the plan has a dependency cycle through ${r.urn}`);
        visiting.add(r.urn);
        let start = 0;
        let via: string | undefined;
        for (const dep of r.dependencies) {
            const d = byUrn.get(dep);
            if (!d) continue;
            const done = finishOf(d);
            if (done > start) {
                start = done;
                via = dep;
            }
        }
        visiting.delete(r.urn);
        const at = start + durationOf(r).minutes;
        finish.set(r.urn, { at, via });
        return at;
    };
    let last: PlannedResource | undefined;
    for (const r of resources) if (!last || finishOf(r) > finishOf(last)) last = r;
    const path: CriticalPath["path"] = [];
    for (let u: string | undefined = last?.urn; u; u = finish.get(u)?.via) {
        const r = byUrn.get(u)!;
        path.unshift({ resource: r, minutes: durationOf(r).minutes });
    }
    return { minutes: last ? finishOf(last) : 0, path: path.filter((p) => p.minutes > 0), serialMinutes: resources.reduce((sum, r) => sum + durationOf(r).minutes, 0) };
}

export function renderCriticalPath(lab: string, cp: CriticalPath): string {
    const minutes = (m: number) => `${Math.round(m)} min`;
    const chain = cp.path
        .filter((p) => p.minutes >= 1)
        .map((p) => `${p.resource.name} ${minutes(p.minutes)}`)
        .join(" -> ");
    return `  ${lab.padEnd(12)} about ${minutes(cp.minutes)} (one after another: ${minutes(cp.serialMinutes)}); critical path: ${chain || "seconds"}`;
}
