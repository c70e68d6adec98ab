// Secret values never reach the terminal: whatever prints them (the engine's messages, the
// program's own console output, a policy's violation text, an output the program exported
// without marking it secret) shows `[secret]` in their place.
import { SECRET_PLACEHOLDER } from "./wire";

/** Shortest value worth replacing: shorter ones would blank out ordinary words. */
const MIN_LENGTH = 3;

/**
 * `text` with every occurrence of each secret replaced by `[secret]`: the value itself, its
 * JSON-escaped form, and each line of a multi-line value (messages are often re-indented line by line).
 */
export function redact(text: string, secrets: Iterable<string | undefined>): string {
    const needles = new Set<string>();
    for (const value of secrets) {
        if (!value) continue;
        needles.add(value);
        needles.add(JSON.stringify(value).slice(1, -1));
        for (const line of value.split(/\r?\n/)) needles.add(line.trim());
    }
    let result = text;
    // Longest first, so a whole value goes before the pieces of it.
    for (const needle of [...needles].filter((n) => n.length >= MIN_LENGTH).sort((a, b) => b.length - a.length)) {
        result = result.split(needle).join(SECRET_PLACEHOLDER);
    }
    return result;
}

const known = new Set<string>();

/** Values the CLI must never print in this run (e.g. those given with --secret-config). */
export function addRedactions(values: Iterable<unknown>): void {
    for (const v of values) if (v !== undefined && v !== null) known.add(typeof v === "string" ? v : JSON.stringify(v));
}

/** `text` with this run's secret values replaced. */
export function redactKnown(text: string): string {
    return known.size ? redact(text, known) : text;
}
