// Azure DNS Private Resolver in the hub (Microsoft's distributed DNS design): the private
// zone is linked to the hub only; spokes keep Azure DNS and get a forwarding ruleset that
// sends the zone to the hub's inbound endpoint, plus any rules from configuration.
// The ruleset is not linked to the hub: a rule there pointing at its own inbound endpoint loops.
// learn.microsoft.com/azure/dns/private-resolver-architecture
import { createHash } from "node:crypto";
import * as dnsresolver from "@pulumi/azure-native/dnsresolver";
import * as pulumi from "@pulumi/pulumi";
import type { LabNetwork } from "../../lib/network";
import { type DnsLabArgs, INBOUND_SUBNET_NAME, OUTBOUND_SUBNET_NAME } from "./config";

export interface ResolverResult {
    resolver: dnsresolver.DnsResolver;
    inboundEndpoint: dnsresolver.InboundEndpoint;
    inboundIp: pulumi.Output<string>;
    ruleset: dnsresolver.DnsForwardingRuleset;
}

/**
 * A forwarding rule's name: readable, at most 80 characters as Azure allows, and distinct
 * for distinct domains (a.b.com and a-b.com both read "a-b-com"; the hash tells them apart).
 */
export function ruleName(domain: string): string {
    const slug = domain.toLowerCase().replace(/\.$/, "").replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 70);
    return `${slug}-${createHash("sha256").update(domain.toLowerCase()).digest("hex").slice(0, 8)}`;
}

export function createResolver(args: DnsLabArgs, resourceGroupName: pulumi.Input<string>, networks: Record<string, LabNetwork>, parent: pulumi.Resource): ResolverResult {
    const hub = args.vnets[0];
    const hubNet = networks[hub.name];
    const common = { resourceGroupName, location: args.location, tags: args.tags };

    const resolverName = `dnspr-${hub.name}`;
    const resolver = new dnsresolver.DnsResolver(resolverName, { ...common, dnsResolverName: resolverName, virtualNetwork: { id: hubNet.vnet.id } }, { parent });
    const inboundEndpoint = new dnsresolver.InboundEndpoint(
        `${resolverName}-in`,
        {
            ...common,
            dnsResolverName: resolver.name,
            inboundEndpointName: `in-${hub.name}`,
            ipConfigurations: [{ subnet: { id: hubNet.subnetId(INBOUND_SUBNET_NAME) }, privateIpAllocationMethod: "Static", privateIpAddress: args.resolver.inboundIp }],
        },
        { parent },
    );
    const outboundEndpoint = new dnsresolver.OutboundEndpoint(
        `${resolverName}-out`,
        { ...common, dnsResolverName: resolver.name, outboundEndpointName: `out-${hub.name}`, subnet: { id: hubNet.subnetId(OUTBOUND_SUBNET_NAME) } },
        { parent },
    );

    const rulesetName = `dnsfrs-${hub.name}`;
    const ruleset = new dnsresolver.DnsForwardingRuleset(rulesetName, { ...common, dnsForwardingRulesetName: rulesetName, dnsResolverOutboundEndpoints: [{ id: outboundEndpoint.id }] }, { parent });
    const inboundIp = inboundEndpoint.ipConfigurations.apply((c) => c[0]?.privateIpAddress ?? args.resolver.inboundIp);

    const rules = [{ name: "lab-zone", domain: `${args.zone.name}.`, targets: [{ ipAddress: inboundIp, port: 53 }] }].concat(
        args.forwardingRules.map((r) => ({
            name: ruleName(r.domain),
            domain: r.domain,
            targets: r.targets.map((t) => ({ ipAddress: pulumi.output(t.ip), port: t.port })),
        })),
    );
    for (const rule of rules) {
        new dnsresolver.ForwardingRule(
            `${rulesetName}-${rule.name}`,
            {
                resourceGroupName,
                dnsForwardingRulesetName: ruleset.name,
                forwardingRuleName: rule.name,
                domainName: rule.domain,
                forwardingRuleState: "Enabled",
                targetDnsServers: rule.targets,
            },
            { parent },
        );
    }
    for (const spoke of args.vnets.slice(1)) {
        new dnsresolver.PrivateResolverVirtualNetworkLink(
            `${rulesetName}-link-${spoke.name}`,
            { resourceGroupName, dnsForwardingRulesetName: ruleset.name, virtualNetworkLinkName: `link-${spoke.name}`, virtualNetwork: { id: networks[spoke.name].vnet.id } },
            { parent },
        );
    }
    return { resolver, inboundEndpoint, inboundIp, ruleset };
}
