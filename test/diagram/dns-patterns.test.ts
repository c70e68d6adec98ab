// The dns-lab picture for each of the post's DNS patterns: the network as planned, and the
// path a query takes in that pattern. The four plans run side by side (a child process each).
import { beforeAll, describe, expect, it } from "vitest";
import { diagramOf } from "../../cli/diagram";
import { type Diagram, type DiagramCluster, allNodes } from "../../cli/diagram/model";
import { input } from "../support";
import { type Drawn, expectNetworkShown, labResources, planAndDraw } from "./support";
import { shows } from "./svg";

const PATTERNS = ["azure-provided", "byo-forwarders", "private-zones", "private-resolver"] as const;
type Pattern = (typeof PATTERNS)[number];

const drawn = {} as Record<Pattern, Drawn>;
beforeAll(async () => {
    const all = await Promise.all(PATTERNS.map((dnsPattern) => planAndDraw("dns-lab", { dnsPattern })));
    PATTERNS.forEach((p, i) => (drawn[p] = all[i]));
});

/** "from -> to: label" of the DNS arrows, by the first label line of each end. */
function dnsArrows(d: Drawn): string[] {
    const diagram = diagramOf(d.plan, "dns-lab");
    const names = new Map(allNodes(diagram).map((n) => [n.id, n.lines[0]]));
    return diagram.edges.filter((e) => e.kind === "dns" || e.kind === "link").map((e) => `${names.get(e.from)} -> ${names.get(e.to)}: ${e.label ?? ""}`);
}

/** The node arrows to a VNet end at (its DNS caption), found by the VNet's name. */
function vnetAnchor(diagram: Diagram, vnet: string): string | undefined {
    const walk = (c: DiagramCluster): DiagramCluster[] => [c, ...c.clusters.flatMap(walk)];
    return diagram.clusters
        .flatMap(walk)
        .find((c) => c.kind === "vnet" && c.lines[0] === vnet)
        ?.nodes.find((n) => n.kind === "note")?.id;
}

