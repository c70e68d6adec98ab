// private-resolver: a DNS Private Resolver in the hub, rulesets for the spokes.
import { beforeAll, describe, expect, it } from "vitest";
import type { Plan } from "../../cli/engine/plan";
import { input, ofType, one, output, planLab, stackOutput } from "../support";
import { itKeepsTheLabHygiene } from "../hygiene";
import { DNS_LAB } from "./expectations";

const last = (id: string) => id.split("/").pop();

describe("dns-lab: private-resolver", () => {
    let plan: Plan;
    beforeAll(async () => {
        plan = await planLab("dns-lab", { dnsPattern: "private-resolver", dnsForwardingRules: [{ domain: "home.lab", targets: ["192.168.1.10"] }] });
    });

    it("gives the hub two /28 endpoint subnets delegated to the resolver, without NSGs", () => {
        const hub = one(plan, "azure-native:network:VirtualNetwork", "vnet1");
        expect(input(hub, "subnets")).toEqual([
            expect.objectContaining({ name: "snet-servers", addressPrefix: "10.101.0.0/24" }),
            { name: "snet-dns-inbound", addressPrefix: "10.101.1.0/28", delegations: [{ name: "Microsoft.Network.dnsResolvers", serviceName: "Microsoft.Network/dnsResolvers" }], defaultOutboundAccess: false },
            { name: "snet-dns-outbound", addressPrefix: "10.101.1.16/28", delegations: [{ name: "Microsoft.Network.dnsResolvers", serviceName: "Microsoft.Network/dnsResolvers" }], defaultOutboundAccess: false },
        ]);
    });

    it("puts the resolver in the hub with a static inbound endpoint and an outbound endpoint in their subnets", () => {
        const resolver = one(plan, "azure-native:dnsresolver:DnsResolver", "dnspr-vnet1");
        expect(last(input<string>(resolver, "virtualNetwork.id"))).toBe("vnet1");
        const inbound = one(plan, "azure-native:dnsresolver:InboundEndpoint", "dnspr-vnet1-in");
        expect(input(inbound, "ipConfigurations")).toEqual([{ subnet: { id: expect.stringMatching(/virtualNetworks\/vnet1\/subnets\/snet-dns-inbound$/) }, privateIpAllocationMethod: "Static", privateIpAddress: "10.101.1.4" }]);
        const outbound = one(plan, "azure-native:dnsresolver:OutboundEndpoint", "dnspr-vnet1-out");
        expect(input(outbound, "subnet.id")).toMatch(/virtualNetworks\/vnet1\/subnets\/snet-dns-outbound$/);
        expect(stackOutput(plan, "dns-lab.resolverInboundIp")).toBe("10.101.1.4");
    });

    it("forwards the lab zone to the inbound endpoint and configured domains to their servers", () => {
        const ruleset = one(plan, "azure-native:dnsresolver:DnsForwardingRuleset", "dnsfrs-vnet1");
        expect(input(ruleset, "dnsResolverOutboundEndpoints")).toEqual([{ id: one(plan, "azure-native:dnsresolver:OutboundEndpoint", "dnspr-vnet1-out").id }]);
        const rules = ofType(plan, "azure-native:dnsresolver:ForwardingRule")
            .map((r) => [input<string>(r, "domainName"), input(r, "targetDnsServers"), input(r, "forwardingRuleState")] as const)
            .sort((a, b) => a[0].localeCompare(b[0]));
        expect(rules).toEqual([
            ["dnslab.internal.", [{ ipAddress: "10.101.1.4", port: 53 }], "Enabled"],
            ["home.lab.", [{ ipAddress: "192.168.1.10", port: 53 }], "Enabled"],
        ]);
    });

    it("links the ruleset to the spokes only, and the zone to the hub only, where it registers", () => {
        expect(ofType(plan, "azure-native:dnsresolver:PrivateResolverVirtualNetworkLink").map((l) => last(input<string>(l, "virtualNetwork.id")))).toEqual(["vnet2"]);
        expect(ofType(plan, "azure-native:privatedns:VirtualNetworkLink").map((l) => [last(input<string>(l, "virtualNetwork.id")), input(l, "registrationEnabled")])).toEqual([["vnet1", true]]);
    });

    it("peers spokes to the hub and keeps every VNet on Azure DNS", () => {
        expect(ofType(plan, "azure-native:network:VirtualNetworkPeering").map((p) => `${input<string>(p, "virtualNetworkName")}->${last(input<string>(p, "remoteVirtualNetwork.id"))}`).sort()).toEqual(["vnet1->vnet2", "vnet2->vnet1"]);
        for (const vnet of ofType(plan, "azure-native:network:VirtualNetwork")) expect(input(vnet, "dhcpOptions.dnsServers")).toEqual([]);
    });

    it("expects the spoke's VM to resolve the hub's VMs by their zone names", () => {
        const checks = stackOutput<Array<{ vm: string; name: string; expect: string }>>(plan, "dns-lab.checks");
        expect(checks.filter((c) => c.vm === "azuredns2")).toEqual([
            { vm: "azuredns2", name: "azuredns.dnslab.internal", expect: "10.101.0.4" },
            { vm: "azuredns2", name: "azuredns1.dnslab.internal", expect: "10.101.0.5" },
        ]);
        expect(output(one(plan, "azure-native:dnsresolver:InboundEndpoint", "dnspr-vnet1-in"), "ipConfigurations[0].privateIpAddress")).toBe("10.101.1.4");
    });

    itKeepsTheLabHygiene(() => plan, DNS_LAB);
});
