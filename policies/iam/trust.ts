// Role trust policies: who may assume a role. Wildcard principals go through the shared principal
// analysis (a condition may pin them to known accounts or organisations); web identities must be
// pinned by their issuer's claims; other accounts must present an ExternalId.
import { resourcePolicy } from "../lib/policy";
import { type Props, knownStrings, strings, whenKnown } from "../lib/values";
import { type Statement, accountOf, parseDocument, requiresExternalId } from "./analyzer";
import { conditionTests, pinsOrganisation, requiresMfa } from "./conditions";
import { openStatements } from "./principals";

/** The accounts the AWS provider is pinned to (allowedAccountIds): a list, or a JSON list as default providers carry config. */
function providerAccounts(props: Props | undefined): string[] {
    const value = whenKnown(() => props?.allowedAccountIds);
    if (typeof value === "string") {
        try {
            return strings(JSON.parse(value));
        } catch {
            return value.split(",").map((v) => v.trim());
        }
    }
    return knownStrings(() => value);
}

function trustStatements(props: Props): Statement[] {
    const doc = whenKnown(() => props.assumeRolePolicy);
    return doc === undefined ? [] : parseDocument(doc).filter((s) => s.effect === "Allow");
}

export const iamTrustNoWildcardPrincipal = resourcePolicy(
    {
        name: "iam-trust-no-wildcard-principal",
        family: "iam",
        description: 'No role trusts every AWS principal (Principal "*", AWS "*" or NotPrincipal) unless a condition pins the caller to known accounts or organisations.',
        severity: "critical",
        enforcementLevel: "mandatory",
        remediationSteps: "Name the accounts, roles or services that may assume the role.",
        refs: { checkov: ["CKV_AWS_60"], kics: ["iam_role_allows_all_principals_to_assume"] },
    },
    ["aws:iam/role:Role"],
    (props) =>
        openStatements(trustStatements(props)).map(({ statement: s, principal }) =>
            s.notPrincipal
                ? { finding: `Statement::${s.label}`, message: `${s.label} uses NotPrincipal: every AWS principal but the ones named may assume the role` }
                : { finding: `Statement::${s.label}`, message: `${s.label} lets any AWS principal assume the role (${principal}, and no condition limits the caller to known accounts or organisations)` },
        ),
);

/** The issuer an OIDC principal names: `token.actions.githubusercontent.com` from its provider ARN, or the provider itself (`accounts.google.com`). */
function issuerOf(federated: string): string | undefined {
    if (/:saml-provider\//.test(federated)) return undefined;
    const m = /:oidc-provider\/(.+)$/.exec(federated);
    return m ? m[1] : /^[a-z0-9.-]+\.[a-z]{2,}$/i.test(federated) ? federated : undefined;
}

/**
 * Whether the statement pins the web identity: a narrowing, wildcard-free test on the issuer's
 * `sub` (GitHub's audience is always sts.amazonaws.com, so only `sub` says which repository), or
 * on its `aud` or `sub` for other issuers. For GitHub a wildcard may follow `repo:<owner>/<repo>:`.
 */
function pinsWebIdentity(s: Statement, issuer: string): boolean {
    const github = issuer === "token.actions.githubusercontent.com";
    return conditionTests(s).some((t) => {
        if (t.ifExists || t.set === "ForAllValues" || /Not/.test(t.operator) || t.operator === "Null" || !t.values.length) return false;
        const key = t.key.toLowerCase();
        const claim = key.startsWith(`${issuer.toLowerCase()}:`) ? key.slice(issuer.length + 1) : undefined;
        if (github) return claim === "sub" && t.values.every((v) => /^repo:[^*?/]+\/[^*?/:]+(:|$)/.test(v));
        return (claim === "aud" || claim === "sub") && t.values.every((v) => v !== "" && !/^[*?]+$/.test(v));
    });
}

export const iamTrustWebIdentityConditions = resourcePolicy(
    {
        name: "iam-trust-web-identity-conditions",
        family: "iam",
        description: "A role trusting an OIDC identity provider pins who may assume it: the issuer's sub (GitHub: repo:<owner>/<repo>) or aud claim.",
        severity: "critical",
        enforcementLevel: "mandatory",
        remediationSteps: 'Add Condition {"StringEquals": {"<issuer>:aud": "<your client id>"}}; for GitHub Actions {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:<owner>/<repo>:*"}}.',
        refs: { checkov: ["CKV_AWS_358"] },
    },
    ["aws:iam/role:Role"],
    (props) =>
        trustStatements(props).flatMap((s) => {
            if (s.condition === undefined || s.principal === "*" || !s.actions.some((a) => /^sts:AssumeRoleWithWebIdentity$|^sts:\*$|^\*$/i.test(a))) return [];
            return (s.principal?.Federated ?? []).flatMap((federated) => {
                const issuer = issuerOf(federated);
                if (!issuer || pinsWebIdentity(s, issuer)) return [];
                const claim = issuer === "token.actions.githubusercontent.com" ? `${issuer}:sub naming one repository` : `${issuer}:aud or :sub`;
                return [{ finding: `Statement::${s.label}`, message: `${s.label} lets any identity ${issuer} issues assume the role: no condition on ${claim}` }];
            });
        }),
);

export const iamTrustCrossAccountExternalId = resourcePolicy(
    {
        name: "iam-trust-cross-account-external-id",
        family: "iam",
        description: "A role that another AWS account may assume requires sts:ExternalId (or pins the caller to an organisation, or requires MFA).",
        severity: "high",
        enforcementLevel: "mandatory",
        remediationSteps: 'Add Condition {"StringEquals": {"sts:ExternalId": "<value agreed with the other party>"}} to the trust statement; for your own organisation\'s accounts aws:PrincipalOrgID, for people aws:MultiFactorAuthPresent; list your own accounts in accountIds.',
        refs: { checkov: ["CKV_AWS_61"] },
        configSchema: { properties: { accountIds: { type: "array", items: { type: "string" }, description: "Accounts that count as your own, besides those the AWS provider pins in allowedAccountIds." } } },
    },
    ["aws:iam/role:Role"],
    (props, args) => {
        const config = args.getConfig<{ accountIds?: string[] }>();
        const own = new Set([...(config.accountIds ?? []), ...providerAccounts(args.provider?.props)]);
        return trustStatements(props).flatMap((s) => {
            // A condition not known until the update may well hold the ExternalId.
            if (s.condition === undefined) return [];
            const foreign = (s.principal === "*" ? [] : (s.principal?.AWS ?? [])).filter((p) => {
                const account = accountOf(p);
                return account !== undefined && !own.has(account);
            });
            // The ExternalId guards against a confused deputy: a third party's service acting for others.
            // A principal pinned to an organisation is not a third party, and one that must sign in
            // with MFA is a person, not a deputy.
            return foreign.length && !requiresExternalId(s) && !pinsOrganisation(s) && !requiresMfa(s)
                ? [{ finding: `Statement::${s.label}`, message: `${s.label} lets ${foreign.join(", ")} assume the role without sts:ExternalId` }]
                : [];
        });
    },
);

