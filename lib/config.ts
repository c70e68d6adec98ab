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
}

export function formatProblem(p: ConfigProblem): string {
    return p.value === undefined ? `${p.setting} is not set: expected ${p.expected}` : `${p.setting} = ${show(p.value)}: expected ${p.expected}`;
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

    add(setting: string, value: unknown, expected: string): void {
        this.list.push({ setting, value, expected });
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
    ) {}

    get isSet(): boolean {
        return this.value !== undefined && this.value !== null;
    }

    problem(expected: string, value: unknown = this.value): void {
        this.problems.add(this.path, value, expected);
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

    /** Strings arriving from Pulumi config hold JSON for lists and objects. */
    private parsed(): unknown {
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
}
