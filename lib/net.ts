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
    for (let start = within.first; start + size - 1n <= within.last && found.length < count; start += size) {
        const candidate = parseCidr(`${ipText(start)}/${prefix}`);
        if ("error" in candidate) continue;
        if ([...taken, ...found].some((t) => overlaps(t, candidate))) continue;
        found.push(candidate);
    }
    return found;
}
