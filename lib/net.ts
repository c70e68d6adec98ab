// IPv4 address math for lab layouts, on top of ip-num: parsing with a message a user can
// act on, containment, overlap, and the addresses Azure lets a VM use in a subnet.
import { IPv4, IPv4CidrRange, Validator } from "ip-num";

export interface Cidr {
    text: string;
    prefix: number;
    first: bigint;
    last: bigint;
    range: IPv4CidrRange;
}

/** Parses `a.b.c.d/n`; returns the expected form as a string when it is not one. */
export function parseCidr(text: string): Cidr | { error: string } {
    const [ok] = Validator.isValidIPv4CidrNotation(text);
    if (!ok) return { error: "an IPv4 CIDR block such as 10.101.0.0/16" };
    const range = IPv4CidrRange.fromCidr(text);
    const canonical = `${IPv4.fromNumber(range.getFirst().getValue()).toString()}/${range.getPrefix().getValue()}`;
    if (canonical !== text) return { error: `the block's network address, ${canonical} (host bits must be zero)` };
    return { text, prefix: Number(range.getPrefix().getValue()), first: range.getFirst().getValue(), last: range.getLast().getValue(), range };
}

export function parseIp(text: string): bigint | undefined {
    const [ok] = Validator.isValidIPv4String(text);
    return ok ? IPv4.fromString(text).getValue() : undefined;
}

export function ipText(value: bigint): string {
    return IPv4.fromNumber(value).toString();
}

export function contains(outer: Cidr, inner: Cidr): boolean {
    return inner.first >= outer.first && inner.last <= outer.last;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
    return a.first <= b.last && b.first <= a.last;
}

export function containsIp(block: Cidr, ip: bigint): boolean {
    return ip >= block.first && ip <= block.last;
}

/** Azure keeps the network address, the next three and the broadcast address of every subnet. */
export function azureUsable(block: Cidr): { first: bigint; last: bigint } {
    return { first: block.first + 4n, last: block.last - 1n };
}

/** The `n`-th address of a block (0 is the network address). */
export function nthAddress(block: Cidr, n: number): string {
    return ipText(block.first + BigInt(n));
}

/** The first blocks of `/prefix` inside `within` that overlap none of `taken`, in address order. */
export function freeBlocks(within: Cidr, prefix: number, taken: Cidr[], count: number): Cidr[] {
    const found: Cidr[] = [];
    if (prefix < within.prefix) return found;
    const size = 1n << BigInt(32 - prefix);
    let start = within.first;
    while (start + size - 1n <= within.last && found.length < count) {
        const last = start + size - 1n;
        const clash = [...taken, ...found].find((t) => t.first <= last && start <= t.last);
        if (clash) {
            // Jump past the block in the way, to the next boundary of `size`: a /8 subnet is one step, not a million.
            start = ((clash.last + 1n + size - 1n) / size) * size;
            continue;
        }
        const candidate = parseCidr(`${ipText(start)}/${prefix}`);
        if (!("error" in candidate)) found.push(candidate);
        start += size;
    }
    return found;
}

/**
 * Blocks Azure refuses inside a VNet's address space, with what each is.
 * learn.microsoft.com/azure/virtual-network/virtual-networks-faq ("What address ranges can I use in my VNets?").
 */
export const AZURE_RESERVED_BLOCKS: ReadonlyArray<{ cidr: Cidr; what: string }> = [
    ["224.0.0.0/4", "multicast"],
    ["255.255.255.255/32", "broadcast"],
    ["127.0.0.0/8", "loopback"],
    ["169.254.0.0/16", "link-local"],
    ["168.63.129.16/32", "Azure's internal DNS, DHCP and health-probe address"],
].map(([cidr, what]) => ({ cidr: parseCidr(cidr) as Cidr, what }));

/** The first Azure-reserved block `block` overlaps, as `168.63.129.16/32 (Azure's internal DNS...)`. */
export function azureReservedOverlap(block: Cidr): string | undefined {
    const hit = AZURE_RESERVED_BLOCKS.find((r) => overlaps(r.cidr, block));
    return hit ? `${hit.cidr.text} (${hit.what})` : undefined;
}

// IANA's special-purpose IPv4 blocks that are never a router's address on the Internet (RFC 6890):
// "this network", private, shared (CGNAT), loopback, link-local, IETF protocol assignments,
// benchmarking, multicast and reserved (which holds the broadcast address). The documentation
// blocks (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24) stay allowed: examples use them.
const NOT_PUBLIC_UNICAST = ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4"].map(
    (c) => parseCidr(c) as Cidr,
);

/** Whether `ip` (dotted quad) can be a host's address on the public Internet. */
export function isPublicUnicast(ip: string): boolean {
    const value = parseIp(ip);
    return value !== undefined && !NOT_PUBLIC_UNICAST.some((b) => containsIp(b, value));
}

/** Azure's smallest subnet: it keeps five addresses of every subnet, so a /30 leaves none for a VM. */
export const SMALLEST_SUBNET_PREFIX = 29;
