// Reading settings so that a user sees every mistake at once: each read records a problem
// (setting, value, expected form) instead of throwing, and the caller throws once, before
// any resource exists. Values arrive from Pulumi config as strings or JSON.
import * as pulumi from "@pulumi/pulumi";

export interface ConfigProblem {
    /** Full setting path, e.g. `labs:dnsVnets[1].addressSpace`. */
    setting: string;
    /** The offending value; undefined when the setting is missing. */
    value?: unknown;
    /** The expected form, written to finish the sentence "expected ...". */
    expected: string;
    /** A secret setting's problem names the setting, never the value. */
    secret?: boolean;
    /** The whole line, for problems that are not "expected ..." (e.g. a secret set in plain text). */
    text?: string;
}

export function formatProblem(p: ConfigProblem): string {
    if (p.text) return p.text;
    if (p.value === undefined) return `${p.setting} is not set: expected ${p.expected}`;
    return `${p.setting} = ${p.secret ? "[secret]" : show(p.value)}: expected ${p.expected}`;
}

function show(value: unknown): string {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Bad configuration, every problem on its own line. A Pulumi RunError, so `pulumi up`
 * prints the message without a stack trace, and the offline engine exits with code 2.
 */
export class ConfigError extends pulumi.RunError {
    constructor(readonly problems: ConfigProblem[]) {
        super(problems.map(formatProblem).join("\n"));
        this.name = "ConfigError";
    }
}

/** Collects problems; several readers (one per lab) can share one. */
export class Problems {
    readonly list: ConfigProblem[] = [];

    add(setting: string, value: unknown, expected: string, secret = false): void {
        this.list.push({ setting, value, expected, ...(secret ? { secret } : {}) });
    }

    /** Throws a ConfigError holding every problem so far, if there is any. */
    throwIfAny(): void {
        if (this.list.length) throw new ConfigError(this.list);
    }
}

/**
 * A cursor on one setting or one part of a structured setting. Reading a wrong or
 * missing value records a problem and returns undefined, so parsing goes on.
 */
export class Setting {
    constructor(
        readonly path: string,
        readonly value: unknown,
        readonly problems: Problems,
        /** A secret setting: problems never show its value. */
        readonly secret = false,
    ) {}

    get isSet(): boolean {
        return this.value !== undefined && this.value !== null;
    }

    problem(expected: string, value: unknown = this.value): void {
        this.problems.add(this.path, value, expected, this.secret);
    }

    /** A field of an object. */
    field(name: string): Setting {
        const obj = this.parsed();
        const inner = obj !== null && typeof obj === "object" && !Array.isArray(obj) ? (obj as Record<string, unknown>)[name] : undefined;
        return new Setting(`${this.path}.${name}`, inner, this.problems);
    }

    /** Checks that the value is an object with only the given fields. */
    object(expected: string, fields: readonly string[]): boolean {
        const v = this.parsed();
        if (v === null || typeof v !== "object" || Array.isArray(v)) {
            this.problem(expected);
            return false;
        }
        for (const key of Object.keys(v)) {
            if (!fields.includes(key)) this.problems.add(`${this.path}.${key}`, (v as Record<string, unknown>)[key], `no such field; fields are ${fields.join(", ")}`);
        }
        return true;
    }

    /** Elements of a list (a problem if the value is not a list). */
    items(expected: string): Setting[] {
        const v = this.parsed();
        if (!Array.isArray(v)) {
            this.problem(expected);
            return [];
        }
        return v.map((item, i) => new Setting(`${this.path}[${i}]`, item, this.problems));
    }

    string(expected: string, test?: (s: string) => boolean): string | undefined {
        const v = this.value;
        if (typeof v !== "string" || v === "" || (test && !test(v))) {
            this.problem(expected);
            return undefined;
        }
        return v;
    }

    oneOf<T extends string>(choices: readonly T[]): T | undefined {
        const v = this.value;
        if (typeof v !== "string" || !(choices as readonly string[]).includes(v)) {
            this.problem(`one of ${choices.join(", ")}`);
            return undefined;
        }
        return v as T;
    }

    boolean(): boolean | undefined {
        const v = this.value;
        if (v === true || v === "true") return true;
        if (v === false || v === "false") return false;
        this.problem("true or false");
        return undefined;
    }

    integer(min: number, max: number): number | undefined {
        const v = typeof this.value === "string" && /^-?\d+$/.test(this.value) ? Number(this.value) : this.value;
        if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
            // Config holds numbers as text; show a number as the user wrote it, unquoted.
            this.problem(`a whole number from ${min} to ${max}`, typeof v === "number" ? v : this.value);
            return undefined;
        }
        return v;
    }

    /** The value, with JSON text (how Pulumi config holds lists and objects) parsed. */
    parsed(): unknown {
        if (typeof this.value !== "string") return this.value;
        try {
            return JSON.parse(this.value);
        } catch {
            return this.value;
        }
    }
}

/** Reads top-level settings of one Pulumi config namespace. */
export class SettingsReader {
    readonly problems: Problems;
    private readonly config: pulumi.Config;

    constructor(problems = new Problems(), namespace?: string) {
        this.problems = problems;
        this.config = new pulumi.Config(namespace);
    }

    /** The setting `key`; a missing setting reads as undefined, and a typed read of it reports "is not set". */
    get(key: string): Setting {
        return new Setting(`${this.config.name}:${key}`, this.config.get(key), this.problems);
    }

    /**
     * A setting that holds a secret. It must have been set with `pulumi config set --secret`: a
     * plain value is a problem (it sits in clear text in Pulumi.<stack>.yaml), and no problem ever
     * shows the value. Returns undefined when the setting is unset or empty; `placeholder` is true
     * when the value is the offline engine's stand-in for a ciphertext, which callers must not
     * judge by its form (the real value is checked when `pulumi up` decrypts it).
     */
    secret(key: string): { setting: Setting; value?: string; placeholder: boolean } {
        const fullKey = `${this.config.name}:${key}`;
        const raw = this.config.get(key);
        const setting = new Setting(fullKey, raw, this.problems, true);
        if (raw === undefined || raw === "") return { setting, placeholder: false };
        if (!isConfigSecret(fullKey)) {
            this.problems.list.push({
                setting: fullKey,
                secret: true,
                expected: "an encrypted value",
                text: `${fullKey} is set in plain text: it holds a secret, so set it with pulumi config set --secret ${key} <value> (a plain value sits unencrypted in the stack file)`,
            });
            return { setting, placeholder: false };
        }
        return { setting, value: raw, placeholder: raw.startsWith(OFFLINE_SECRET_PREFIX) };
    }
}

/** How the offline engine stands in for a `secure:` ciphertext it cannot decrypt (cli/engine/project.ts). */
export const OFFLINE_SECRET_PREFIX = "offline-secret-";

// The SDK knows which keys arrived encrypted (the language host passes PULUMI_CONFIG_SECRET_KEYS);
// this reads that list, which is internal to the SDK and not in its typings.
export const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };
