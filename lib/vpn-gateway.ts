// A route-based Azure VPN gateway with a site-to-site IPsec (IKEv2) tunnel to a home lab.
// 2026 rules: Basic public IPs are retired and non-AZ VpnGw SKUs can no longer be created, so
// the gateway takes an AZ SKU and a zone-redundant Standard public IP.
// learn.microsoft.com/azure/vpn-gateway/about-gateway-skus, gateway-sku-consolidation
import * as network from "@pulumi/azure-native/network";
import * as pulumi from "@pulumi/pulumi";
import { azureRegion } from "./azure-facts";
import { ConfigError } from "./config";

export const VPN_SKUS = ["VpnGw1AZ", "VpnGw2AZ", "VpnGw3AZ", "VpnGw4AZ", "VpnGw5AZ"] as const;
export type VpnSku = (typeof VPN_SKUS)[number];

/**
 * The gateway generation each SKU is created as. VpnGw1AZ exists only as Generation1 and
 * VpnGw4AZ/VpnGw5AZ only as Generation2; VpnGw2AZ and VpnGw3AZ exist as both, and Generation2
 * gives more throughput at the same price. learn.microsoft.com/azure/vpn-gateway/about-gateway-skus
 * (the aggregate-throughput table).
 */
export const VPN_GENERATION: Record<VpnSku, "Generation1" | "Generation2"> = {
    VpnGw1AZ: "Generation1",
    VpnGw2AZ: "Generation2",
    VpnGw3AZ: "Generation2",
    VpnGw4AZ: "Generation2",
    VpnGw5AZ: "Generation2",
};

/**
 * A gateway takes 30 to 45 minutes or more to create; Pulumi's default timeout would give up
 * while Azure is still working. learn.microsoft.com/azure/vpn-gateway/tutorial-create-gateway-portal
 */
export const GATEWAY_TIMEOUTS = { create: "120m", update: "90m", delete: "90m" };

export interface HomeSite {
    /** Public IPv4 of the home router. */
    publicIp: string;
    /** Networks behind it. */
    addressSpaces: string[];
}

export interface VpnGatewayArgs {
    /** Required. Resource group of the gateway, its public IP and its connection. */
    resourceGroupName: pulumi.Input<string>;
    /** Required. Azure region. */
    location: pulumi.Input<string>;
    /** Required. The VNet's GatewaySubnet (at least /27). */
    gatewaySubnetId: pulumi.Input<string>;
    /** Optional. Gateway SKU, an AZ SKU. Default: VpnGw1AZ. */
    sku?: VpnSku;
    /** Required. Tags for every resource it creates. */
    tags: Record<string, string>;
}

export class VpnGateway extends pulumi.ComponentResource {
    readonly publicIp: network.PublicIPAddress;
    readonly gateway: network.VirtualNetworkGateway;
    private readonly args: VpnGatewayArgs;

    /** `name` becomes vgw-<name> for the gateway and pip-vgw-<name> for its public IP. */
    constructor(
        readonly gatewayName: string,
        args: VpnGatewayArgs,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("labs:azure:VpnGateway", gatewayName, {}, opts);
        const sku = args.sku ?? "VpnGw1AZ";
        if (!VPN_SKUS.includes(sku)) throw new ConfigError([{ setting: `VpnGateway(${gatewayName}).sku`, value: sku, expected: `one of ${VPN_SKUS.join(", ")} (non-AZ SKUs can no longer be created)` }]);
        const region = typeof args.location === "string" ? azureRegion(args.location) : undefined;
        if (region && !region.availabilityZones) {
            throw new ConfigError([{ setting: `VpnGateway(${gatewayName}).location`, value: args.location, expected: `a region with availability zones: AZ gateway SKUs and their zone-redundant public IPs need them, and ${region.displayName} has none` }]);
        }
        this.args = args;
        const common = { resourceGroupName: args.resourceGroupName, location: args.location, tags: args.tags };

        this.publicIp = new network.PublicIPAddress(
            `pip-vgw-${gatewayName}`,
            {
                ...common,
                publicIpAddressName: `pip-vgw-${gatewayName}`,
                sku: { name: "Standard", tier: "Regional" },
                publicIPAllocationMethod: "Static",
                publicIPAddressVersion: "IPv4",
                // Zone-redundant, as AZ gateway SKUs require (the lab refuses a region without zones).
                zones: ["1", "2", "3"],
            },
            { parent: this },
        );

        this.gateway = new network.VirtualNetworkGateway(
            `vgw-${gatewayName}`,
            {
                ...common,
                virtualNetworkGatewayName: `vgw-${gatewayName}`,
                gatewayType: "Vpn",
                vpnType: "RouteBased",
                sku: { name: sku, tier: sku },
                vpnGatewayGeneration: VPN_GENERATION[sku],
                activeActive: false,
                enableBgp: false,
                ipConfigurations: [{ name: "default", subnet: { id: args.gatewaySubnetId }, publicIPAddress: { id: this.publicIp.id }, privateIPAllocationMethod: "Dynamic" }],
            },
            { parent: this, customTimeouts: GATEWAY_TIMEOUTS },
        );
        this.registerOutputs({ gatewayId: this.gateway.id, publicIp: this.publicIp.ipAddress });
    }

    /**
     * A site-to-site tunnel to `home`: a local network gateway for it and an IKEv2 connection.
     * The shared key is declared secret so Pulumi encrypts it in state whatever its source.
     */
    connectTo(siteName: string, home: HomeSite, sharedKey: pulumi.Input<string>): network.VirtualNetworkGatewayConnection {
        const common = { resourceGroupName: this.args.resourceGroupName, location: this.args.location, tags: this.args.tags };
        const local = new network.LocalNetworkGateway(
            `lgw-${siteName}-${this.gatewayName}`,
            { ...common, localNetworkGatewayName: `lgw-${siteName}`, gatewayIpAddress: home.publicIp, localNetworkAddressSpace: { addressPrefixes: home.addressSpaces } },
            { parent: this },
        );
        return new network.VirtualNetworkGatewayConnection(
            `con-${this.gatewayName}-${siteName}`,
            {
                ...common,
                virtualNetworkGatewayConnectionName: `con-${this.gatewayName}-${siteName}`,
                connectionType: "IPsec",
                connectionProtocol: "IKEv2",
                virtualNetworkGateway1: { id: this.gateway.id },
                localNetworkGateway2: { id: local.id },
                sharedKey: pulumi.secret(sharedKey),
                routingWeight: 0,
            },
            // Azure ignores a new sharedKey on an existing connection: a new key means a new connection.
            { parent: this, additionalSecretOutputs: ["sharedKey"], replaceOnChanges: ["sharedKey"], customTimeouts: { create: "30m", update: "30m", delete: "30m" } },
        );
    }
}
