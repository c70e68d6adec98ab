// Access key ids identify a credential, so the report and the logs only ever carry a masked
// form: the first and last four characters, as the post's report does (AKIA...WXYZ).

/** Shortest id AWS issues (the API documents 16 to 128 characters); shorter input is not a key id. */
const MIN_KEY_ID_LENGTH = 16;

export function maskAccessKeyId(accessKeyId: string): string {
    // Below the documented minimum, four plus four characters would reveal most of the value.
    if (accessKeyId.length < MIN_KEY_ID_LENGTH) return "****";
    return `${accessKeyId.slice(0, 4)}...${accessKeyId.slice(-4)}`;
}

// Long-term (AKIA), temporary (ASIA) and other AWS access key id prefixes.
const ACCESS_KEY_ID = /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{12,124}\b/g;

/**
 * Masks every access key id in free text. IAM's own error messages name the key
 * ("The Access Key with id AKIA... cannot be found"), so every message that leaves the
 * function (logs, the invocation error) goes through here.
 */
export function scrubAccessKeyIds(text: string): string {
    return text.replace(ACCESS_KEY_ID, maskAccessKeyId);
}