describe("labs diagram: dns-lab patterns", () => {
    it.each(PATTERNS)("%s: well-formed SVG with every VNet and CIDR, every VM IP, the resource group, no Graphviz warning", (pattern) => {
        const d = drawn[pattern];
        expect(d.svg["dns-lab"].root).toBe("svg");
        expectNetworkShown(d.plan, "dns-lab", d.svg["dns-lab"]);
        expect(shows(d.svg["dns-lab"], pattern), "the pattern is in the title").toBe(true);
        expect(d.pictures[0].warnings).toEqual([]);
    });

    it("azure-provided: the VNet's VMs ask Azure DNS at 168.63.129.16", () => {
        expect(dnsArrows(drawn["azure-provided"])).toEqual(["DNS servers: Azure-provided (168.63.129.16) -> Azure DNS: VMs ask"]);
    });

    it("byo-forwarders: each VNet asks its forwarder, which forwards the other VNet's namespace to its peer and the rest to Azure DNS", () => {
        const d = drawn["byo-forwarders"];
        const arrows = dnsArrows(d);
        for (const vnet of labResources(d.plan, "dns-lab", "azure-native:network:VirtualNetwork")) {
            const servers = input<string[]>(vnet, "dhcpOptions.dnsServers");
            expect(servers).toHaveLength(1);
            const forwarder = labResources(d.plan, "dns-lab", "azure-native:network:NetworkInterface").find((n) => input(n, "ipConfigurations[0].privateIPAddress") === servers[0]);
            expect(arrows).toContain(`DNS servers: ${servers[0]} -> ${input<string>(forwarder!, "networkInterfaceName").replace(/^nic-/, "")}: VMs ask`);
        }
        for (const command of labResources(d.plan, "dns-lab", "azure-native:compute:VirtualMachineRunCommandByVirtualMachine")) {
            const parameters = Object.fromEntries(input<Array<{ name: string; value: string }>>(command, "parameters").map((p) => [p.name, p.value]));
            const vm = input<string>(command, "vmName");
            expect(arrows).toContain(`${vm} -> Azure DNS: all other names`);
            const conditional = JSON.parse(Buffer.from(parameters.ConditionalForwardersBase64, "base64").toString("utf8")) as Array<{ zone: string; servers: string[] }>;
            expect(conditional.length).toBeGreaterThan(0);
            for (const { zone, servers } of conditional) {
                for (const server of servers) {
                    const peer = labResources(d.plan, "dns-lab", "azure-native:network:NetworkInterface").find((n) => input(n, "ipConfigurations[0].privateIPAddress") === server);
                    expect(arrows).toContain(`${vm} -> ${input<string>(peer!, "networkInterfaceName").replace(/^nic-/, "")}: ${zone}`);
                    expect(shows(d.svg["dns-lab"], zone), zone).toBe(true);
                }
            }
        }
        expect(shows(d.svg["dns-lab"], "dns-forwarder")).toBe(true);
        expect(shows(d.svg["dns-lab"], "peering")).toBe(true);
    });

    it("private-zones: the zone, linked to every VNet with auto-registration", () => {
        const d = drawn["private-zones"];
        const zone = input<string>(labResources(d.plan, "dns-lab", "azure-native:privatedns:PrivateZone")[0], "privateZoneName");
        expect(shows(d.svg["dns-lab"], zone)).toBe(true);
        expect(shows(d.svg["dns-lab"], "private DNS zone")).toBe(true);
        const links = labResources(d.plan, "dns-lab", "azure-native:privatedns:VirtualNetworkLink");
        expect(links.map((l) => input<string>(l, "virtualNetwork.id").split("/").pop())).toEqual(["vnet1", "vnet2"]);
        const diagram = diagramOf(d.plan, "dns-lab");
        const zoneNode = allNodes(diagram).find((n) => n.lines[0] === zone)!.id;
        for (const link of links) {
            const vnet = input<string>(link, "virtualNetwork.id").split("/").pop()!;
            const label = input<boolean>(link, "registrationEnabled") ? "linked, VMs auto-register" : "linked, resolution only";
            expect(diagram.edges.filter((e) => e.from === zoneNode && e.to === vnetAnchor(diagram, vnet) && e.label === label), vnet).toHaveLength(1);
        }
    });

    it("private-resolver: endpoints in their delegated subnets with the inbound IP, the ruleset, its rule and its link to the spoke", () => {
        const d = drawn["private-resolver"];
        const svg = d.svg["dns-lab"];
        const inbound = labResources(d.plan, "dns-lab", "azure-native:dnsresolver:InboundEndpoint")[0];
        const inboundIp = input<string>(inbound, "ipConfigurations[0].privateIpAddress");
        expect(inboundIp).toBe("10.101.1.4");
        for (const text of [inboundIp, input<string>(inbound, "inboundEndpointName"), "10.101.1.0/28", "10.101.1.16/28", "delegated to Microsoft.Network/dnsResolvers"]) expect(shows(svg, text), text).toBe(true);
        const ruleset = input<string>(labResources(d.plan, "dns-lab", "azure-native:dnsresolver:DnsForwardingRuleset")[0], "dnsForwardingRulesetName");
        const rule = labResources(d.plan, "dns-lab", "azure-native:dnsresolver:ForwardingRule")[0];
        const outbound = input<string>(labResources(d.plan, "dns-lab", "azure-native:dnsresolver:OutboundEndpoint")[0], "outboundEndpointName");
        const arrows = dnsArrows(d);
        expect(arrows).toContain(`${ruleset} -> ${outbound}: rules leave through`);
        expect(arrows).toContain(`${outbound} -> ${input<string>(inbound, "inboundEndpointName")}: ${input<string>(rule, "domainName")}`);
        const spokes = labResources(d.plan, "dns-lab", "azure-native:dnsresolver:PrivateResolverVirtualNetworkLink");
        expect(spokes.length).toBeGreaterThan(0);
        const diagram = diagramOf(d.plan, "dns-lab");
        const rulesetNode = allNodes(diagram).find((n) => n.lines[0] === ruleset)!.id;
        for (const spoke of spokes) {
            const vnet = input<string>(spoke, "virtualNetwork.id").split("/").pop()!;
            expect(diagram.edges.filter((e) => e.from === rulesetNode && e.to === vnetAnchor(diagram, vnet) && e.kind === "link"), vnet).toHaveLength(1);
        }
    });
});
