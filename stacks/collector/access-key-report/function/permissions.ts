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
} as const;

/**
 * Not a call the code makes: GetParameter WithDecryption on a SecureString makes SSM decrypt
 * with the caller's own permissions, so the role needs kms:Decrypt on the parameter's key.
 */
export const SECURE_STRING_DECRYPT_ACTION = "kms:Decrypt";

export type FunctionAction = (typeof SDK_COMMAND_ACTIONS)[keyof typeof SDK_COMMAND_ACTIONS] | typeof SECURE_STRING_DECRYPT_ACTION;

/** Every action the function's role must allow, once each. */
export const FUNCTION_ACTIONS: readonly FunctionAction[] = [...Object.values(SDK_COMMAND_ACTIONS), SECURE_STRING_DECRYPT_ACTION];
