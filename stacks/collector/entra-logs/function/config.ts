// The export function's settings, all from its environment (the collector stack sets every
// one; one Lambda per log type, same bundle). No secret is read from here: the Entra client
// secret stays in SSM Parameter Store and only its parameter name is an environment variable.
import { LOG_TYPE_NAMES } from "../layout";
import type { LogType } from "../layout";
import { ConfigError, requireBucketName, requireVariables } from "../../shared/runtime/env";
import type { Environment } from "../../shared/runtime/env";

export interface EntraExportConfig {
    tenantId: string;
    clientId: string;
    /** Name (or ARN) of the SecureString parameter holding the Entra application's client secret. */
    clientSecretParameter: string;
    /** The bucket's name (not its ARN): the logs land in it under ../entra-logs.ts's layout. */
    bucket: string;
    logType: LogType;
}

export const REQUIRED_VARIABLES = ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "CLIENT_SECRET_PARAMETER", "BUCKET", "LOG_TYPE"] as const;

export function readEntraConfig(env: Environment): EntraExportConfig {
    const values = requireVariables(env, REQUIRED_VARIABLES);
    const logType = values.LOG_TYPE;
    if (!isLogType(logType)) {
        throw new ConfigError(`LOG_TYPE = ${JSON.stringify(logType)}: expected one of ${LOG_TYPE_NAMES.join(", ")} (one function per log type).`);
    }
    const bucket = requireBucketName("BUCKET", values.BUCKET);
    return { tenantId: values.AZURE_TENANT_ID, clientId: values.AZURE_CLIENT_ID, clientSecretParameter: values.CLIENT_SECRET_PARAMETER, bucket, logType };
}

function isLogType(value: string): value is LogType {
    return (LOG_TYPE_NAMES as readonly string[]).includes(value);
}
