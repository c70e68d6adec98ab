// Data and secrets: for each policy a compliant baseline, then one property changed per case.
import { describe, expect, it } from "vitest";
import { looksSecret } from "../../policies/data/aws";
import { type Spec, UNKNOWN, check, findings, usePack } from "./support";

const tags = { lab: "t", owner: "o", expires: "2999-01-01" };
const pack = usePack();

describe("S3", () => {
    const bucket: Spec = { type: "aws:s3/bucket:Bucket", name: "logs", props: { bucket: "lab-logs", tags } };
    const dep = { bucket: ["urn:pulumi:test::labs::aws:s3/bucket:Bucket::logs"] };
    const pab = (over: Record<string, unknown> = {}): Spec => ({
        type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        props: { bucket: UNKNOWN, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true, ...over },
        dependsOn: dep,
    });
    const sse: Spec = { type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", props: { bucket: "lab-logs", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] } };

    it("pass a private, encrypted bucket (found by dependency or by name)", async () => {
        const r = await check(pack.host(), [bucket, pab(), sse]);
        expect(r.violations).toEqual([]);
    });

    it("refuse a bucket without a public access block, or with one setting off", async () => {
        expect(findings(await check(pack.host(), [bucket, sse]), "s3-public-access-block")).toEqual(["s3-public-access-block[Bucket::public-access-block]"]);
        expect(findings(await check(pack.host(), [bucket, pab({ blockPublicPolicy: false }), sse]), "s3-public-access-block")).toEqual(["s3-public-access-block[Setting::blockPublicPolicy]"]);
        expect(findings(await check(pack.host(), [bucket, pab({ restrictPublicBuckets: undefined }), sse]), "s3-public-access-block")).toEqual(["s3-public-access-block[Setting::restrictPublicBuckets]"]);
    });

    it("treat a setting not known until the update as not applicable", async () => {
        expect(findings(await check(pack.host(), [bucket, pab({ blockPublicAcls: UNKNOWN }), sse]), "s3-public-access-block")).toEqual([]);
    });

    it("refuse a bucket without default encryption", async () => {
        expect(findings(await check(pack.host(), [bucket, pab()]), "s3-encryption")).toEqual(["s3-encryption[Bucket::encryption]"]);
    });

    it("accept encryption and read the policy given inline on the Bucket itself", async () => {
        const inline: Spec = {
            ...bucket,
            props: {
                ...bucket.props,
                serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } } },
                policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "Public", Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::lab-logs/*" }] }),
            },
        };
        const r = await check(pack.host(), [inline, pab()]);
        expect(findings(r, "s3-encryption")).toEqual([]);
        expect(findings(r, "s3-no-public-bucket-policy")).toEqual(["s3-no-public-bucket-policy[Statement::Sid 'Public']"]);
    });

    it("refuse a bucket policy that allows anyone, and accept a Deny for everyone (TLS only)", async () => {
        const policy = (statement: Record<string, unknown>): Spec => ({ type: "aws:s3/bucketPolicy:BucketPolicy", props: { bucket: "lab-logs", policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) } });
        const open = await check(pack.host(), [policy({ Sid: "Public", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::lab-logs/*" })]);
        expect(findings(open, "s3-no-public-bucket-policy")).toEqual(["s3-no-public-bucket-policy[Statement::Sid 'Public']"]);
        const tls = await check(pack.host(), [policy({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "arn:aws:s3:::lab-logs/*", Condition: { Bool: { "aws:SecureTransport": "false" } } })]);
        expect(findings(tls, "s3-no-public-bucket-policy")).toEqual([]);
    });
});

describe("CloudTrail and KMS", () => {
    const trail = (over: Record<string, unknown> = {}): Spec => ({ type: "aws:cloudtrail/trail:Trail", props: { s3BucketName: "b", enableLogFileValidation: true, isMultiRegionTrail: true, kmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/k", tags, ...over } });

    it("pass a validated, multi-region, KMS-encrypted trail", async () => {
        expect((await check(pack.host(), [trail()])).violations).toEqual([]);
    });

    it.each([
        ["cloudtrail-log-file-validation", { enableLogFileValidation: false }, "Property::enableLogFileValidation"],
        ["cloudtrail-multi-region", { isMultiRegionTrail: undefined }, "Property::isMultiRegionTrail"],
        ["cloudtrail-kms-encryption", { kmsKeyId: undefined }, "Property::kmsKeyId"],
    ])("refuse a trail failing %s", async (policy, over, finding) => {
        expect(findings(await check(pack.host(), [trail(over)]), policy)).toEqual([`${policy}[${finding}]`]);
    });

    it("require rotation on symmetric keys only", async () => {
        const key = (over: Record<string, unknown>): Spec => ({ type: "aws:kms/key:Key", props: { deletionWindowInDays: 7, tags, ...over } });
        expect(findings(await check(pack.host(), [key({ enableKeyRotation: true })]), "kms-key-rotation")).toEqual([]);
        expect(findings(await check(pack.host(), [key({})]), "kms-key-rotation")).toEqual(["kms-key-rotation[Property::enableKeyRotation]"]);
        expect(findings(await check(pack.host(), [key({ customerMasterKeySpec: "RSA_2048" })]), "kms-key-rotation")).toEqual([]);
    });
});

describe("Lambda and SSM", () => {
    const fn = (variables: Record<string, string>, kmsKeyArn?: string | typeof UNKNOWN): Spec => ({ type: "aws:lambda/function:Function", props: { runtime: "nodejs22.x", environment: { variables }, kmsKeyArn, tags } });

    it("refuse NODE_TLS_REJECT_UNAUTHORIZED=0, and accept a CA bundle instead", async () => {
        expect(findings(await check(pack.host(), [fn({ NODE_TLS_REJECT_UNAUTHORIZED: "0" })]), "lambda-no-tls-bypass")).toEqual(["lambda-no-tls-bypass[Variable::NODE_TLS_REJECT_UNAUTHORIZED]"]);
        expect(findings(await check(pack.host(), [fn({ NODE_EXTRA_CA_CERTS: "/var/task/proxy-ca.pem" })]), "lambda-no-tls-bypass")).toEqual([]);
    });

    it("refuse credentials in the environment by name, KMS key or not, and leave the names of where secrets live alone", async () => {
        const kms = "arn:aws:kms:us-east-1:123456789012:key/k";
        expect(findings(await check(pack.host(), [fn({ CLIENT_SECRET: "x" })]), "lambda-env-no-credentials")).toEqual(["lambda-env-no-credentials[Variable::CLIENT_SECRET]"]);
        expect(findings(await check(pack.host(), [fn({ DB_PASS: "x" }, kms)]), "lambda-env-no-credentials")).toEqual(["lambda-env-no-credentials[Variable::DB_PASS]"]);
        expect(findings(await check(pack.host(), [fn({ CLIENT_SECRET_PARAMETER_NAME: "/lab/secret", TENANT_ID: "t", SECRET_ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:x" })]), "lambda-env-no-credentials")).toEqual([]);
        expect(findings(await check(pack.host(), [fn({ API_TOKEN: UNKNOWN as unknown as string })]), "lambda-env-no-credentials")).toEqual(["lambda-env-no-credentials[Variable::API_TOKEN]"]);
    });

    it.each([
        ["WORKSPACE_KEY"], ["DB_PASS"], ["SMTP_PWD"], ["GITHUB_TOKEN"], ["AZURE_CREDENTIALS"], ["SERVICE_CREDENTIAL"], ["SQL_CONNECTION_STRING"], ["STORAGE_CONNSTR"], ["API_KEY"], ["PRIVATE_KEY_PEM"],
    ])("know %s for a credential's name", (name) => {
        expect(looksSecret(name)).toBe(true);
    });

    it.each([["SECRET_ARN"], ["TOKEN_URL"], ["CLIENT_SECRET_PARAMETER"], ["PASSWORD_POLICY_ENABLED"], ["BYPASS"], ["KEY_ID"], ["LOG_LEVEL"]])("know %s for something else", (name) => {
        expect(looksSecret(name)).toBe(false);
    });

    it.each([
        ["an AWS access key id", "AKIAIOSFODNN7EXAMPLE"],
        ["temporary credentials", "ASIAZZZZZZZZZZZZZZZZ"],
        ["an AWS secret access key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"],
        ["a private key", "-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----"],
        ["a JWT", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"],
        ["a connection string with a password", "Server=db;Database=lab;User Id=sa;Password=hunter2;"],
        ["a storage connection string", "DefaultEndpointsProtocol=https;AccountName=lab;AccountKey=abc123==;EndpointSuffix=core.windows.net"],
        ["a URL with a password", "postgres://lab:hunter2@db.internal:5432/lab"],
    ])("refuse %s as a value, whatever the variable's name", async (_kind, value) => {
        expect(findings(await check(pack.host(), [fn({ SETTING: value }, "arn:aws:kms:us-east-1:123456789012:key/k")]), "lambda-env-no-credentials")).toEqual(["lambda-env-no-credentials[Variable::SETTING]"]);
    });

    it("leave ordinary values alone: ids, hex digests, URLs without a password, names", async () => {
        const r = await check(pack.host(), [fn({ A: "a42c126a-2c57-4ebd-9ab1-39ccbff0229a", B: "da39a3ee5e6b4b0d3255bfef95601890afd80709", C: "https://dce.eastus-1.ingest.monitor.azure.com", D: "/labs/dev/collector/entra-client-secret", E: "Custom-AWS_Access_Key_Report_CL" })]);
        expect(findings(r, "lambda-env-no-credentials")).toEqual([]);
    });

    it("keep secrets in SecureStrings under a customer key", async () => {
        const param = (over: Record<string, unknown>): Spec => ({ type: "aws:ssm/parameter:Parameter", props: { name: "/lab/client-secret", value: "v", tags, ...over } });
        expect(findings(await check(pack.host(), [param({ type: "SecureString", keyId: "arn:aws:kms:us-east-1:123456789012:key/k" })]), "ssm-secrets-secure-string")).toEqual([]);
        expect(findings(await check(pack.host(), [param({ type: "String" })]), "ssm-secrets-secure-string")).toEqual(["ssm-secrets-secure-string[Property::type]"]);
        expect(findings(await check(pack.host(), [param({ type: "SecureString", keyId: "alias/aws/ssm" })]), "ssm-secrets-secure-string")).toEqual(["ssm-secrets-secure-string[Property::keyId]"]);
        expect(findings(await check(pack.host(), [param({ name: "/lab/region", type: "String" })]), "ssm-secrets-secure-string")).toEqual([]);
    });
});

describe("Azure and Entra ID", () => {
    it("keep Log Analytics data 30 days or more (unset is Azure's 30)", async () => {
        const ws = (retentionInDays?: number): Spec => ({ type: "azure-native:operationalinsights:Workspace", props: { resourceGroupName: "rg", retentionInDays, tags } });
        expect(findings(await check(pack.host(), [ws(30), ws(undefined), ws(90)]), "log-analytics-retention")).toEqual([]);
        expect(findings(await check(pack.host(), [ws(7)]), "log-analytics-retention")).toEqual(["log-analytics-retention[Property::retentionInDays]"]);
    });

    it("want IKEv2 and a shared key declared secret on VPN connections", async () => {
        const conn = (over: Record<string, unknown>, secretOutputs = ["sharedKey"]): Spec => ({
            type: "azure-native:network:VirtualNetworkGatewayConnection",
            props: { resourceGroupName: "rg", connectionType: "IPsec", connectionProtocol: "IKEv2", sharedKey: "k", tags, ...over },
            additionalSecretOutputs: secretOutputs,
        });
        expect(findings(await check(pack.host(), [conn({})]), "vpn-ikev2-secret-key")).toEqual([]);
        expect(findings(await check(pack.host(), [conn({ connectionProtocol: "IKEv1" })]), "vpn-ikev2-secret-key")).toEqual(["vpn-ikev2-secret-key[Property::connectionProtocol]"]);
        expect(findings(await check(pack.host(), [conn({}, [])]), "vpn-ikev2-secret-key")).toEqual(["vpn-ikev2-secret-key[Option::additionalSecretOutputs]"]);
        expect(findings(await check(pack.host(), [conn({ sharedKey: undefined })]), "vpn-ikev2-secret-key")).toEqual(["vpn-ikev2-secret-key[Property::sharedKey]"]);
    });

    const app = (...ids: Array<[string, string]>): Spec => ({
        type: "azuread:index/application:Application",
        props: { displayName: "lab", requiredResourceAccesses: [{ resourceAppId: "00000003-0000-0000-c000-000000000000", resourceAccesses: ids.map(([id, type]) => ({ id, type })) }] },
    });

    it("let applications read, not write, unless the policy config allows the permission", async () => {
        const auditLog: [string, string] = ["b0afded3-3588-46d8-8b3d-9842eff778da", "Role"];
        const directoryWrite: [string, string] = ["19dbc75e-c2e2-444c-a770-ec69d8559fc7", "Role"];
        expect(findings(await check(pack.host(), [app(auditLog, ["e1fe6dd8-ba31-4d61-89e7-88639da4683d", "Scope"])]), "azuread-app-read-only-permissions")).toEqual([]);
        expect(findings(await check(pack.host(), [app(auditLog, directoryWrite)]), "azuread-app-read-only-permissions")).toEqual(["azuread-app-read-only-permissions[Permission::Directory.ReadWrite.All]"]);
        expect(findings(await check(pack.host(), [app(directoryWrite)], { "azuread-app-read-only-permissions": { allowedPermissions: ["Directory.ReadWrite.All"] } }), "azuread-app-read-only-permissions")).toEqual([]);
        expect(findings(await check(pack.host(), [app(["11111111-2222-3333-4444-555555555555", "Role"])]), "azuread-app-read-only-permissions")).toEqual([
            "azuread-app-read-only-permissions[Permission::11111111-2222-3333-4444-555555555555]",
        ]);
    });

    it("read permissions granted with ApplicationApiAccess and app role assignments, one id at a time", async () => {
        const access: Spec = {
            type: "azuread:index/applicationApiAccess:ApplicationApiAccess",
            props: { applicationId: "/applications/x", apiClientId: "00000003-0000-0000-c000-000000000000", roleIds: [UNKNOWN, "b0afded3-3588-46d8-8b3d-9842eff778da", "741f803b-c850-494e-b5df-cde7c675a1ca"], scopeIds: ["b633e1c5-b582-4048-a93e-9f11b44c7e96"] },
        };
        const assignment: Spec = { type: "azuread:index/appRoleAssignment:AppRoleAssignment", props: { appRoleId: "62a82d76-70ea-41e2-9197-370581804d09", principalObjectId: "p", resourceObjectId: "r" } };
        expect(findings(await check(pack.host(), [access, assignment]), "azuread-app-read-only-permissions")).toEqual([
            "azuread-app-read-only-permissions[Permission::Group.ReadWrite.All]",
            "azuread-app-read-only-permissions[Permission::Mail.Send]",
            "azuread-app-read-only-permissions[Permission::User.ReadWrite.All]",
        ]);
    });

    it("want client secrets to expire within a year", async () => {
        const password = (over: Record<string, unknown>): Spec => ({ type: "azuread:index/applicationPassword:ApplicationPassword", props: { applicationId: "/applications/x", ...over } });
        const soon = new Date(Date.now() + 90 * 86_400_000).toISOString();
        const late = new Date(Date.now() + 730 * 86_400_000).toISOString();
        expect(findings(await check(pack.host(), [password({ endDate: soon }), password({ endDateRelative: "2160h" }), password({ endDate: UNKNOWN })]), "azuread-password-expiry")).toEqual([]);
        expect(findings(await check(pack.host(), [password({ endDate: late })]), "azuread-password-expiry")).toEqual(["azuread-password-expiry[Property::endDate]"]);
        expect(findings(await check(pack.host(), [password({})]), "azuread-password-expiry")).toEqual(["azuread-password-expiry[Property::endDate]"]);
        expect(findings(await check(pack.host(), [password({ endDateRelative: "17520h" })]), "azuread-password-expiry")).toEqual(["azuread-password-expiry[Property::endDateRelative]"]);
    });
});
