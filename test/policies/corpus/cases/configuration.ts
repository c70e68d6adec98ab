// Credentials in configuration outside Lambda, web identities in trust policies, and more controls
// switched off, with their compliant baselines.
import * as aws from "@pulumi/aws";
import * as compute from "@pulumi/azure-native/compute";
import * as network from "@pulumi/azure-native/network";
import * as storage from "@pulumi/azure-native/storage";
import * as web from "@pulumi/azure-native/web";
import { ACCOUNT, type CorpusCase, doc } from "../case";

const GH = "token.actions.githubusercontent.com";
const githubRole = (id: string, kind: string, verdict: "clean" | "violation", condition: Record<string, unknown>): CorpusCase => ({
    id,
    kind,
    peer: "Checkov CKV_AWS_358",
    expect: verdict === "clean" ? "clean" : { policy: "iam-trust-web-identity-conditions", on: "role" },
    build: (n) =>
        void new aws.iam.Role(n("role"), {
            assumeRolePolicy: doc({ Effect: "Allow", Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/${GH}` }, Action: "sts:AssumeRoleWithWebIdentity", Condition: condition }),
        }),
});

const container = (environment: Array<{ name: string; value: string }>) => JSON.stringify([{ name: "app", image: "public.ecr.aws/docker/library/nginx:stable", essential: true, environment }]);
const CREDS = "no-plaintext-credentials";

const linuxVm = (n: (s: string) => string, disablePasswordAuthentication: boolean) =>
    new compute.VirtualMachine(n("vm"), {
        resourceGroupName: "rg-corpus",
        hardwareProfile: { vmSize: "Standard_B1s" },
        osProfile: { computerName: "corpus", adminUsername: "labadmin", linuxConfiguration: { disablePasswordAuthentication } },
        storageProfile: { imageReference: { publisher: "Canonical", offer: "ubuntu-24_04-lts", sku: "server", version: "latest" } },
    });

export const CONFIGURATION_CASES: CorpusCase[] = [
    githubRole("oidc-github-aud-only", "a GitHub Actions role pinned by aud only (any repository can assume it)", "violation", { StringEquals: { [`${GH}:aud`]: "sts.amazonaws.com" } }),
    githubRole("oidc-github-org-wildcard", "a GitHub Actions role for every repository of an owner", "violation", { StringLike: { [`${GH}:sub`]: "repo:contoso/*" } }),
    githubRole("oidc-github-repo", "a GitHub Actions role for one repository's main branch", "clean", { StringEquals: { [`${GH}:aud`]: "sts.amazonaws.com", [`${GH}:sub`]: "repo:contoso/labs:ref:refs/heads/main" } }),
    {
        id: "ecs-env-password",
        kind: "a database password in a container environment",
        peer: "KICS passwords_and_secrets",
        expect: { policy: CREDS, on: "task" },
        build: (n) => void new aws.ecs.TaskDefinition(n("task"), { family: "corpus", containerDefinitions: container([{ name: "DB_PASSWORD", value: "Summer2026!" }]) }),
    },
    {
        id: "ecs-env-clean",
        kind: "a container environment with settings only, the secret by reference",
        peer: "KICS passwords_and_secrets baseline",
        expect: "clean",
        build: (n) =>
            void new aws.ecs.TaskDefinition(n("task"), {
                family: "corpus",
                containerDefinitions: JSON.stringify([{ name: "app", image: "app:1", essential: true, environment: [{ name: "LOG_LEVEL", value: "info" }], secrets: [{ name: "DB_PASSWORD", valueFrom: `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/corpus/db` }] }]),
            }),
    },
    {
        id: "ec2-userdata-key",
        kind: "an access key in EC2 user data",
        peer: "Checkov CKV_AWS_46",
        expect: { policy: CREDS, on: "instance" },
        build: (n) =>
            void new aws.ec2.Instance(n("instance"), {
                ami: "ami-0123456789abcdef0",
                instanceType: "t3.micro",
                userData: "#!/bin/bash\nexport AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nexport AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
            }),
    },
    {
        id: "provider-keys",
        kind: "access keys written into an AWS provider",
        peer: "Checkov CKV_AWS_41",
        expect: { policy: CREDS, on: "provider" },
        build: (n) => void new aws.Provider(n("provider"), { region: "us-east-1", accessKey: "AKIAIOSFODNN7EXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" }),
    },
    {
        id: "ssm-string-key",
        kind: "an access key in a String parameter under an innocent name",
        peer: "Checkov CKV2_AWS_34",
        expect: { policy: "ssm-secrets-secure-string", on: "param" },
        build: (n) => void new aws.ssm.Parameter(n("param"), { name: "/corpus/uploader", type: "String", value: "AKIAIOSFODNN7EXAMPLE" }),
    },
    {
        id: "ssm-secure",
        kind: "a SecureString under a customer key",
        peer: "Checkov CKV2_AWS_34 baseline",
        expect: "clean",
        build: (n) => void new aws.ssm.Parameter(n("param"), { name: "/corpus/db-password", type: "SecureString", value: "placeholder", keyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0` }),
    },
    {
        id: "config-recorder-off",
        kind: "an AWS Config recorder switched off",
        peer: "CIS AWS 3.3",
        expect: { policy: "config-recorder-enabled", on: "status" },
        build: (n) => void new aws.cfg.RecorderStatus(n("status"), { name: "default", isEnabled: false }),
    },
    {
        id: "versioning-suspended",
        kind: "bucket versioning suspended",
        peer: "Checkov CKV_AWS_21",
        expect: { policy: "s3-versioning-not-suspended", on: "versioning" },
        build: (n) => void new aws.s3.BucketVersioning(n("versioning"), { bucket: "corpus-data", versioningConfiguration: { status: "Suspended" } }),
    },
    {
        id: "trail-mgmt-off",
        kind: "a trail whose event selectors leave out management events",
        peer: "KICS cloudtrail_logging_disabled",
        expect: { policy: "cloudtrail-logging-enabled", on: "trail" },
        build: (n) =>
            void new aws.cloudtrail.Trail(n("trail"), {
                s3BucketName: "corpus-trail",
                isMultiRegionTrail: true,
                enableLogFileValidation: true,
                kmsKeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0`,
                eventSelectors: [{ readWriteType: "All", includeManagementEvents: false, dataResources: [{ type: "AWS::S3::Object", values: ["arn:aws:s3:::corpus-data/"] }] }],
            }),
    },
    {
        id: "storage-http",
        kind: "a storage account that accepts plain HTTP",
        peer: "Checkov CKV_AZURE_3",
        expect: { policy: "storage-account-secure-access", on: "storage" },
        build: (n) => void new storage.StorageAccount(n("storage"), { resourceGroupName: "rg-corpus", kind: "StorageV2", sku: { name: "Standard_LRS" }, enableHttpsTrafficOnly: false }),
    },
    {
        id: "storage-public-blob",
        kind: "a storage account allowing anonymous blob access",
        peer: "Checkov CKV_AZURE_190",
        expect: { policy: "storage-account-secure-access", on: "storage" },
        build: (n) => void new storage.StorageAccount(n("storage"), { resourceGroupName: "rg-corpus", kind: "StorageV2", sku: { name: "Standard_LRS" }, allowBlobPublicAccess: true, minimumTlsVersion: "TLS1_2" }),
    },
    {
        id: "storage-clean",
        kind: "a storage account on HTTPS and TLS 1.2 without anonymous access",
        peer: "Checkov CKV_AZURE_44 baseline",
        expect: "clean",
        build: (n) => void new storage.StorageAccount(n("storage"), { resourceGroupName: "rg-corpus", kind: "StorageV2", sku: { name: "Standard_LRS" }, enableHttpsTrafficOnly: true, allowBlobPublicAccess: false, minimumTlsVersion: "TLS1_2" }),
    },
    {
        id: "flowlog-off",
        kind: "an NSG flow log that is disabled",
        peer: "KICS network_watcher_flow_disabled",
        expect: { policy: "nsg-flow-log-enabled", on: "flowlog" },
        build: (n) =>
            void new network.FlowLog(n("flowlog"), {
                resourceGroupName: "NetworkWatcherRG",
                networkWatcherName: "NetworkWatcher_eastus",
                storageId: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-corpus/providers/Microsoft.Storage/storageAccounts/corpuslogs",
                targetResourceId: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-corpus/providers/Microsoft.Network/virtualNetworks/vnet-corpus",
                enabled: false,
            }),
    },
    { id: "linux-password", kind: "a Linux VM taking SSH passwords", peer: "Checkov CKV_AZURE_149", expect: { policy: "vm-linux-no-password-auth", on: "vm" }, build: (n) => void linuxVm(n, false) },
    { id: "linux-keys", kind: "a Linux VM on SSH keys only", peer: "Checkov CKV_AZURE_1 baseline", expect: "clean", build: (n) => void linuxVm(n, true) },
    {
        id: "webapp-http",
        kind: "a web app answering plain HTTP",
        peer: "Checkov CKV_AZURE_14",
        expect: { policy: "web-app-https-only", on: "app" },
        build: (n) => void new web.WebApp(n("app"), { resourceGroupName: "rg-corpus", httpsOnly: false, siteConfig: { minTlsVersion: "1.2" } }),
    },
    {
        id: "webapp-secret-setting",
        kind: "a storage connection string in an app setting",
        peer: "KICS passwords_and_secrets",
        expect: { policy: CREDS, on: "app" },
        build: (n) =>
            void new web.WebApp(n("app"), {
                resourceGroupName: "rg-corpus",
                httpsOnly: true,
                siteConfig: { minTlsVersion: "1.2", appSettings: [{ name: "AzureWebJobsStorage", value: "DefaultEndpointsProtocol=https;AccountName=corpus;AccountKey=c2VjcmV0LWtleS1ub3QtcmVhbA==;EndpointSuffix=core.windows.net" }] },
            }),
    },
    {
        id: "perm-apigw",
        kind: "a permission for one API Gateway API",
        peer: "Checkov CKV_AWS_364 baseline",
        expect: "clean",
        build: (n) => {
            const fn = new aws.lambda.Function(n("fn"), { runtime: "nodejs24.x", handler: "index.handler", role: `arn:aws:iam::${ACCOUNT}:role/corpus-fn`, s3Bucket: "corpus-code", s3Key: "fn.zip" });
            new aws.lambda.Permission(n("permission"), { function: fn.name, action: "lambda:InvokeFunction", principal: "apigateway.amazonaws.com", sourceArn: `arn:aws:execute-api:us-east-1:${ACCOUNT}:a1b2c3d4e5/*/GET/reports` });
        },
    },
    {
        id: "sns-from-bucket",
        kind: "a topic's own policy letting S3 publish for one bucket",
        peer: "Checkov CKV_AWS_169 false positive",
        expect: "clean",
        build: (n) =>
            void new aws.sns.Topic(n("topic"), {
                kmsMasterKeyId: "alias/corpus",
                policy: doc({ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sns:Publish", Resource: "*", Condition: { ArnLike: { "aws:SourceArn": "arn:aws:s3:::corpus-data" }, StringEquals: { "aws:SourceAccount": ACCOUNT } } }),
            }),
    },
    {
        id: "opensearch-open",
        kind: "an OpenSearch domain whose access policy lets anyone in",
        peer: "KICS elasticsearch_domain_with_vulnerable_policy",
        expect: { policy: "resource-policy-not-public", on: "domain" },
        build: (n) =>
            void new aws.opensearch.Domain(n("domain"), {
                engineVersion: "OpenSearch_2.19",
                accessPolicies: doc({ Effect: "Allow", Principal: { AWS: "*" }, Action: "es:*", Resource: `arn:aws:es:us-east-1:${ACCOUNT}:domain/corpus/*` }),
            }),
    },
    {
        id: "perm-wildcard-action",
        kind: "a permission granting lambda:* to another account",
        peer: "KICS lambda_with_vulnerable_policy",
        expect: { policy: "lambda-permission-restricted", on: "permission" },
        build: (n) => {
            const fn = new aws.lambda.Function(n("fn"), { runtime: "nodejs24.x", handler: "index.handler", role: `arn:aws:iam::${ACCOUNT}:role/corpus-fn`, s3Bucket: "corpus-code", s3Key: "fn.zip" });
            new aws.lambda.Permission(n("permission"), { function: fn.name, action: "lambda:*", principal: "999988887777" });
        },
    },
    {
        id: "oidc-cognito-no-aud",
        kind: "a role trusting Cognito identities of any identity pool",
        peer: "IAM User Guide, roles for Cognito",
        expect: { policy: "iam-trust-web-identity-conditions", on: "role" },
        build: (n) =>
            void new aws.iam.Role(n("role"), {
                assumeRolePolicy: doc({ Effect: "Allow", Principal: { Federated: "cognito-identity.amazonaws.com" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" } } }),
            }),
    },
    {
        id: "sg-ssh-world",
        kind: "a security group letting SSH in from 0.0.0.0/0",
        peer: "Checkov CKV_AWS_24",
        expect: { policy: "sg-no-internet-management-ports", on: "sg" },
        build: (n) => void new aws.ec2.SecurityGroup(n("sg"), { vpcId: "vpc-0123456789abcdef0", ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }] }),
    },
    {
        id: "sg-rdp-rule",
        kind: "a standalone ingress rule letting RDP in from ::/0",
        peer: "Checkov CKV_AWS_25",
        expect: { policy: "sg-no-internet-management-ports", on: "rule" },
        build: (n) => void new aws.vpc.SecurityGroupIngressRule(n("rule"), { securityGroupId: "sg-0123456789abcdef0", ipProtocol: "tcp", fromPort: 3389, toPort: 3389, cidrIpv6: "::/0" }),
    },
    {
        id: "sg-all-traffic",
        kind: "a security group letting every protocol in from anywhere",
        peer: "CIS AWS 5.2",
        expect: { policy: "sg-no-internet-all-ports", on: "sg" },
        build: (n) => void new aws.ec2.SecurityGroup(n("sg"), { vpcId: "vpc-0123456789abcdef0", ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] }),
    },
    {
        id: "sg-https-clean",
        kind: "a security group with HTTPS from anywhere and SSH from the VPC",
        peer: "Checkov CKV_AWS_24 baseline",
        expect: "clean",
        build: (n) =>
            void new aws.ec2.SecurityGroup(n("sg"), {
                vpcId: "vpc-0123456789abcdef0",
                ingress: [
                    { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
                    { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.20.0.0/16"] },
                ],
            }),
    },
    {
        id: "ec2-imdsv1",
        kind: "an instance allowing IMDSv1",
        peer: "Checkov CKV_AWS_79",
        expect: { policy: "ec2-imdsv2-required", on: "instance" },
        build: (n) => void new aws.ec2.Instance(n("instance"), { ami: "ami-0123456789abcdef0", instanceType: "t3.micro", metadataOptions: { httpTokens: "optional" } }),
    },
    {
        id: "rds-public",
        kind: "a publicly accessible database",
        peer: "Checkov CKV_AWS_17",
        expect: { policy: "storage-encryption-not-off", on: "db" },
        build: (n) =>
            void new aws.rds.Instance(n("db"), { instanceClass: "db.t4g.micro", engine: "postgres", allocatedStorage: 20, username: "lab", manageMasterUserPassword: true, storageEncrypted: true, publiclyAccessible: true, skipFinalSnapshot: true }),
    },
    {
        id: "ebs-unencrypted",
        kind: "an EBS volume with encryption off",
        peer: "Checkov CKV_AWS_3",
        expect: { policy: "storage-encryption-not-off", on: "volume" },
        build: (n) => void new aws.ebs.Volume(n("volume"), { availabilityZone: "us-east-1a", size: 8, encrypted: false }),
    },
    {
        id: "esc-passrole-passed-to",
        kind: "iam:PassRole on * limited by iam:PassedToService, with ec2:RunInstances (still any role)",
        peer: "cloudsplaining CreateEC2WithExistingIP",
        expect: { policy: "iam-no-privilege-escalation", on: "policy" },
        build: (n) =>
            void new aws.iam.Policy(n("policy"), {
                policy: doc({ Effect: "Allow", Action: "iam:PassRole", Resource: "*", Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } } }, { Effect: "Allow", Action: "ec2:RunInstances", Resource: "*" }),
            }),
    },
];
