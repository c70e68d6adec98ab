// Where a name query goes, as the DNS post draws it: from each VNet's DHCP DNS setting to its
// server, from DNS forwarders to Azure DNS and to each other by zone, private zones and the
// VNets linked to them (with auto-registration), the Private Resolver's endpoints, ruleset,
// rules and the VNets the ruleset is linked to.
import type { PlannedResource } from "../engine/plan";
import { AZURE_CLOUD, type AzureNetwork, azureCloud, resourceGroupBox, vmNodeId } from "./azure-network";
import type { DiagramBuilder } from "./model";
import { type LabSource, armParent, text } from "./source";

const T = {
    vnet: "azure-native:network:VirtualNetwork",
    nic: "azure-native:network:NetworkInterface",
    vm: "azure-native:compute:VirtualMachine",
    runCommand: "azure-native:compute:VirtualMachineRunCommandByVirtualMachine",
    zone: "azure-native:privatedns:PrivateZone",
    zoneLink: "azure-native:privatedns:VirtualNetworkLink",
    record: "azure-native:privatedns:PrivateRecordSet",
    resolver: "azure-native:dnsresolver:DnsResolver",
    inbound: "azure-native:dnsresolver:InboundEndpoint",
    outbound: "azure-native:dnsresolver:OutboundEndpoint",
    ruleset: "azure-native:dnsresolver:DnsForwardingRuleset",
    rule: "azure-native:dnsresolver:ForwardingRule",
    rulesetLink: "azure-native:dnsresolver:PrivateResolverVirtualNetworkLink",
} as const;

/** The virtual IP every VNet reaches Azure DNS at. */
export const AZURE_DNS_IP = "168.63.129.16";

export function drawDns(builder: DiagramBuilder, source: LabSource, net: AzureNetwork): void {
    const target = (ip: string) => dnsTarget(builder, source, net, ip);
    drawResolvers(builder, source, net, target);
    drawPrivateZones(builder, source, net);
    drawVnetDnsSettings(builder, source, net, target);
    drawNicDnsSettings(builder, source);
    drawForwarders(builder, source, net, target);
}

/** The node answering at an IP: a VM or resolver endpoint of the lab, Azure DNS, or a server outside. */
function dnsTarget(builder: DiagramBuilder, source: LabSource, net: AzureNetwork, ip: string): string {
    const address = ip.replace(/:\d+$/, "");
    const known = net.nodesByIp.get(address);
    if (known) return known;
    if (address === AZURE_DNS_IP) {
        azureCloud(builder, source);
        return builder.node("azure-dns", "external", ["Azure DNS", AZURE_DNS_IP], AZURE_CLOUD).id;
    }
    return builder.node(`dns-server:${address}`, "external", ["DNS server outside the lab", address]).id;
}

function drawVnetDnsSettings(builder: DiagramBuilder, source: LabSource, net: AzureNetwork, target: (ip: string) => string): void {
    for (const vnet of source.ofType(T.vnet)) {
        const anchor = net.vnetAnchors.get((vnet.id ?? vnet.urn).toLowerCase());
        if (!anchor) continue;
        const servers = source.texts(vnet, "dhcpOptions.dnsServers");
        // An empty list is Azure-provided DNS: every VM asks 168.63.129.16.
        for (const server of servers.length > 0 ? servers : [AZURE_DNS_IP]) builder.edge(anchor, target(server), "dns", "VMs ask");
    }
}

/** A NIC's own DNS servers win over its VNet's: say so on the VM when they differ. */
function drawNicDnsSettings(builder: DiagramBuilder, source: LabSource): void {
    for (const vm of source.ofType(T.vm)) {
        const node = builder.getNode(vmNodeId(vm));
        if (!node) continue;
        for (const ref of source.objects(vm, "networkProfile.networkInterfaces")) {
            const nic = source.byCloudId(text(ref, "id"), T.nic);
            const servers = nic ? source.texts(nic, "dnsSettings.dnsServers") : [];
            const subnet = nic ? source.text(nic, "ipConfigurations[0].subnet.id") : undefined;
            const vnet = subnet ? source.byCloudId(armParent(subnet), T.vnet) : undefined;
            const inherited = vnet ? source.texts(vnet, "dhcpOptions.dnsServers") : [];
            if (servers.length > 0 && servers.join(",") !== inherited.join(",")) node.lines.push(`asks DNS ${servers.join(", ")}`);
        }
    }
}

