// Controls that exist and are switched off, and their compliant baselines.
import * as aws from "@pulumi/aws";
import * as network from "@pulumi/azure-native/network";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import { ACCOUNT, type CorpusCase } from "../case";

const trail = (id: string, kind: string, peer: string, policyName: string | "clean", over: Partial<aws.cloudtrail.TrailArgs>): CorpusCase => ({
    id,
    kind,
    peer,
    expect: policyName === "clean" ? "clean" : { policy: policyName, on: "trail" },
    build: (n) =>
        void new aws.cloudtrail.Trail(n("trail"), {
            s3BucketName: "corpus-trail",
            isMultiRegionTrail: true,
            enableLogFileValidation: true,
            kmsKeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0`,
            ...over,
        }),
});

const rule = (name: string, over: Record<string, unknown>) => ({ name, priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "3389", ...over });

export const CONTROL_CASES: CorpusCase[] = [
    trail("trail-logging-off", "a trail with logging disabled", "KICS cloudtrail_logging_disabled", "cloudtrail-logging-enabled", { enableLogging: false }),
    trail("trail-no-validation", "a trail without log file validation", "Checkov CKV_AWS_36", "cloudtrail-log-file-validation", { enableLogFileValidation: false }),
    trail("trail-single-region", "a single-region trail", "KICS cloudtrail_multi_region_disabled", "cloudtrail-multi-region", { isMultiRegionTrail: false }),
    trail("trail-clean", "a logging, validated, multi-region, encrypted trail", "Checkov baseline", "clean", { enableLogging: true }),
    {
        id: "ebs-default-off",
        kind: "EBS encryption by default switched off",
        peer: "Checkov CKV_AWS_106",
        expect: { policy: "ebs-encryption-by-default", on: "ebs" },
        build: (n) => void new aws.ebs.EncryptionByDefault(n("ebs"), { enabled: false }),
    },
    {
        id: "guardduty-off",
        kind: "a GuardDuty detector that is not enabled",
        peer: "KICS guardduty_detector_disabled",
        expect: { policy: "guardduty-enabled", on: "detector" },
        build: (n) => void new aws.guardduty.Detector(n("detector"), { enable: false }),
    },
    {
        id: "sqs-unencrypted",
        kind: "a queue with SSE-SQS switched off and no key",
        peer: "Checkov CKV_AWS_27",
        expect: { policy: "sqs-encryption", on: "queue" },
        build: (n) => void new aws.sqs.Queue(n("queue"), { sqsManagedSseEnabled: false }),
    },
    {
        id: "kms-no-rotation",
        kind: "a symmetric key without rotation",
        peer: "awsguard cmk-backing-key-rotation-enabled",
        expect: { policy: "kms-key-rotation", on: "key" },
        build: (n) => void new aws.kms.Key(n("key"), { deletionWindowInDays: 7 }),
    },
    {
        id: "nsg-rdp-internet",
        kind: "an NSG allowing RDP from Internet",
        peer: "Checkov CKV_AZURE_9",
        expect: { policy: "nsg-no-internet-management-ports", on: "nsg" },
        build: (n) => void new network.NetworkSecurityGroup(n("nsg"), { resourceGroupName: "rg-corpus", securityRules: [rule("rdp", { sourceAddressPrefix: "Internet" })] }),
    },
    {
        id: "nsg-ssh-rule",
        kind: "a standalone rule allowing SSH from 0.0.0.0/0 among a list of ports",
        peer: "Checkov CKV_AZURE_10",
        expect: { policy: "nsg-no-internet-management-ports", on: "rule" },
        build: (n) =>
            void new network.SecurityRule(n("rule"), {
                resourceGroupName: "rg-corpus",
                networkSecurityGroupName: "nsg-corpus",
                priority: 200,
                direction: "Inbound",
                access: "Allow",
                protocol: "*",
                sourcePortRange: "*",
                sourceAddressPrefix: "0.0.0.0/0",
                destinationAddressPrefix: "*",
                destinationPortRanges: ["443", "22"],
            }),
    },
    {
        id: "nsg-private-rdp",
        kind: "an NSG allowing RDP from a private range",
        peer: "Checkov CKV_AZURE_9 baseline",
        expect: "clean",
        build: (n) => void new network.NetworkSecurityGroup(n("nsg"), { resourceGroupName: "rg-corpus", securityRules: [rule("rdp", { sourceAddressPrefix: "10.0.0.0/8" })] }),
    },
    {
        id: "nsg-deny-dns",
        kind: "an NSG denying AzurePlatformDNS outbound",
        peer: "Azure DNS post",
        expect: { policy: "nsg-no-deny-azure-dns", on: "nsg" },
        build: (n) =>
            void new network.NetworkSecurityGroup(n("nsg"), {
                resourceGroupName: "rg-corpus",
                securityRules: [rule("deny-dns", { direction: "Outbound", access: "Deny", protocol: "*", sourceAddressPrefix: "*", destinationAddressPrefix: "AzurePlatformDNS", destinationPortRange: "53" })],
            }),
    },
    {
        id: "law-retention",
        kind: "a Log Analytics workspace keeping 7 days",
        peer: "Checkov CKV_AZURE_37",
        expect: { policy: "log-analytics-retention", on: "workspace" },
        build: (n) => void new operationalinsights.Workspace(n("workspace"), { resourceGroupName: "rg-corpus", retentionInDays: 7 }),
    },
];
