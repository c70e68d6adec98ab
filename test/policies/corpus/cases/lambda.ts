// Lambda: who may invoke (permissions, function URLs) and what the environment holds.
import * as aws from "@pulumi/aws";
import { ACCOUNT, type CorpusCase, lambdaFunction } from "../case";

const KMS = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0`;

const permission = (id: string, kind: string, peer: string, policyName: string | "clean", args: Omit<aws.lambda.PermissionArgs, "function">): CorpusCase => ({
    id,
    kind,
    peer,
    expect: policyName === "clean" ? "clean" : { policy: policyName, on: "permission" },
    build: (n) => {
        const fn = lambdaFunction(n, { LOG_LEVEL: "info" });
        new aws.lambda.Permission(n("permission"), { function: fn.name, ...args });
    },
});
const INVOKE = "lambda-permission-restricted";

const environment = (id: string, kind: string, peer: string, policyName: string | "clean", variables: Record<string, string>, kmsKeyArn: string | undefined = KMS): CorpusCase => ({
    id,
    kind,
    peer,
    expect: policyName === "clean" ? "clean" : { policy: policyName, on: "fn" },
    build: (n) => void lambdaFunction(n, variables, kmsKeyArn),
});
const CREDS = "lambda-env-no-credentials";

export const LAMBDA_CASES: CorpusCase[] = [
    permission("perm-anyone", "a permission for principal *", "Checkov CKV_AWS_301", INVOKE, { action: "lambda:InvokeFunction", principal: "*" }),
    permission("perm-s3-no-source", "a permission for S3 without sourceArn or sourceAccount", "Checkov CKV_AWS_364", INVOKE, { action: "lambda:InvokeFunction", principal: "s3.amazonaws.com" }),
    permission("perm-events-rule", "a permission for one EventBridge rule", "Checkov CKV_AWS_364 baseline", "clean", {
        action: "lambda:InvokeFunction",
        principal: "events.amazonaws.com",
        sourceArn: `arn:aws:events:us-east-1:${ACCOUNT}:rule/corpus-schedule`,
    }),
    permission("perm-org", "a permission for principal * of one organisation", "Checkov CKV_AWS_301 false positive", "clean", { action: "lambda:InvokeFunction", principal: "*", principalOrgId: "o-a1b2c3d4e5" }),
    permission("perm-account", "a permission for one account", "KICS lambda_permission_principal_is_wildcard baseline", "clean", { action: "lambda:InvokeFunction", principal: ACCOUNT }),
    {
        id: "url-no-auth",
        kind: "a function URL with authorizationType NONE",
        peer: "Checkov CKV_AWS_258",
        expect: { policy: "lambda-function-url-auth", on: "url" },
        build: (n) => {
            const fn = lambdaFunction(n, { LOG_LEVEL: "info" });
            new aws.lambda.FunctionUrl(n("url"), { functionName: fn.name, authorizationType: "NONE" });
        },
    },
    environment("env-workspace-key", "a Log Analytics key by name, in an encrypted environment", "Checkov CKV_AWS_45", CREDS, { WORKSPACE_ID: "6c1f0e2a-7d7b-4c3e-9a51-0f3e0a1b2c3d", WORKSPACE_KEY: "redacted-in-this-case" }),
    environment("env-db-pass", "DB_PASS by name", "KICS passwords_and_secrets", CREDS, { DB_HOST: "db.internal", DB_PASS: "hunter2" }),
    environment("env-token-suffix", "a *_TOKEN by name, no KMS key", "KICS passwords_and_secrets", CREDS, { GRAPH_TOKEN: "abc" }, undefined),
    environment("env-access-key", "an AWS access key id as a value under an innocent name", "Checkov CKV_AWS_45", CREDS, { UPLOADER: "AKIAIOSFODNN7EXAMPLE" }),
    environment("env-secret-key", "an AWS secret access key as a value", "Checkov CKV_AWS_45", CREDS, { S3_SIGNING: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" }),
    environment("env-jwt", "a JWT as a value", "KICS passwords_and_secrets", CREDS, { GRAPH: "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJodHRwczovL2dyYXBoIn0.c2lnbmF0dXJlLW5vdC1yZWFs" }),
    environment("env-conn-string", "a connection string with a password", "KICS passwords_and_secrets", CREDS, { DATABASE: "Server=tcp:db.internal,1433;Initial Catalog=lab;User ID=lab;Password=Summer2026!;" }),
    environment("env-private-key", "a PEM private key", "KICS passwords_and_secrets", CREDS, { SIGNER: "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----" }),
    environment("env-url-password", "a URL with user:password", "KICS passwords_and_secrets", CREDS, { BROKER: "amqp://lab:s3cret@mq.internal:5672/" }),
    environment("env-tls-bypass", "NODE_TLS_REJECT_UNAUTHORIZED=0", "lab post (Fiddler)", "lambda-no-tls-bypass", { NODE_TLS_REJECT_UNAUTHORIZED: "0" }),
    environment("env-clean", "only ids, names and where the secret lives", "Checkov CKV_AWS_45 baseline", "clean", {
        AZURE_CLIENT_ID: "a42c126a-2c57-4ebd-9ab1-39ccbff0229a",
        CLIENT_SECRET_PARAMETER: "/labs/dev/collector/entra-client-secret",
        DCE_ENDPOINT: "https://dce-corpus.eastus-1.ingest.monitor.azure.com",
        COMMIT: "da39a3ee5e6b4b0d3255bfef95601890afd80709",
    }),
];
