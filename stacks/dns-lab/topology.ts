// Who talks to whom in the DNS lab: peering pairs and, for bring-your-own forwarders,
// where each forwarder sends the other VNets' namespaces. Pure functions, tested alone.
import type { Peering } from "./config";

/** Directed peerings (Azure needs one resource per direction); the first VNet is the hub. */
export function peeringPairs(vnets: string[], peering: Peering): Array<[from: string, to: string]> {
    const pairs: Array<[string, string]> = [];
    if (peering === "none") return pairs;
    for (const [i, a] of vnets.entries()) {
        for (const b of vnets.slice(i + 1)) {
            if (peering === "hub-spoke" && a !== vnets[0]) continue;
            pairs.push([a, b], [b, a]);
        }
    }
    return pairs;
}

export interface ForwarderHop {
    /** VNet whose Azure-assigned namespace is forwarded. */
    namespaceOf: string;
    /** IP of the DNS server that answers for it (or relays towards it). */
    via: string;
}

/**
 * For each VNet's forwarder, the conditional forwarders it needs: every other VNet's
 * namespace, sent to that VNet's forwarder when the two are peered, or to the hub's
 * forwarder (which is peered with everyone) in hub-and-spoke.
 */
export function conditionalForwarders(forwarders: Array<{ vnet: string; ip: string }>, peering: Peering): Map<string, ForwarderHop[]> {
    const hub = forwarders[0];
    const result = new Map<string, ForwarderHop[]>();
    for (const from of forwarders) {
        const hops: ForwarderHop[] = [];
        for (const to of forwarders) {
            if (to.vnet === from.vnet) continue;
            const direct = peering === "mesh" || from.vnet === hub.vnet || to.vnet === hub.vnet;
            hops.push({ namespaceOf: to.vnet, via: direct ? to.ip : hub.ip });
        }
        result.set(from.vnet, hops);
    }
    return result;
}
