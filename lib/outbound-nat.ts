// Outbound Internet for a lab VNet's server subnets: a NAT gateway and its Standard public IP.
// Lab subnets have defaultOutboundAccess off, so without this Windows cannot activate, take
// updates or download installers (learn.microsoft.com/azure/virtual-network/ip-services/default-outbound-access).
// A NAT gateway carries connections out only; nothing reaches in through it.
import * as network from "@pulumi/azure-native/network";
import type * as pulumi from "@pulumi/pulumi";
import { zoneRedundant } from "./azure-facts";

export interface OutboundNatArgs {
    /** Required. Resource group of the gateway and its public IP. */
    resourceGroupName: pulumi.Input<string>;
    /** Required. Azure region; the IP is zone-redundant where the region has zones. */
    location: string;
    /** Required. Tags for both. */
    tags: Record<string, string>;
}

/**
 * Creates `pip-<name>` and `<name>` (a Standard NAT gateway, 4-minute idle timeout) as children
 * of `parent`, and returns the gateway. A non-zonal NAT gateway may use a zone-redundant public
 * IP (learn.microsoft.com/azure/nat-gateway/nat-availability-zones).
 */
export function createOutboundNat(name: string, args: OutboundNatArgs, parent: pulumi.Resource): network.NatGateway {
    const common = { resourceGroupName: args.resourceGroupName, location: args.location, tags: args.tags };
    const ip = new network.PublicIPAddress(
        `pip-${name}`,
        { ...common, publicIpAddressName: `pip-${name}`, sku: { name: "Standard" }, publicIPAllocationMethod: "Static", zones: zoneRedundant(args.location) },
        { parent },
    );
    return new network.NatGateway(name, { ...common, natGatewayName: name, sku: { name: "Standard" }, publicIpAddresses: [{ id: ip.id }], idleTimeoutInMinutes: 4 }, { parent });
}
