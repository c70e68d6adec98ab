// What both collector functions read from their environment, named the same way: a missing
// setting is one ConfigError naming every variable the stack should have set.

/** A setting the deployment got wrong: the message names the variable and what it should hold. */
export class ConfigError extends Error {
    override readonly name = "ConfigError";
}

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The required variables' values, trimmed; one ConfigError naming every one that is missing
 * or blank. Shared by the collector's functions, so each names its settings the same way.
 */
export function requireVariables<Name extends string>(env: Environment, names: readonly Name[]): Readonly<Record<Name, string>> {
    const missing = names.filter((name) => !env[name]?.trim());
    if (missing.length > 0) {
        const list = missing.join(", ");
        throw new ConfigError(
            `The function's environment variable${missing.length > 1 ? "s" : ""} ${list} ${missing.length > 1 ? "are" : "is"} not set: the collector stack sets ${missing.length > 1 ? "them" : "it"}, so deploy the stack again rather than editing the function by hand.`,
        );
    }
    return Object.fromEntries(names.map((name) => [name, (env[name] ?? "").trim()])) as Record<Name, string>;
}

// S3's rules for a general purpose bucket's name; an ARN or an s3:// URL is the usual mistake.
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** The bucket name a variable holds, or a ConfigError naming the variable and the rule. */
export function requireBucketName(variable: string, value: string): string {
    if (!BUCKET_NAME.test(value)) {
        throw new ConfigError(`${variable} = ${JSON.stringify(value)}: expected the bucket's name (3 to 63 lower-case letters, digits, dots and hyphens), not its ARN or an s3:// URL.`);
    }
    return value;
}
