// Deterministic "random" values: the same program and stack always get the same ids and
// suffixes, so two plans can be diffed and tests can name what they expect.
import { createHash } from "node:crypto";

export class Entropy {
    constructor(private readonly seed: string) {}

    /** `length` lowercase hex characters derived from the seed and a purpose. */
    hex(purpose: string, length: number): string {
        let out = "";
        for (let i = 0; out.length < length; i++) {
            out += createHash("sha256").update(`${this.seed}|${purpose}|${i}`).digest("hex");
        }
        return out.slice(0, length);
    }

    /** A version-4-shaped GUID. */
    guid(purpose: string): string {
        const h = this.hex(purpose, 32);
        const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
        return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    }

    /** Characters from an alphabet. */
    pick(purpose: string, alphabet: string, length: number): string {
        const h = this.hex(purpose, length * 4);
        let out = "";
        for (let i = 0; i < length; i++) out += alphabet[parseInt(h.slice(i * 4, i * 4 + 4), 16) % alphabet.length];
        return out;
    }

    /** A number in [0, n). */
    below(purpose: string, n: number): number {
        return parseInt(this.hex(purpose, 8), 16) % n;
    }
}

export const LOWER = "abcdefghijklmnopqrstuvwxyz";
export const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
export const DIGITS = "0123456789";
