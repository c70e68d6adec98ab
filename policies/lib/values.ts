// Reading resource properties as policies receive them: plain JSON-like values in which a
// preview unknown throws when touched.
export type Props = Record<string, unknown>;

const { UnknownValueError } = require("@pulumi/policy/proxy") as { UnknownValueError: new (...args: unknown[]) => Error };

export function isUnknownError(err: unknown): boolean {
    return err instanceof UnknownValueError;
}

/**
 * Runs `read`; a preview unknown inside it gives undefined instead of stopping the policy,
 * so one unknown element (one rule, one statement) does not hide findings in the others.
 */
export function whenKnown<T>(read: () => T): T | undefined {
    try {
        return read();
    } catch (err) {
        if (isUnknownError(err)) return undefined;
        throw err;
    }
}

export function asArray(value: unknown): unknown[] {
    if (value === undefined || value === null) return [];
    return Array.isArray(value) ? [...value] : [value];
}

export function asObject(value: unknown): Props | undefined {
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Props) : undefined;
}

export function asString(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}

/** Strings in a value that may be one string or a list of them. */
export function strings(value: unknown): string[] {
    return asArray(value).filter((v): v is string => typeof v === "string");
}

/**
 * The known strings of a property that may be one string or a list, read element by element:
 * an element (or the whole property) unknown during preview is left out, not fatal.
 */
export function knownStrings(read: () => unknown): string[] {
    const value = whenKnown(read);
    if (!Array.isArray(value)) return typeof value === "string" ? [value] : [];
    const result: string[] = [];
    for (let i = 0; i < value.length; i++) {
        const item = whenKnown(() => value[i] as unknown);
        if (typeof item === "string") result.push(item);
    }
    return result;
}

/** The known elements of a list property, one by one. */
export function knownItems(read: () => unknown): unknown[] {
    const value = whenKnown(read);
    if (!Array.isArray(value)) return value === undefined || value === null ? [] : [value];
    const result: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
        const item = whenKnown(() => value[i] as unknown);
        if (item !== undefined) result.push(item);
    }
    return result;
}
