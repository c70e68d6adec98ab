// IAM policy documents written as data: statements whose values may be Outputs (ARNs not
// known until their resources exist), serialised once. Kept small on purpose; the
// interesting part is in the callers, which name every action and resource.
import * as pulumi from "@pulumi/pulumi";

export interface Statement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: "*" | Record<string, pulumi.Input<string> | pulumi.Input<Array<pulumi.Input<string>>>>;
    Action: string | string[];
    Resource?: pulumi.Input<string> | Array<pulumi.Input<string>>;
    Condition?: Record<string, Record<string, pulumi.Input<string | string[]>>>;
}

export function policyDocument(statements: Statement[]): pulumi.Output<string> {
    return pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements });
}

/** The statement every bucket policy of the labs carries: no request over plain HTTP. */
export function denyInsecureTransport(bucketArn: pulumi.Input<string>): Statement {
    return {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, pulumi.interpolate`${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
    };
}

/** A key policy's first statement: the account (through IAM policies) administers and uses the key. */
export function accountAdministersKey(accountId: pulumi.Input<string>): Statement {
    return { Sid: "AccountAdministersKeyThroughIam", Effect: "Allow", Principal: { AWS: pulumi.interpolate`arn:aws:iam::${accountId}:root` }, Action: "kms:*", Resource: "*" };
}
