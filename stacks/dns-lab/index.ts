// The DNS lab: the private DNS patterns of "DNS in Microsoft Azure", each a complete lab of
// VNets and Windows VMs that resolve each other the way the pattern describes.
import * as network from "@pulumi/azure-native/network";
import * as resources from "@pulumi/azure-native/resources";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { LabNetwork } from "../../lib/network";
import { createOutboundNat } from "../../lib/outbound-nat";
import { WindowsVm, describeAutoShutdown } from "../../lib/windows-vm";
import type { DnsLabArgs, VnetSpec } from "./config";
import { AZURE_DNS, configureForwarders } from "./forwarders";
import { type VmOutput, describeVms, nameChecks } from "./outputs";
import { createPrivateZone } from "./private-dns";
import { createResolver } from "./resolver";
import { peeringPairs } from "./topology";

export type { DnsLabArgs } from "./config";

export class DnsLab extends pulumi.ComponentResource {
    readonly resourceGroup: resources.ResourceGroup;
    readonly networks: Record<string, LabNetwork> = {};
    readonly vms: Record<string, WindowsVm> = {};
    readonly adminPassword: pulumi.Output<string>;
    /**
     * What `pulumi stack output dns-lab` shows: VMs and how to reach them, and what each should
     * resolve. A plain record, so the one secret in it (adminPassword) does not hide the rest.
     */
    readonly outputs: Record<string, pulumi.Input<unknown>>;

    constructor(name: string, args: DnsLabArgs, opts?: pulumi.ComponentResourceOptions) {
        super("labs:dns:DnsLab", name, {}, opts);
        const parent = { parent: this };
        const rgName = args.resourceGroupName;

        this.resourceGroup = new resources.ResourceGroup(rgName, { resourceGroupName: rgName, location: args.location, tags: args.tags }, parent);
        const password = new random.RandomPassword(
            "admin-password",
            // Azure wants 12-123 characters from three of four classes; these specials survive RDP clients and shells.
            { length: 24, special: true, overrideSpecial: "!#%*()-_=+[]{}:?", minUpper: 2, minLower: 2, minNumeric: 2, minSpecial: 2 },
            parent,
        );
        this.adminPassword = pulumi.secret(password.result);

        for (const vnet of args.vnets) {
            const nat = args.outboundInternet ? createOutboundNat(`ng-dns-${vnet.name}`, { resourceGroupName: this.resourceGroup.name, location: args.location, tags: args.tags }, this) : undefined;
            this.networks[vnet.name] = new LabNetwork(
                vnet.name,
                {
                    resourceGroupName: this.resourceGroup.name,
                    location: args.location,
                    addressSpace: vnet.addressSpace,
                    subnets: vnet.subnets,
                    dnsServers: vnetDnsServers(args, vnet),
                    natGatewayId: nat?.id,
                    rdpSourceCidr: args.windows.rdpSourceCidr,
                    tags: args.tags,
                },
                parent,
            );
        }
        const peerings = this.createPeerings(args);

        for (const vnet of args.vnets) {
            for (const vm of vnet.vms) {
                const isForwarder = args.pattern === "byo-forwarders" && vm.name === vnet.forwarder;
                this.vms[vm.name] = new WindowsVm(
                    vm.name,
                    {
                        resourceGroupName: this.resourceGroup.name,
                        location: args.location,
                        subnetId: this.networks[vnet.name].subnetId(vnet.serverSubnet),
                        privateIp: vm.ip,
                        // A forwarder asks itself first (so it resolves other VNets too) and Azure DNS
                        // second, which answers while its own DNS role is not installed yet.
                        dnsServers: isForwarder ? [vm.ip, AZURE_DNS] : undefined,
                        size: args.windows.size,
                        image: args.windows.image,
                        adminUsername: args.windows.adminUsername,
                        adminPassword: this.adminPassword,
                        trustedLaunch: args.windows.trustedLaunch,
                        autoShutdown: args.windows.autoShutdown,
                        tags: args.tags,
                    },
                    parent,
                );
            }
        }

        let resolverIp: pulumi.Output<string> | undefined;
        switch (args.pattern) {
            case "byo-forwarders":
                configureForwarders(args, this.vms, peerings);
                break;
            case "private-zones":
                createPrivateZone({ resourceGroupName: this.resourceGroup.name, zone: args.zone, linkedVnets: args.vnets.map((v) => v.name), networks: this.networks, tags: args.tags }, this);
                break;
            case "private-resolver":
                createPrivateZone({ resourceGroupName: this.resourceGroup.name, zone: args.zone, linkedVnets: [args.vnets[0].name], networks: this.networks, tags: args.tags }, this);
                resolverIp = createResolver(args, this.resourceGroup.name, this.networks, this).inboundIp;
                break;
            case "azure-provided":
                break;
        }

        // Last: each VM's auto-shutdown, after every step of the lab (the forwarders serve each other).
        const forwarderSteps = Object.values(this.vms).flatMap((vm) => vm.steps);
        for (const vm of Object.values(this.vms)) vm.scheduleShutdown(forwarderSteps);

        const vms: pulumi.Output<VmOutput[]> = describeVms(args, this.vms);
        this.outputs = {
            pattern: args.pattern,
            resourceGroup: this.resourceGroup.name,
            location: args.location,
            adminUsername: args.windows.adminUsername,
            adminPassword: this.adminPassword,
            vnets: args.vnets.map((v) => ({ name: v.name, addressSpace: v.addressSpace, dnsServers: vnetDnsServers(args, v) ?? [`Azure-provided (${AZURE_DNS})`] })),
            privateZone: args.pattern === "private-zones" || args.pattern === "private-resolver" ? args.zone.name : undefined,
            resolverInboundIp: resolverIp,
            vms,
            checks: vms.apply((v) => nameChecks(args, v)),
            autoShutdown: describeAutoShutdown(args.windows.autoShutdown, [{ resourceGroup: rgName, vms: args.vnets.flatMap((v) => v.vms.map((vm) => vm.name)) }]),
        };
        this.registerOutputs({ outputs: this.outputs });
    }

