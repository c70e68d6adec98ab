// Reads a Pulumi project and one of its stacks the way the Pulumi CLI does: Pulumi.yaml
// (name, main, config declarations with defaults) and Pulumi.<stack>.yaml (values,
// `secure:` ciphertexts), merged into the flat `<namespace>:<key>` map a program receives.
import * as fs from "node:fs";
import * as path from "node:path";
import { CORE_SCHEMA, load as parseYaml } from "js-yaml";
import { UserError } from "./errors";

/** The stand-in for a `secure:` ciphertext, which cannot be decrypted offline (lib/config.ts knows it too). */
export const OFFLINE_SECRET_PREFIX = "offline-secret-";

type Yaml = null | boolean | number | string | Yaml[] | { [key: string]: Yaml };

export interface ConfigDeclaration {
    /** Full key, `<namespace>:<name>`. */
    key: string;
    type?: "string" | "integer" | "boolean" | "array";
    items?: ItemsType;
    description?: string;
    default?: Yaml;
    /** A fixed value (the form Pulumi requires for other namespaces, e.g. `azure-native:location`). */
    value?: Yaml;
    secret?: boolean;
}

interface ItemsType {
    type: string;
    items?: ItemsType;
}

export interface Project {
    name: string;
    dir: string;
    /** Absolute path of the program entry point (file or directory). */
    main: string;
    description?: string;
    config: ConfigDeclaration[];
    stackConfigDir: string;
}

export interface StackConfig {
    stack: string;
    file: string;
    /** What the program receives in PULUMI_CONFIG: every value as a string, objects as JSON. */
    values: Record<string, string>;
    secretKeys: string[];
    problems: string[];
}

export function loadProject(dir: string): Project {
    const projectDir = path.resolve(dir);
    const file = ["Pulumi.yaml", "Pulumi.yml"].map((f) => path.join(projectDir, f)).find((f) => fs.existsSync(f));
    if (!file) {
        throw new UserError(`${projectDir} has no Pulumi.yaml: point --program at a Pulumi project folder.`);
    }
    const doc = readYaml(file);
    if (!isMap(doc) || typeof doc.name !== "string" || doc.name === "") {
        throw new UserError(`${file} must have a non-empty 'name'.`);
    }
    const runtime = isMap(doc.runtime) ? doc.runtime.name : doc.runtime;
    if (runtime !== "nodejs") {
        throw new UserError(`${file} declares runtime '${String(runtime)}': the offline engine runs nodejs (TypeScript) programs only.`);
    }
    const name = doc.name;
    const main = path.resolve(projectDir, typeof doc.main === "string" ? doc.main : ".");
    const stackConfigDir = path.resolve(projectDir, typeof doc.stackConfigDir === "string" ? doc.stackConfigDir : ".");
    const config: ConfigDeclaration[] = [];
    for (const [rawKey, decl] of Object.entries(isMap(doc.config) ? doc.config : {})) {
        const key = rawKey.includes(":") ? rawKey : `${name}:${rawKey}`;
        if (isMap(decl)) {
            config.push({
                key,
                type: decl.type as ConfigDeclaration["type"],
                items: decl.items as unknown as ItemsType | undefined,
                description: typeof decl.description === "string" ? decl.description : undefined,
                default: decl.default,
                value: decl.value,
                secret: decl.secret === true,
            });
        } else if (key.startsWith(`${name}:`)) {
            config.push({ key, default: decl });
        } else {
            config.push({ key, value: decl });
        }
    }
    return {
        name,
        dir: projectDir,
        main,
        description: typeof doc.description === "string" ? doc.description : undefined,
        config,
        stackConfigDir,
    };
}

