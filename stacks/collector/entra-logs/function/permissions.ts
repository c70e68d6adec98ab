// The AWS actions the Entra log export function performs, derived from the SDK commands it
// sends (its own code and the shared code it imports from ../function). The infrastructure
// builds each function role's policy from this file, and a test scans the sources the bundle
// is built from for SDK calls (`new XxxCommand(`, `paginateXxx(`) and fails when this list and
// the code disagree, so the role can neither lag behind the code nor grant more than it calls.

/** Each SDK command class the function sends, and the IAM action it needs. */
export const SDK_COMMAND_ACTIONS = {
    // One object per log type and day (../entra-logs.ts objectKey); a rerun replaces it.
    PutObjectCommand: "s3:PutObject",
    // The Entra client secret, read once per container (../function/secret.ts).
    GetParameterCommand: "ssm:GetParameter",
} as const;

/**
 * Not calls the code makes, but what AWS does with the role's permissions on its behalf, on the
 * lab's KMS key:
 * - GetParameter WithDecryption on a SecureString: SSM decrypts with the caller's kms:Decrypt;
 * - PutObject into a bucket whose default encryption is SSE-KMS: S3 asks KMS for a data key
 *   with the caller's kms:GenerateDataKey. One PutObject, never a multipart upload, so the
 *   write itself needs no kms:Decrypt (multipart uploads do).
 */
export const KMS_ACTIONS = {
    secureStringDecrypt: "kms:Decrypt",
    sseKmsWrite: "kms:GenerateDataKey",
} as const;

export type EntraFunctionAction = (typeof SDK_COMMAND_ACTIONS)[keyof typeof SDK_COMMAND_ACTIONS];
export type EntraFunctionKmsAction = (typeof KMS_ACTIONS)[keyof typeof KMS_ACTIONS];

/** The actions the function's calls need on S3 and SSM resources, once each. */
export const ENTRA_FUNCTION_ACTIONS: readonly EntraFunctionAction[] = Object.values(SDK_COMMAND_ACTIONS);

/** The actions the function's role needs on the lab's KMS key (a plain array: policy documents take one). */
export const ENTRA_FUNCTION_KMS_ACTIONS: EntraFunctionKmsAction[] = Object.values(KMS_ACTIONS);
