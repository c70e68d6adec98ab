// Role trust policies: who may assume the role, read with its conditions.
import * as aws from "@pulumi/aws";
import { ACCOUNT, type CorpusCase, OTHER_ACCOUNT, doc } from "../case";

const role = (id: string, kind: string, peer: string, policyName: string | "clean", statement: Record<string, unknown>): CorpusCase => ({
    id,
    kind,
    peer,
    expect: policyName === "clean" ? "clean" : { policy: policyName, on: "role" },
    build: (n) => {
        new aws.iam.Role(n("role"), { assumeRolePolicy: doc({ Effect: "Allow", Action: "sts:AssumeRole", ...statement }) });
    },
});
const WILD = "iam-trust-no-wildcard-principal";

export const TRUST_CASES: CorpusCase[] = [
    role("trust-any-aws", "any AWS principal, no condition", "Checkov CKV_AWS_60", WILD, { Principal: { AWS: "*" } }),
    role("trust-org", "any AWS principal of one organisation", "Checkov CKV_AWS_60 false positive", "clean", { Principal: { AWS: "*" }, Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } }),
    role("trust-principal-arn", "Principal * pinned by aws:PrincipalArn to one account's role", "KICS iam_role_allows_all_principals_to_assume false positive", "clean", {
        Principal: "*",
        Condition: { ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/ci-deployer` } },
    }),
    role("trust-org-ifexists", "Principal * with StringEqualsIfExists on the org id (an anonymous caller has none)", "IAM condition semantics", WILD, { Principal: "*", Condition: { StringEqualsIfExists: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } }),
    role("trust-org-forall", "Principal * with ForAllValues on the org id (true when the key is absent)", "IAM condition semantics", WILD, { Principal: "*", Condition: { "ForAllValues:StringEquals": { "aws:PrincipalOrgID": ["o-a1b2c3d4e5"] } } }),
    role("trust-unrelated-key", "Principal * with a condition on an unrelated key", "Checkov CKV_AWS_60", WILD, { Principal: { AWS: ["*"] }, Condition: { Bool: { "aws:SecureTransport": "true" } } }),
    role("trust-org-anyvalue", "Principal * with ForAnyValue:StringLike on the org path", "IAM condition semantics", "clean", { Principal: "*", Condition: { "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": ["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"] } } }),
    role("trust-cross-account", "another account without sts:ExternalId", "Checkov CKV_AWS_61", "iam-trust-cross-account-external-id", { Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` } }),
    role("trust-external-id", "another account with sts:ExternalId", "Checkov CKV_AWS_61 baseline", "clean", { Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, Condition: { StringEquals: { "sts:ExternalId": "corpus-7f3a" } } }),
    role("trust-cross-org", "another account of one organisation, no ExternalId", "Checkov CKV_AWS_61 false positive", "clean", { Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } } }),
    role("trust-cross-mfa", "people of another account with MFA", "IAM User Guide, cross-account access with MFA", "clean", { Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } }),
    role("trust-not-principal", "an Allow with NotPrincipal", "KICS iam_role_allows_all_principals_to_assume", WILD, { NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } }),
    role("trust-service", "a service principal", "Checkov CKV_AWS_60 baseline", "clean", { Principal: { Service: "lambda.amazonaws.com" } }),
];
