// Credentials in plain configuration, judged by name and by value. A name says what a variable is
// meant to hold (DB_PASS, WORKSPACE_KEY, *_TOKEN); a value says what it does hold, whatever its
// name (an AWS access key id, a private key, a JWT, a connection string with a password). A
// variable that names where a secret is kept (CLIENT_SECRET_PARAMETER, *_ARN, *_NAME) is not one.

/** The words of a name: `DB_PASS`, `dbPassword`, `/lab/client-secret` give db+pass, db+password, lab+client+secret. */
function words(name: string): string[] {
    return name
        .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter((w) => w !== "");
}

/** A last word that names where a secret is kept, or a property of it, rather than the secret. */
const WHERE = new Set(["name", "arn", "id", "path", "parameter", "param", "uri", "url", "file", "region", "type", "version", "enabled", "length", "ttl", "expiry", "expires", "endpoint", "host", "bucket", "table", "queue", "topic", "prefix", "days", "hours", "seconds", "header", "policy", "rotation", "store", "vault", "manager"]);
/** Words that are a secret on their own. */
const SECRET_WORDS = new Set(["secret", "secrets", "password", "passwords", "passwd", "passphrase", "pwd", "token", "tokens", "apikey", "credential", "credentials", "creds", "connectionstring", "connstr", "privatekey", "sas"]);
/** `key` is a secret after these words (WORKSPACE_KEY, ACCOUNT_KEY), not after others (KMS_KEY, S3_KEY, PARTITION_KEY). */
const KEY_OWNERS = new Set(["api", "access", "private", "signing", "shared", "account", "workspace", "master", "client", "auth", "encryption", "primary", "secondary", "subscription", "storage", "hmac", "license", "webhook", "app", "function", "host"]);

/** Whether a name says it holds a secret (not the name, ARN, id or path of where one is kept). */
export function looksSecret(name: string): boolean {
    const w = words(name);
    if (w.length === 0 || WHERE.has(w[w.length - 1])) return false;
    // A run-together word ending in a secret word (CLIENTSECRET, DBPASSWORD, APITOKEN) counts too.
    return w.some((word, i) => SECRET_WORDS.has(word) || /(secret|password|passwd|token|apikey|credentials?)$/.test(word) || (word === "pass" && i === w.length - 1) || (word === "key" && i > 0 && KEY_OWNERS.has(w[i - 1])) || (word === "string" && w[i - 1] === "connection"));
}

interface ValueShape {
    kind: string;
    test: (value: string) => boolean;
}

/**
 * Shapes of credential values. Sources: AWS access key id prefixes AKIA (long-term) and ASIA
 * (temporary) with 16 more characters, secret access keys of 40 base64 characters (IAM User
 * Guide, "Managing access keys"); PEM private keys (RFC 7468); JWTs of three base64url parts, the
 * first a JSON header (RFC 7519); connection strings carrying Password=, AccountKey= or
 * SharedAccessKey= (ADO.NET, Azure Storage, Service Bus), or a URL with user:password@.
 */
const SHAPES: ValueShape[] = [
    { kind: "an AWS access key id", test: (v) => /\b(AKIA|ASIA)[A-Z0-9]{16}\b/.test(v) },
    // 40 characters of the base64 alphabet with upper and lower case and a digit or / or +: a
    // hex digest (lower case, 40 characters) is not one.
    { kind: "an AWS secret access key", test: (v) => /^[A-Za-z0-9/+]{40}$/.test(v.trim()) && /[A-Z]/.test(v) && /[a-z]/.test(v) && /[0-9/+]/.test(v) },
    { kind: "a private key", test: (v) => /-----BEGIN ([A-Z]+ )?PRIVATE KEY-----/.test(v) || /-----BEGIN OPENSSH PRIVATE KEY-----/.test(v) },
    { kind: "a JWT", test: (v) => /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/.test(v) },
    { kind: "a connection string with a password", test: (v) => /(^|;)\s*(password|pwd)\s*=\s*[^;\s]+/i.test(v) || /(^|;)\s*(AccountKey|SharedAccessKey)\s*=\s*[^;\s]+/i.test(v) },
    { kind: "a URL with a password", test: (v) => /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i.test(v) },
    // A Log Analytics workspace key or another 64-byte key, base64: 88 characters ending in ==.
    { kind: "a base64 shared key", test: (v) => /^[A-Za-z0-9+/]{86}==$/.test(v.trim()) },
    { kind: "a GitHub or Slack token", test: (v) => /\b(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,}|xox[abprs]-[A-Za-z0-9-]{10,})\b/.test(v) },
    // Google API keys (AIza + 35) and Stripe live secret keys (sk_live_...).
    { kind: "an API key", test: (v) => /\bAIza[0-9A-Za-z_-]{35}\b/.test(v) || /\b[sr]k_live_[0-9A-Za-z]{16,}\b/.test(v) },
];

/** What kind of credential a value looks like, or undefined. */
export function credentialShape(value: string): string | undefined {
    return SHAPES.find((s) => s.test(value))?.kind;
}
