// One rule engine for Azure NSGs: it reads inline `securityRules` of a NetworkSecurityGroup
// and standalone SecurityRule resources alike, every rule (not the first only), every way
// Azure lets a rule name its sources and ports, and answers the questions the NSG policies ask.
import { IPv4CidrRange, IPv6CidrRange, Validator } from "ip-num";
import { type Props, asArray, asObject, asString, strings, whenKnown } from "../lib/values";

export const NSG_TYPE = "azure-native:network:NetworkSecurityGroup";
export const RULE_TYPE = "azure-native:network:SecurityRule";

export interface NsgRule {
    name: string;
    direction: "inbound" | "outbound";
    access: "allow" | "deny";
    /** Lower case: "*", "tcp", "udp", "icmp", "esp", "ah". */
    protocol: string;
    sources: string[];
    destinations: string[];
    /** Destination port ranges, inclusive. */
    ports: Array<[number, number]>;
}

/** The rules a resource holds: an NSG's inline rules or a standalone rule; rules with unknown values are left out. */
export function rulesOf(type: string, props: Props): NsgRule[] {
    const raw = type === NSG_TYPE ? (whenKnown(() => asArray(props.securityRules)) ?? []) : [props];
    const rules: NsgRule[] = [];
    raw.forEach((r, i) => {
        const rule = whenKnown(() => normalise(asObject(r) ?? {}, type === NSG_TYPE ? `securityRules[${i}]` : "rule"));
        if (rule) rules.push(rule);
    });
    return rules;
}

function normalise(r: Props, fallbackName: string): NsgRule {
    return {
        name: asString(r.name) ?? fallbackName,
        direction: String(r.direction ?? "").toLowerCase() === "outbound" ? "outbound" : "inbound",
        access: String(r.access ?? "").toLowerCase() === "deny" ? "deny" : "allow",
        protocol: String(r.protocol ?? "*").toLowerCase(),
        sources: [...strings(r.sourceAddressPrefix), ...strings(r.sourceAddressPrefixes)],
        destinations: [...strings(r.destinationAddressPrefix), ...strings(r.destinationAddressPrefixes)],
        ports: [...strings(r.destinationPortRange), ...strings(r.destinationPortRanges)].flatMap(parsePorts),
    };
}

/** `*`, `3389`, `3000-4000`, and comma-separated lists of those. */
export function parsePorts(text: string): Array<[number, number]> {
    return text
        .split(",")
        .map((p) => p.trim())
        .filter((p) => p !== "")
        .map((p): [number, number] => {
            if (p === "*") return [0, 65535];
            const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(p);
            // Azure rejects anything else; treat it as every port rather than as none.
            return m ? [Number(m[1]), Number(m[2] ?? m[1])] : [0, 65535];
        });
}

const INTERNET_WORDS = ["*", "any", "internet", "0.0.0.0/0", "0.0.0.0", "::/0", "::", "::0/0"];
const PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"].map((c) => IPv4CidrRange.fromCidr(c));
/** IPv6 unique local and link-local blocks. */
const PRIVATE_V6 = ["fc00::/7", "fe80::/10"].map((c) => IPv6CidrRange.fromCidr(c));

/**
 * Whether a source lets the Internet in: `*`, `Any`, `Internet` in any case, `0.0.0.0/0`
 * written out, `::/0`, or any public IPv4 block of /8 or wider (such as 0.0.0.0/1, which
 * with 128.0.0.0/1 is the whole Internet again).
 */
export function isInternetSource(source: string): boolean {
    const s = source.trim().toLowerCase();
    if (INTERNET_WORDS.includes(s)) return true;
    if (Validator.isValidIPv6CidrNotation(s)[0]) {
        // Any IPv6 block of /8 or wider outside the private blocks: ::0/0, 0:0:0:0:0:0:0:0/0, 2000::/3.
        const range = IPv6CidrRange.fromCidr(s);
        return Number(range.getPrefix().getValue()) <= 8 && !PRIVATE_V6.some((p) => p.contains(range));
    }
    if (!Validator.isValidIPv4CidrNotation(s)[0]) return false;
    const range = IPv4CidrRange.fromCidr(s);
    return Number(range.getPrefix().getValue()) <= 8 && !PRIVATE.some((p) => p.contains(range));
}

export function allowsFromInternet(rule: NsgRule): boolean {
    return rule.direction === "inbound" && rule.access === "allow" && rule.sources.some(isInternetSource);
}

export function coversPort(rule: NsgRule, port: number): boolean {
    return usesPorts(rule) && rule.ports.some(([from, to]) => port >= from && port <= to);
}

/** Whether the rule's protocol has ports at all: TCP, UDP or any ("*"); ICMP, ESP and AH do not. */
export function usesPorts(rule: NsgRule): boolean {
    return rule.protocol === "*" || rule.protocol === "tcp" || rule.protocol === "udp";
}

/** Whether the rule opens every port of a port-carrying protocol. */
export function coversAllPorts(rule: NsgRule): boolean {
    return usesPorts(rule) && rule.ports.some(([from, to]) => from === 0 && to === 65535);
}

/** Whether the rule's protocol carries this transport ("*" carries all). */
export function carries(rule: NsgRule, transport: "tcp" | "udp"): boolean {
    return rule.protocol === "*" || rule.protocol === transport;
}

const AZURE_DNS = "168.63.129.16";

/** Whether an address names Azure's DNS: the AzurePlatformDNS tag, 168.63.129.16, or a specific block containing it. */
export function namesAzureDns(address: string): boolean {
    const a = address.trim();
    if (a.toLowerCase() === "azureplatformdns" || a === AZURE_DNS || a === `${AZURE_DNS}/32`) return true;
    if (!Validator.isValidIPv4CidrNotation(a)[0] || a.endsWith("/0")) return false;
    return IPv4CidrRange.fromCidr(a).contains(IPv4CidrRange.fromCidr(`${AZURE_DNS}/32`));
}

/** A Deny that stops traffic to or from Azure DNS. */
export function deniesAzureDns(rule: NsgRule): boolean {
    if (rule.access !== "deny") return false;
    return (rule.direction === "outbound" ? rule.destinations : rule.sources).some(namesAzureDns);
}

export function describePorts(rule: NsgRule): string {
    return rule.ports.map(([a, b]) => (a === 0 && b === 65535 ? "*" : a === b ? String(a) : `${a}-${b}`)).join(",");
}
