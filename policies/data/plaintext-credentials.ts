// Credentials written into the configuration of compute and providers, outside Lambda (which
// lambda-env-no-credentials judges): container environments, instance user data, app settings,
// and access keys given to the AWS provider. Judged by name and value with the same engine.
import { type Finding, resourcePolicy } from "../lib/policy";
import { type Props, asObject, asString, knownItems, whenKnown } from "../lib/values";
import { credentialShape, looksSecret } from "./secrets";

/** A finding for one name/value pair, or none. */
function pairFinding(where: string, name: string, value: unknown): Finding[] {
    // Key Vault references (@Microsoft.KeyVault(...)) are where a secret should be.
    if (typeof value === "string" && value.startsWith("@Microsoft.KeyVault(")) return [];
    const shape = typeof value === "string" ? credentialShape(value) : undefined;
    if (shape) return [{ finding: `Variable::${name}`, message: `${where} ${name} holds what looks like ${shape}` }];
    if (looksSecret(name) && value !== "" && value !== undefined && value !== null) return [{ finding: `Variable::${name}`, message: `${where} ${name} is named like a credential` }];
    return [];
}

function containerPairs(props: Props): Array<[string, unknown]> {
    const text = asString(whenKnown(() => props.containerDefinitions));
    if (!text) return [];
    let containers: unknown;
    try {
        containers = JSON.parse(text);
    } catch {
        return [];
    }
    return (Array.isArray(containers) ? containers : []).flatMap((c) => {
        const env = asObject(c)?.environment;
        return (Array.isArray(env) ? env : []).map((e): [string, unknown] => [String(asObject(e)?.name ?? "?"), asObject(e)?.value]);
    });
}

/** User data as the instance receives it: plain text, or base64 (launch templates, userDataBase64). */
function userData(props: Props): string | undefined {
    const plain = asString(whenKnown(() => props.userData));
    const encoded = asString(whenKnown(() => props.userDataBase64));
    const text = plain ?? encoded;
    if (text === undefined) return undefined;
    const decoded = /^[A-Za-z0-9+/]+=*$/.test(text.trim()) && text.length % 4 === 0 ? Buffer.from(text, "base64").toString("utf8") : text;
    return decoded;
}

/** Script lines that set a credential-named variable to a literal: `DB_PASSWORD=...`, `export API_TOKEN="..."`, `$password = '...'`. */
function scriptFindings(script: string): Finding[] {
    const findings: Finding[] = [];
    const shape = script.split(/\s+/).map(credentialShape).find((s) => s !== undefined) ?? credentialShape(script);
    if (shape) findings.push({ finding: "UserData::credential", message: `user data holds what looks like ${shape}` });
    for (const m of script.matchAll(/(?:^|\s)(?:export\s+|set\s+|\$)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*["']?([^\s"'$]{4,})/gm)) {
        if (looksSecret(m[1])) {
            findings.push({ finding: `UserData::${m[1]}`, message: `user data sets ${m[1]} to a literal value` });
            break;
        }
    }
    return findings;
}

export const noPlaintextCredentials = resourcePolicy(
    {
        name: "no-plaintext-credentials",
        family: "data",
        description: "No credential is written into container environments, instance user data, web app settings or the AWS provider's configuration.",
        severity: "high",
        enforcementLevel: "mandatory",
        remediationSteps: "Read the secret at run time from SSM Parameter Store (SecureString), Secrets Manager or Key Vault (container `secrets`, Key Vault references in app settings); for the AWS provider, use a profile, environment credentials or OIDC.",
        refs: { checkov: ["CKV_AWS_41", "CKV_AWS_46"], kics: ["passwords_and_secrets"], cloudsplaining: ["CredentialsExposure"] },
    },
    ["aws:ecs/taskDefinition:TaskDefinition", "aws:ec2/instance:Instance", "aws:ec2/launchTemplate:LaunchTemplate", "pulumi:providers:aws", "azure-native:web:WebApp", "azure-native:web:WebAppApplicationSettings"],
    (props, args) => {
        switch (args.type) {
            case "aws:ecs/taskDefinition:TaskDefinition":
                return containerPairs(props).flatMap(([name, value]) => pairFinding("container environment variable", name, value));
            case "aws:ec2/instance:Instance":
            case "aws:ec2/launchTemplate:LaunchTemplate": {
                const script = userData(props);
                return script === undefined ? [] : scriptFindings(script);
            }
            case "pulumi:providers:aws":
                return ["accessKey", "secretKey", "token"].flatMap((k) => {
                    const value = asString(whenKnown(() => props[k]));
                    return value ? [{ finding: `Property::${k}`, message: `the AWS provider is given ${k} in its configuration; it ends up in the program and the state` }] : [];
                });
            case "azure-native:web:WebApp": {
                const settings = knownItems(() => asObject(whenKnown(() => props.siteConfig))?.appSettings);
                return settings.flatMap((s) => pairFinding("app setting", String(asObject(s)?.name ?? "?"), whenKnown(() => asObject(s)?.value)));
            }
            default: {
                const settings = asObject(whenKnown(() => props.properties)) ?? {};
                return Object.keys(settings).flatMap((k) => pairFinding("app setting", k, whenKnown(() => settings[k])));
            }
        }
    },
);
