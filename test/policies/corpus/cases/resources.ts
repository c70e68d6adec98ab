// Key, queue, topic, secret and repository policies: the one principal analysis on each.
import * as aws from "@pulumi/aws";
import { ACCOUNT, type CorpusCase, doc } from "../case";

type Make = (n: (suffix: string) => string, policy: string) => void;

const make: Record<string, Make> = {
    key: (n, policy) => void new aws.kms.Key(n("target"), { enableKeyRotation: true, deletionWindowInDays: 7, policy }),
    keyPolicy: (n, policy) => {
        const key = new aws.kms.Key(n("key"), { enableKeyRotation: true, deletionWindowInDays: 7 });
        new aws.kms.KeyPolicy(n("target"), { keyId: key.id, policy });
    },
    queuePolicy: (n, policy) => {
        const queue = new aws.sqs.Queue(n("queue"), {});
        new aws.sqs.QueuePolicy(n("target"), { queueUrl: queue.url, policy });
    },
    queue: (n, policy) => void new aws.sqs.Queue(n("target"), { policy }),
    topicPolicy: (n, policy) => {
        const topic = new aws.sns.Topic(n("topic"), {});
        new aws.sns.TopicPolicy(n("target"), { arn: topic.arn, policy });
    },
    secretPolicy: (n, policy) => {
        const secret = new aws.secretsmanager.Secret(n("secret"), {});
        new aws.secretsmanager.SecretPolicy(n("target"), { secretArn: secret.arn, policy });
    },
    repositoryPolicy: (n, policy) => {
        const repository = new aws.ecr.Repository(n("repo"), {});
        new aws.ecr.RepositoryPolicy(n("target"), { repository: repository.name, policy });
    },
};

const resourceCase = (id: string, kind: string, peer: string, policyName: string | "clean", on: keyof typeof make, statement: Record<string, unknown>): CorpusCase => ({
    id,
    kind,
    peer,
    expect: policyName === "clean" ? "clean" : { policy: policyName, on: "target" },
    build: (n) => make[on](n, doc({ Effect: "Allow", Resource: "*", ...statement })),
});

export const RESOURCE_CASES: CorpusCase[] = [
    resourceCase("kms-any-principal", "a key policy letting any principal manage the key", "Checkov CKV_AWS_33", "kms-key-policy-not-public", "key", { Principal: { AWS: "*" }, Action: "kms:*" }),
    resourceCase("kms-caller-account", "Principal * limited by kms:CallerAccount and kms:ViaService", "Checkov CKV_AWS_33 false positive", "clean", "key", {
        Principal: { AWS: "*" },
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"],
        Condition: { StringEquals: { "kms:CallerAccount": ACCOUNT, "kms:ViaService": "s3.us-east-1.amazonaws.com" } },
    }),
    resourceCase("kms-via-service-only", "Principal * limited only by kms:ViaService (any account's callers)", "KICS kms_key_with_vulnerable_policy", "kms-key-policy-not-public", "keyPolicy", {
        Principal: "*",
        Action: "kms:Decrypt",
        Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } },
    }),
    resourceCase("kms-account-root", "a key policy for the account's root", "Checkov CKV_AWS_33 baseline", "clean", "keyPolicy", { Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*" }),
    resourceCase("sqs-public-send", "a queue policy letting anyone send", "Checkov CKV_AWS_168", "sqs-queue-policy-not-public", "queuePolicy", { Principal: "*", Action: "sqs:SendMessage" }),
    resourceCase("sqs-inline-public", "a queue's own policy letting any AWS principal receive", "KICS sqs_policy_with_public_access", "sqs-queue-policy-not-public", "queue", { Principal: { AWS: "*" }, Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage"] }),
    resourceCase("sqs-from-topic", "Principal * limited to one SNS topic by aws:SourceArn", "Checkov CKV_AWS_168 false positive", "clean", "queuePolicy", {
        Principal: "*",
        Action: "sqs:SendMessage",
        Condition: { ArnEquals: { "aws:SourceArn": `arn:aws:sns:us-east-1:${ACCOUNT}:corpus-events` } },
    }),
    resourceCase("sns-public-publish", "a topic policy letting any AWS principal publish", "Checkov CKV_AWS_169", "sns-topic-policy-not-public", "topicPolicy", { Principal: { AWS: "*" }, Action: "sns:Publish" }),
    resourceCase("sns-source-owner", "Principal * limited by aws:SourceOwner to the account", "Checkov CKV_AWS_169 false positive", "clean", "topicPolicy", { Principal: "*", Action: "sns:Publish", Condition: { StringEquals: { "aws:SourceOwner": ACCOUNT } } }),
    resourceCase("secret-public", "a secret policy letting anyone read the secret", "cloudsplaining ResourceExposure", "resource-policy-not-public", "secretPolicy", { Principal: "*", Action: "secretsmanager:GetSecretValue" }),
    resourceCase("ecr-account", "a repository policy for one account", "cloudsplaining baseline", "clean", "repositoryPolicy", { Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"] }),
    resourceCase("ecr-public", "a repository policy letting anyone pull", "cloudsplaining ResourceExposure", "resource-policy-not-public", "repositoryPolicy", { Principal: "*", Action: "ecr:BatchGetImage" }),
];
