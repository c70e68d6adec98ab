// Pulumi's wire format for property values: what travels between a program, the engine
// and policy analyzers. Secrets, unknowns, assets and resource references are objects
// tagged with a signature key. The engine keeps values in this form so that a plan says
// exactly what the real engine would see, secrets included.
import {
    specialArchiveSig,
    specialAssetSig,
    specialResourceSig,
    specialSecretSig,
    specialSigKey,
    unknownValue,
} from "@pulumi/pulumi/runtime/rpc";

export type Wire = null | boolean | number | string | Wire[] | { [key: string]: Wire };
export type WireObject = { [key: string]: Wire };

export const SECRET_PLACEHOLDER = "[secret]";
export const UNKNOWN_PLACEHOLDER = "[unknown]";

function isObject(value: Wire | undefined): value is WireObject {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isSecret(value: Wire | undefined): boolean {
    return isObject(value) && value[specialSigKey] === specialSecretSig;
}

export function isUnknown(value: Wire | undefined): boolean {
    return value === unknownValue;
}

export function isResourceReference(value: Wire | undefined): boolean {
    return isObject(value) && value[specialSigKey] === specialResourceSig;
}

export function isAssetOrArchive(value: Wire | undefined): boolean {
    return isObject(value) && (value[specialSigKey] === specialAssetSig || value[specialSigKey] === specialArchiveSig);
}

export function secret(value: Wire): WireObject {
    return { [specialSigKey]: specialSecretSig, value };
}

/** Replaces each secret by its value, deeply, and each resource reference by its URN. */
export function reveal(value: Wire): Wire {
    if (Array.isArray(value)) return value.map(reveal);
    if (!isObject(value)) return value;
    if (isSecret(value)) return reveal(value.value ?? null);
    if (isResourceReference(value)) return value.urn ?? null;
    return mapValues(value, reveal);
}

/** Replaces each secret by `[secret]` and each unknown by `[unknown]`, as `pulumi preview --json` shows them. */
export function mask(value: Wire): Wire {
    if (isUnknown(value)) return UNKNOWN_PLACEHOLDER;
    if (Array.isArray(value)) return value.map(mask);
    if (!isObject(value)) return value;
    if (isSecret(value)) return SECRET_PLACEHOLDER;
    if (isResourceReference(value)) return value.urn ?? null;
    return mapValues(value, mask);
}

/** True if the value holds a secret anywhere inside it. */
export function containsSecret(value: Wire | undefined): boolean {
    if (value === undefined) return false;
    if (isSecret(value)) return true;
    if (Array.isArray(value)) return value.some(containsSecret);
    if (isObject(value)) return Object.values(value).some(containsSecret);
    return false;
}

/** Reads a dotted/indexed path such as `osProfile.adminPassword` or `subnets[0].name`, without revealing secrets on the way. */
export function at(value: Wire | undefined, path: string): Wire | undefined {
    let current: Wire | undefined = value;
    for (const part of path.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== "")) {
        if (isSecret(current)) current = (current as WireObject).value;
        if (Array.isArray(current)) current = current[Number(part)];
        else if (isObject(current)) current = current[part];
        else return undefined;
    }
    return current;
}

function mapValues(value: WireObject, fn: (v: Wire) => Wire): WireObject {
    const result: WireObject = {};
    for (const [key, inner] of Object.entries(value)) result[key] = fn(inner);
    return result;
}

/** Converts a plain JavaScript value into wire form: drops `undefined`, which protobuf Structs cannot hold. */
export function toWire(value: unknown): Wire {
    if (value === undefined || value === null) return null;
    if (Array.isArray(value)) return value.map(toWire);
    if (typeof value === "object") {
        const result: WireObject = {};
        for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
            if (inner !== undefined) result[key] = toWire(inner);
        }
        return result;
    }
    if (typeof value === "boolean" || typeof value === "number" || typeof value === "string") return value;
    return String(value);
}

/**
 * Values as the engine hands them to policy analyzers: a resource reference becomes the
 * resource's id when known (its URN otherwise, as for components), because analyzers cannot
 * rebuild resources; secrets and unknowns stay tagged for the pack to unwrap.
 */
export function forAnalyzer(value: Wire): Wire {
    if (Array.isArray(value)) return value.map(forAnalyzer);
    if (!isObject(value)) return value;
    if (isResourceReference(value)) return typeof value.id === "string" && value.id !== "" ? value.id : (value.urn ?? null);
    if (isSecret(value)) return secret(forAnalyzer(value.value ?? null));
    if (isAssetOrArchive(value)) return value;
    return mapValues(value, forAnalyzer);
}