/**
 * Forwarders set up inside VMs by Run Command: the dns-lab forwarder (Forwarders, and
 * ConditionalForwardersBase64 = base64 JSON [{zone, servers}]) and the rms-lab domain
 * controllers (ConditionalForwarders = "zone=ip;zone=ip").
 */
function drawForwarders(builder: DiagramBuilder, source: LabSource, net: AzureNetwork, target: (ip: string) => string): void {
    const vms = new Set(net.vmsByName.values());
    for (const command of source.ofType(T.runCommand)) {
        const { vm } = source.runCommandOf(command);
        const from = vm ? net.vmsByName.get(vm) : undefined;
        if (!from) continue;
        // Forwarders asking each other are peers: side by side, not one above the other.
        const forward = (server: string, label: string) => {
            const to = target(server);
            builder.edge(from, to, "dns", label, { sideways: vms.has(to) });
        };
        const parameters = source.runCommandParameters(command);
        for (const server of splitList(parameters.Forwarders)) forward(server, "all other names");
        for (const { zone, servers } of parseZoneServers(parameters.ConditionalForwardersBase64)) {
            for (const server of servers) forward(server, zone);
        }
        for (const entry of splitList(parameters.ConditionalForwarders, /;/)) {
            const eq = entry.indexOf("=");
            if (eq <= 0) continue;
            const zone = entry.slice(0, eq).trim();
            for (const server of splitList(entry.slice(eq + 1))) forward(server, zone);
        }
    }
}

function splitList(value: string | undefined, separator: RegExp = /[\s,;]+/): string[] {
    return (value ?? "")
        .split(separator)
        .map((s) => s.trim())
        .filter((s) => s);
}

/** `[{zone, servers}]` JSON; anything else (not JSON, wrong shape) is no forwarders. */
export function parseZoneServers(json: string | undefined): Array<{ zone: string; servers: string[] }> {
    if (!json) return [];
    let parsed: unknown;
    try {
        parsed = JSON.parse(json);
    } catch {
        return [];
    }
    if (!Array.isArray(parsed)) return [];
    const result: Array<{ zone: string; servers: string[] }> = [];
    for (const entry of parsed as unknown[]) {
        if (typeof entry !== "object" || entry === null) continue;
        const { zone, servers } = entry as { zone?: unknown; servers?: unknown };
        if (typeof zone !== "string" || !Array.isArray(servers)) continue;
        result.push({ zone, servers: servers.filter((s): s is string => typeof s === "string") });
    }
    return result;
}

function drawPrivateZones(builder: DiagramBuilder, source: LabSource, net: AzureNetwork): void {
    for (const zone of source.ofType(T.zone)) {
        const name = source.text(zone, "privateZoneName") ?? zone.name;
        const rg = source.text(zone, "resourceGroupName") ?? "resource group";
        const records = source
            .ofType(T.record)
            .filter((r) => source.text(r, "privateZoneName") === name && source.text(r, "resourceGroupName") === rg)
            .map((r) => `${source.text(r, "relativeRecordSetName") ?? r.name} ${source.text(r, "recordType") ?? ""}`.trim());
        const id = `zone:${zone.urn}`;
        builder.node(id, "dns", [name, "private DNS zone", ...records], resourceGroupBox(builder, source, rg));
        for (const link of source.ofType(T.zoneLink).filter((l) => source.text(l, "privateZoneName") === name && source.text(l, "resourceGroupName") === rg)) {
            const vnet = net.vnetAnchors.get(source.text(link, "virtualNetwork.id")?.toLowerCase() ?? "");
            if (!vnet) continue;
            builder.edge(id, vnet, "link", source.bool(link, "registrationEnabled") ? "linked, VMs auto-register" : "linked, resolution only");
        }
    }
}

