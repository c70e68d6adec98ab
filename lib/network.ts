// A lab VNet: address space, subnets (declared inline, so Azure gets one consistent PUT
// and never creates subnets of one VNet in parallel) and an NSG on every ordinary subnet.
import * as network from "@pulumi/azure-native/network";
import type * as types from "@pulumi/azure-native/types";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./config";
import { checkLayout, takesNsg } from "./network-rules";

export interface SubnetSpec {
    /** Required. Subnet name; Azure's service subnets (GatewaySubnet...) keep their fixed names. */
    name: string;
    /** Required. CIDR block inside the VNet. */
    addressPrefix: string;
    /** Optional. Service the subnet is delegated to, e.g. `Microsoft.Network/dnsResolvers`. Default: none. */
    delegation?: string;
}

export interface LabNetworkArgs {
    /** Required. Resource group that holds the VNet and its NSGs. */
    resourceGroupName: pulumi.Input<string>;
    /** Required. Azure region. */
    location: pulumi.Input<string>;
    /** Required. The VNet's CIDR block. */
    addressSpace: string;
    /** Required. Subnets, each inside `addressSpace`. */
    subnets: SubnetSpec[];
    /** Optional. DNS servers the VNet hands out by DHCP. Default: Azure-provided DNS (168.63.129.16). */
    dnsServers?: string[];
    /**
     * Optional. NAT gateway for the ordinary subnets: outbound Internet only (downloads,
     * updates), nothing reaches in through it. Default: none; VMs get no Internet path.
     */
    natGatewayId?: pulumi.Input<string>;
    /**
     * Optional. Source CIDR allowed to reach RDP (TCP 3389) on ordinary subnets.
     * Default: none; the NSG then only has Azure's defaults (VNet traffic in, Internet denied).
     */
    rdpSourceCidr?: string;
    /** Required. Tags for the VNet and its NSGs. */
    tags: Record<string, string>;
}

export class LabNetwork extends pulumi.ComponentResource {
    readonly vnet: network.VirtualNetwork;
    /** NSGs by subnet name (ordinary subnets only). */
    readonly nsgs: Record<string, network.NetworkSecurityGroup> = {};
    /** Subnet ids by subnet name. */
    readonly subnetIds: pulumi.Output<Record<string, string>>;

    /** `name` is the VNet's name in Azure. */
    constructor(
        readonly vnetName: string,
        args: LabNetworkArgs,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("labs:azure:LabNetwork", vnetName, {}, opts);
        const name = vnetName;
        const issues = checkLayout(name, args.addressSpace, args.subnets);
        if (issues.length) {
            throw new ConfigError(
                issues.map((i) => ({
                    setting: i.subnet === undefined ? `LabNetwork(${name}).addressSpace` : `LabNetwork(${name}).subnets[${i.subnet}].${i.field ?? "addressPrefix"}`,
                    value: i.subnet === undefined ? args.addressSpace : i.field === "name" ? args.subnets[i.subnet].name : args.subnets[i.subnet].addressPrefix,
                    expected: i.expected,
                })),
            );
        }

        for (const subnet of args.subnets.filter((s) => takesNsg(s.name, s.delegation))) {
            const nsgName = `nsg-${name}-${subnet.name}`;
            this.nsgs[subnet.name] = new network.NetworkSecurityGroup(
                nsgName,
                {
                    networkSecurityGroupName: nsgName,
                    resourceGroupName: args.resourceGroupName,
                    location: args.location,
                    securityRules: args.rdpSourceCidr ? [rdpRule(args.rdpSourceCidr)] : [],
                    tags: args.tags,
                },
                { parent: this },
            );
        }

        this.vnet = new network.VirtualNetwork(
            name,
            {
                virtualNetworkName: name,
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                addressSpace: { addressPrefixes: [args.addressSpace] },
                dhcpOptions: { dnsServers: args.dnsServers ?? [] },
                subnets: args.subnets.map((s) => ({
                    name: s.name,
                    addressPrefix: s.addressPrefix,
                    networkSecurityGroup: this.nsgs[s.name] ? { id: this.nsgs[s.name].id } : undefined,
                    natGateway: this.nsgs[s.name] && args.natGatewayId ? { id: args.natGatewayId } : undefined,
                    delegations: s.delegation ? [{ name: s.delegation.replace(/\//g, "."), serviceName: s.delegation }] : undefined,
                    // Azure's default for new VNets since 2025-09-30, stated so it holds for any API version:
                    // lab VMs get no implicit Internet outbound path.
                    defaultOutboundAccess: false,
                })),
                tags: args.tags,
            },
            { parent: this },
        );

        this.subnetIds = this.vnet.subnets.apply((subnets) => Object.fromEntries((subnets ?? []).map((s) => [s.name ?? "", s.id ?? ""])));
        this.registerOutputs({ vnetId: this.vnet.id, subnetIds: this.subnetIds });
    }

    /** The id of subnet `name`. */
    subnetId(name: string): pulumi.Output<string> {
        const vnetName = this.vnetName;
        return this.subnetIds.apply((ids) => {
            const id = ids[name];
            if (!id) throw new Error(`VNet ${vnetName} has no subnet named ${name}`);
            return id;
        });
    }
}

function rdpRule(sourceCidr: string): types.input.network.SecurityRuleArgs {
    return {
        name: "allow-rdp-from-admin",
        description: "RDP from the lab administrator's network (config adminSourceCidr)",
        priority: 1000,
        direction: "Inbound",
        access: "Allow",
        protocol: "Tcp",
        sourceAddressPrefix: sourceCidr,
        sourcePortRange: "*",
        destinationAddressPrefix: "VirtualNetwork",
        destinationPortRange: "3389",
    };
}
