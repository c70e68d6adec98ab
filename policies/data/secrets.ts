// Credentials in plain configuration, judged by name and by value. A name says what a variable is
// meant to hold (DB_PASS, WORKSPACE_KEY, *_TOKEN); a value says what it does hold, whatever its
// name (an AWS access key id, a private key, a JWT, a connection string with a password). A
// variable that names where a secret is kept (CLIENT_SECRET_PARAMETER, *_ARN, *_NAME) is not one.

/** Names that hold a secret (not the name, ARN, id or path of where one is kept). */
export function looksSecret(name: string): boolean {
    const where = /(_|-|\.)(name|arn|id|path|parameter|param|uri|url|file|region|type|version|enabled|length|ttl|expiry|expires)$/i;
    if (where.test(name)) return false;
    const secret =
        /(secret|password|passwd|passphrase|pwd|token|api[_-]?key|access[_-]?key|private[_-]?key|signing[_-]?key|shared[_-]?key|account[_-]?key|workspace[_-]?key|master[_-]?key|client[_-]?key|credentials?|connection[_-]?string|conn[_-]?str|auth[_-]?key|sas)$/i;
    // `DB_PASS`, `SMTP_PASS`: PASS as the last word, not PASSTHROUGH or BYPASS.
    return secret.test(name) || /(^|_|-)pass$/i.test(name) || /(secret|password|token|key)[_-]?(value|b64|base64)$/i.test(name) || /(password|passwd|private[_-]?key|connection[_-]?string)/i.test(name);
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
];

/** What kind of credential a value looks like, or undefined. */
export function credentialShape(value: string): string | undefined {
    return SHAPES.find((s) => s.test(value))?.kind;
}