/** Stacks that have a Pulumi.<stack>.yaml next to the project. */
export function listStacks(project: Project): string[] {
    if (!fs.existsSync(project.stackConfigDir)) return [];
    return fs
        .readdirSync(project.stackConfigDir)
        .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/**
 * Merges declarations and the stack file as `pulumi up` does, including its checks:
 * a declared, typed key with no default must be set, and a set value must have the
 * declared type. `overrides` (already namespaced) win over both.
 */
export function loadStackConfig(project: Project, stack: string, overrides: Record<string, unknown> = {}, secretOverrides: Record<string, unknown> = {}): StackConfig {
    const file = ["yaml", "yml"]
        .map((ext) => path.join(project.stackConfigDir, `Pulumi.${stack}.${ext}`))
        .find((f) => fs.existsSync(f));
    if (!file) {
        const known = listStacks(project);
        throw new UserError(
            `stack '${stack}' has no Pulumi.${stack}.yaml in ${project.stackConfigDir}` +
                (known.length ? `: use --stack with one of ${known.join(", ")}.` : ": create it, or pass --stack."),
        );
    }
    const doc = readYaml(file);
    const stackValues = isMap(doc) && isMap(doc.config) ? doc.config : {};

    const merged = new Map<string, Yaml>();
    const secretKeys = new Set<string>();
    const fromStack = new Set<string>();
    /** Keys whose whole value is a `secure:` ciphertext, so offline only a placeholder. */
    const placeholders = new Set<string>();
    for (const decl of project.config) {
        const fallback = decl.value !== undefined ? decl.value : decl.default;
        if (fallback !== undefined && fallback !== null) merged.set(decl.key, fallback);
    }
    const problems: string[] = [];
    for (const [key, value] of Object.entries(stackValues)) {
        if (!/^[^:]+:[^:]+$/.test(key)) {
            problems.push(`${key} = ${JSON.stringify(value)}: expected a key of the form <namespace>:<name> in ${path.basename(file)}, e.g. ${project.name}:${key}`);
            continue;
        }
        const { plain, secret } = replaceSecure(value, key);
        // Pulumi keeps top-level scalars as their text: 1900 and "1900" are the same setting.
        merged.set(key, typeof plain === "number" || typeof plain === "boolean" ? String(plain) : plain);
        fromStack.add(key);
        if (secret) secretKeys.add(key);
        if (secret && isMap(value) && typeof value.secure === "string") placeholders.add(key);
    }
    // --config values are plain, as `pulumi config set` without --secret stores them;
    // --secret-config values are secret, as with --secret.
    const fromOverride = new Set<string>();
    const override = (values: Record<string, unknown>, secret: boolean) => {
        for (const [key, value] of Object.entries(values)) {
            merged.set(key, value as Yaml);
            fromStack.add(key);
            placeholders.delete(key);
            if (secret) {
                fromOverride.delete(key);
                secretKeys.add(key);
            } else {
                fromOverride.add(key);
                secretKeys.delete(key);
            }
        }
    };
    override(overrides, false);
    override(secretOverrides, true);

    for (const decl of project.config) {
        const value = merged.get(decl.key);
        const shortKey = decl.key.slice(project.name.length + 1);
        const shown = (v: Yaml) => (decl.secret || secretKeys.has(decl.key) ? "[secret]" : JSON.stringify(v));
        if (value === undefined && decl.key.startsWith(`${project.name}:`)) {
            // The CLI requires every project setting that has neither a default nor a value, typed or not.
            problems.push(
                `${decl.key} is not set: expected ${decl.type ? typeName(decl.type, decl.items) : "a value"}` +
                    `${decl.description ? ` (${firstSentence(decl.description)})` : ""}; ` +
                    `set it with: pulumi config set ${decl.secret ? "--secret " : ""}${shortKey} <value>`,
            );
            continue;
        }
        // As the CLI validates a declared secret (workspace.validateStackConfigValue): the value must be
        // encrypted, and a default counts as a plain value, so a secret setting cannot have one.
        if (decl.secret && decl.type && value !== undefined && !secretKeys.has(decl.key)) {
            problems.push(
                fromOverride.has(decl.key)
                    ? `${decl.key} is given in plain text (--config), but the project declares it secret: give it with --secret-config ${shortKey}=<value> (the Pulumi CLI refuses a plain value)`
                    : fromStack.has(decl.key)
                    ? `${decl.key} is set in plain text, but the project declares it secret: set it with pulumi config set --secret ${shortKey} <value> (the Pulumi CLI refuses a plain value)`
                    : `${decl.key} is declared secret with a default in Pulumi.yaml, which the Pulumi CLI refuses ("must be encrypted as it's secret"): remove the default, or the secret declaration`,
            );
            continue;
        }
        if (decl.secret) secretKeys.add(decl.key);
        if (placeholders.has(decl.key)) {
            // The ciphertext cannot be read offline: give the program a placeholder of the declared type
            // and judge nothing by it (the CLI checks the real value's type when it decrypts it).
            if (decl.type === "integer") merged.set(decl.key, "1");
            else if (decl.type === "boolean") merged.set(decl.key, "false");
            else if (decl.type === "array") merged.set(decl.key, []);
            continue;
        }
        if (value !== undefined && decl.type && !hasType(decl.type, decl.items, value)) {
            problems.push(`${decl.key} = ${shown(value)}: expected ${typeName(decl.type, decl.items)}`);
        }
    }

    const values: Record<string, string> = {};
    for (const [key, value] of merged) values[key] = typeof value === "string" ? value : JSON.stringify(value);
    return { stack, file, values, secretKeys: [...secretKeys].sort(), problems };
}

/** `secure:` ciphertexts cannot be decrypted offline; they become recognisable placeholders, marked secret. */
function replaceSecure(value: Yaml, key: string): { plain: Yaml; secret: boolean } {
    if (isMap(value)) {
        if (Object.keys(value).length === 1 && typeof value.secure === "string") {
            return { plain: `${OFFLINE_SECRET_PREFIX}${key.replace(/[^A-Za-z0-9]/g, "-")}`, secret: true };
        }
        let secret = false;
        const result: { [k: string]: Yaml } = {};
        for (const [k, inner] of Object.entries(value)) {
            const r = replaceSecure(inner, `${key}.${k}`);
            result[k] = r.plain;
            secret ||= r.secret;
        }
        return { plain: result, secret };
    }
    if (Array.isArray(value)) {
        let secret = false;
        const result = value.map((inner, i) => {
            const r = replaceSecure(inner, `${key}[${i}]`);
            secret ||= r.secret;
            return r.plain;
        });
        return { plain: result, secret };
    }
    return { plain: value, secret: false };
}

// The same acceptance rules as the Pulumi CLI's ValidateConfigValue.
function hasType(type: string, items: ItemsType | undefined, value: Yaml): boolean {
    switch (type) {
        case "string":
            return typeof value === "string";
        case "integer":
            return (typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && /^-?\d+$/.test(value));
        case "boolean":
            return typeof value === "boolean" || value === "true" || value === "false";
        case "array":
            return Array.isArray(value) && items !== undefined && value.every((v) => hasType(items.type, items.items, v));
        default:
            return true;
    }
}

function typeName(type: string, items: ItemsType | undefined): string {
    if (type === "array" && items) return `a list of ${typeName(items.type, items.items).replace(/^an? /, "")}s`;
    return type === "integer" ? "an integer" : `a ${type}`;
}

function firstSentence(text: string): string {
    const sentence = text.split(/(?<=\.)\s/)[0].trim();
    return sentence.endsWith(".") ? sentence.slice(0, -1) : sentence;
}

function readYaml(file: string): Yaml {
    try {
        // The core schema, as Pulumi's YAML reader: 2026-12-31 stays a string, not a Date.
        return parseYaml(fs.readFileSync(file, "utf8"), { schema: CORE_SCHEMA }) as Yaml;
    } catch (err) {
        throw new UserError(`${file} is not valid YAML: ${(err as Error).message.split("\n")[0]}`);
    }
}

function isMap(value: Yaml | undefined): value is { [key: string]: Yaml } {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
