// The AWS actions the function's code performs, derived from the SDK commands it sends. The
// infrastructure builds the function role's policy from this file, and a test scans the
// function's source for SDK calls (`new XxxCommand(`, `paginateXxx(`) and fails when one is
// missing here, so the role can neither lag behind the code nor grant more than it calls.

/** Each SDK command class the function sends (a paginator sends its command), and the IAM action it needs. */
export const SDK_COMMAND_ACTIONS = {
    ListUsersCommand: "iam:ListUsers",
    ListAccessKeysCommand: "iam:ListAccessKeys",
    GetAccessKeyLastUsedCommand: "iam:GetAccessKeyLastUsed",
    GetParameterCommand: "ssm:GetParameter",
    // The day's delivery checkpoint (./checkpoint.ts).
    GetObjectCommand: "s3:GetObject",
    PutObjectCommand: "s3:PutObject",
} as const;

/**
 * Not a call the code makes: GetParameter WithDecryption on a SecureString makes SSM decrypt
 * with the caller's own permissions, so the role needs kms:Decrypt on the parameter's key.
 */
export const SECURE_STRING_DECRYPT_ACTION = "kms:Decrypt";

/**
 * Not calls either, but what the checkpoint's calls need besides their own action:
 * - GetObject of a key that does not exist answers 404 NoSuchKey only to a caller that may list
 *   the bucket, and 403 AccessDenied otherwise (docs.aws.amazon.com AmazonS3 API_GetObject,
 *   Permissions): the first run of a day must tell "no checkpoint yet" from "refused";
 * - PutObject into the bucket's default SSE-KMS asks KMS for a data key with the caller's
 *   kms:GenerateDataKey (GetObject decrypts with kms:Decrypt, already there for the secret).
 */
export const CHECKPOINT_IMPLIED_ACTIONS = { missingObjectIs404: "s3:ListBucket", sseKmsWrite: "kms:GenerateDataKey" } as const;

export type FunctionAction =
    | (typeof SDK_COMMAND_ACTIONS)[keyof typeof SDK_COMMAND_ACTIONS]
    | typeof SECURE_STRING_DECRYPT_ACTION
    | (typeof CHECKPOINT_IMPLIED_ACTIONS)[keyof typeof CHECKPOINT_IMPLIED_ACTIONS];

/** Every action the function's role must allow, once each. */
export const FUNCTION_ACTIONS: readonly FunctionAction[] = [...Object.values(SDK_COMMAND_ACTIONS), SECURE_STRING_DECRYPT_ACTION, ...Object.values(CHECKPOINT_IMPLIED_ACTIONS)];