function drawResolvers(builder: DiagramBuilder, source: LabSource, net: AzureNetwork, target: (ip: string) => string): void {
    const inside = (r: PlannedResource, subnetPath: string) => {
        const subnet = source.text(r, subnetPath)?.toLowerCase();
        return (subnet && net.subnetClusters.get(subnet)) || resourceGroupBox(builder, source, source.text(r, "resourceGroupName") ?? "resource group");
    };
    const drawnResolvers = new Set<string>();
    for (const endpoint of source.ofType(T.inbound)) {
        const ips = source.objects(endpoint, "ipConfigurations").map((c) => text(c, "privateIpAddress") ?? "dynamic IP");
        const resolver = source.text(endpoint, "dnsResolverName") ?? "";
        drawnResolvers.add(resolver);
        const id = `dns-in:${endpoint.urn}`;
        builder.node(id, "dns", [source.text(endpoint, "inboundEndpointName") ?? endpoint.name, `${resolver} inbound endpoint`, ...ips], inside(endpoint, "ipConfigurations[0].subnet.id"));
        for (const ip of ips) net.nodesByIp.set(ip, id);
    }
    const outboundById = new Map<string, string>();
    for (const endpoint of source.ofType(T.outbound)) {
        const resolver = source.text(endpoint, "dnsResolverName") ?? "";
        drawnResolvers.add(resolver);
        const id = `dns-out:${endpoint.urn}`;
        builder.node(id, "dns", [source.text(endpoint, "outboundEndpointName") ?? endpoint.name, `${resolver} outbound endpoint`], inside(endpoint, "subnet.id"));
        if (endpoint.id) outboundById.set(endpoint.id.toLowerCase(), id);
    }
    for (const resolver of source.ofType(T.resolver)) {
        const name = source.text(resolver, "dnsResolverName") ?? resolver.name;
        if (drawnResolvers.has(name)) continue;
        const vnet = net.vnetClusters.get(source.text(resolver, "virtualNetwork.id")?.toLowerCase() ?? "");
        builder.node(`dns-resolver:${resolver.urn}`, "dns", [name, "DNS Private Resolver, no endpoints"], vnet ?? resourceGroupBox(builder, source, source.text(resolver, "resourceGroupName") ?? "resource group"));
    }
    for (const ruleset of source.ofType(T.ruleset)) {
        const name = source.text(ruleset, "dnsForwardingRulesetName") ?? ruleset.name;
        const rg = source.text(ruleset, "resourceGroupName") ?? "resource group";
        const rules = source.ofType(T.rule).filter((r) => source.text(r, "dnsForwardingRulesetName") === name && source.text(r, "resourceGroupName") === rg);
        const id = `dns-ruleset:${ruleset.urn}`;
        const ruleLines = rules.map((r) => `${source.text(r, "domainName") ?? r.name} -> ${ruleTargets(source, r).join(", ")}${source.text(r, "forwardingRuleState") === "Disabled" ? " (disabled)" : ""}`);
        builder.node(id, "dns", [name, "forwarding ruleset", ...ruleLines], resourceGroupBox(builder, source, rg));
        const outbound = source
            .objects(ruleset, "dnsResolverOutboundEndpoints")
            .map((ref) => outboundById.get(text(ref, "id")?.toLowerCase() ?? ""))
            .filter((o): o is string => o !== undefined);
        for (const o of outbound) builder.edge(id, o, "dns", "rules leave through");
        // Queries a rule matches leave through the outbound endpoint towards the rule's targets.
        for (const rule of rules) {
            for (const server of ruleTargets(source, rule)) builder.edge(outbound[0] ?? id, target(server), "dns", source.text(rule, "domainName") ?? rule.name);
        }
        for (const link of source.ofType(T.rulesetLink).filter((l) => source.text(l, "dnsForwardingRulesetName") === name && source.text(l, "resourceGroupName") === rg)) {
            const vnet = net.vnetAnchors.get(source.text(link, "virtualNetwork.id")?.toLowerCase() ?? "");
            if (vnet) builder.edge(id, vnet, "link", "ruleset linked");
        }
    }
}

function ruleTargets(source: LabSource, rule: PlannedResource): string[] {
    return source.objects(rule, "targetDnsServers").map((t) => {
        const ip = text(t, "ipAddress") ?? "?";
        const port = t.port;
        return typeof port === "number" && port !== 53 ? `${ip}:${port}` : ip;
    });
}