    /**
     * Both directions of every pair, created one after another: each peering updates both
     * VNets, and Azure answers concurrent updates with AnotherOperationInProgress.
     */
    private createPeerings(args: DnsLabArgs): network.VirtualNetworkPeering[] {
        // private-resolver is hub-and-spoke by design: spokes reach the resolver through the hub.
        const mode = args.pattern === "private-resolver" ? "hub-spoke" : args.peering;
        const all: network.VirtualNetworkPeering[] = [];
        for (const [from, to] of peeringPairs(
            args.vnets.map((v) => v.name),
            mode,
        )) {
            const peeringName = `peer-${from}-to-${to}`;
            const peering = new network.VirtualNetworkPeering(
                peeringName,
                {
                    virtualNetworkPeeringName: peeringName,
                    virtualNetworkName: this.networks[from].vnet.name,
                    resourceGroupName: this.resourceGroup.name,
                    remoteVirtualNetwork: { id: this.networks[to].vnet.id },
                    allowVirtualNetworkAccess: true,
                    allowForwardedTraffic: false,
                    allowGatewayTransit: false,
                    useRemoteGateways: false,
                },
                { parent: this, dependsOn: all.slice(-1) },
            );
            all.push(peering);
        }
        return all;
    }
}

/** What each VNet's DHCP hands out: its forwarder (byo-forwarders) or Azure DNS (undefined). */
export function vnetDnsServers(args: DnsLabArgs, vnet: VnetSpec): string[] | undefined {
    if (args.pattern !== "byo-forwarders") return undefined;
    const forwarder = vnet.vms.find((vm) => vm.name === vnet.forwarder);
    return forwarder ? [forwarder.ip] : undefined;
}
