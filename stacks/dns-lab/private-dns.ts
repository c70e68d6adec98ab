// Azure Private DNS: one zone, linked to VNets (auto-registration where configured), with
// records from configuration.
import * as privatedns from "@pulumi/azure-native/privatedns";
import * as pulumi from "@pulumi/pulumi";
import type { LabNetwork } from "../../lib/network";
import type { DnsLabArgs, ZoneRecord } from "./config";

export interface PrivateZoneArgs {
    resourceGroupName: pulumi.Input<string>;
    zone: DnsLabArgs["zone"];
    /** VNets to link, by name. */
    linkedVnets: string[];
    networks: Record<string, LabNetwork>;
    tags: Record<string, string>;
}

export function createPrivateZone(args: PrivateZoneArgs, parent: pulumi.Resource): privatedns.PrivateZone {
    const zone = new privatedns.PrivateZone(
        args.zone.name,
        { privateZoneName: args.zone.name, resourceGroupName: args.resourceGroupName, location: "Global", tags: args.tags },
        { parent },
    );
    for (const vnet of args.linkedVnets) {
        const linkName = `link-${vnet}`;
        new privatedns.VirtualNetworkLink(
            `${args.zone.name}-${linkName}`,
            {
                virtualNetworkLinkName: linkName,
                privateZoneName: zone.name,
                resourceGroupName: args.resourceGroupName,
                location: "Global",
                virtualNetwork: { id: args.networks[vnet].vnet.id },
                // A VNet can auto-register into one zone only; the lab's configuration names which.
                registrationEnabled: args.zone.registrationVnets.includes(vnet),
                tags: args.tags,
            },
            { parent },
        );
    }
    for (const record of args.zone.records) {
        new privatedns.PrivateRecordSet(
            `${args.zone.name}-${record.type}-${record.name}`,
            { privateZoneName: zone.name, resourceGroupName: args.resourceGroupName, relativeRecordSetName: record.name, recordType: record.type, ttl: record.ttl, ...recordValues(record) },
            { parent },
        );
    }
    return zone;
}

function recordValues(record: ZoneRecord): Partial<privatedns.PrivateRecordSetArgs> {
    switch (record.type) {
        case "A":
            return { aRecords: record.values.map((ipv4Address) => ({ ipv4Address })) };
        case "CNAME":
            return { cnameRecord: { cname: record.values[0] } };
        case "TXT":
            return { txtRecords: record.values.map((v) => ({ value: [v] })) };
    }
}
