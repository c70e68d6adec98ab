// The Entra client secret lives in SSM Parameter Store as a SecureString, never in the
// function's environment. It is read once per container (the first invocation after a cold
// start) and kept in memory; a failed read is not kept, so the next invocation tries again.
import { GetParameterCommand } from "@aws-sdk/client-ssm";
import type { SSMClient } from "@aws-sdk/client-ssm";

export interface CachedSecret {
    /** The secret, read from SSM on the first call only. */
    get(): Promise<string>;
    /** Drops the cached value (e.g. Entra refused it, so it may have been rotated). */
    forget(): void;
}

export function cachedParameterSecret(ssm: SSMClient, parameterName: string): CachedSecret {
    let pending: Promise<string> | undefined;
    const read = async (): Promise<string> => {
        // WithDecryption: SSM asks KMS to decrypt with the function's role (kms:Decrypt).
        const answer = await ssm.send(new GetParameterCommand({ Name: parameterName, WithDecryption: true }));
        const parameter = answer.Parameter;
        if (parameter?.Type !== "SecureString") {
            throw new Error(`SSM parameter ${parameterName} is ${parameter?.Type ?? "missing its type"}: the client secret must be stored as a SecureString.`);
        }
        if (!parameter.Value) throw new Error(`SSM parameter ${parameterName} is empty: it should hold the Entra application's client secret.`);
        return parameter.Value;
    };
    return {
        get() {
            pending ??= read().catch((error: unknown) => {
                pending = undefined;
                throw error;
            });
            return pending;
        },
        forget() {
            pending = undefined;
        },
    };
}
