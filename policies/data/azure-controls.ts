// Azure controls switched off: storage reachable without TLS or anonymously, NSG flow logs that
// log nothing, Linux VMs that take passwords, web apps over plain HTTP. As for AWS, a setting left
// unset is judged by Azure's default, and only a value written out (or known to be weak) is a finding.
import { type Finding, resourcePolicy } from "../lib/policy";
import { asObject, asString, whenKnown } from "../lib/values";

const WEAK_STORAGE_TLS = ["TLS1_0", "TLS1_1"];
const WEAK_WEB_TLS = ["1.0", "1.1"];

export const storageAccountSecureAccess = resourcePolicy(
    {
        name: "storage-account-secure-access",
        family: "data",
        description: "Storage accounts accept HTTPS only, TLS 1.2 or later, and no anonymous blob access.",
        severity: "high",
        enforcementLevel: "mandatory",
        remediationSteps: 'Remove enableHttpsTrafficOnly: false and allowBlobPublicAccess: true, and set minimumTlsVersion "TLS1_2".',
        refs: { checkov: ["CKV_AZURE_3", "CKV_AZURE_44", "CKV_AZURE_190"] },
    },
    ["azure-native:storage:StorageAccount"],
    (props) => {
        const findings: Finding[] = [];
        if (whenKnown(() => props.enableHttpsTrafficOnly) === false) findings.push({ finding: "Property::enableHttpsTrafficOnly", message: "enableHttpsTrafficOnly is false: data travels over plain HTTP" });
        if (whenKnown(() => props.allowBlobPublicAccess) === true) findings.push({ finding: "Property::allowBlobPublicAccess", message: "allowBlobPublicAccess is true: containers may be opened to anonymous readers" });
        const tls = asString(whenKnown(() => props.minimumTlsVersion));
        if (tls !== undefined && WEAK_STORAGE_TLS.includes(tls)) findings.push({ finding: "Property::minimumTlsVersion", message: `minimumTlsVersion ${tls} accepts retired TLS versions` });
        return findings;
    },
);

export const nsgFlowLogEnabled = resourcePolicy(
    {
        name: "nsg-flow-log-enabled",
        family: "nsg",
        description: "Network flow logs are enabled (enabled is not false).",
        severity: "medium",
        enforcementLevel: "mandatory",
        remediationSteps: "Remove enabled: false from the flow log, or delete the flow log resource.",
        refs: { kics: ["network_watcher_flow_disabled"] },
    },
    ["azure-native:network:FlowLog"],
    (props) => (whenKnown(() => props.enabled) === false ? [{ finding: "Property::enabled", message: "the flow log exists but is disabled" }] : []),
);

export const vmLinuxNoPasswordAuth = resourcePolicy(
    {
        name: "vm-linux-no-password-auth",
        family: "nsg",
        description: "Linux VMs sign in with SSH keys only (disablePasswordAuthentication is not false).",
        severity: "high",
        enforcementLevel: "mandatory",
        remediationSteps: "Set osProfile.linuxConfiguration.disablePasswordAuthentication: true and give ssh.publicKeys.",
        refs: { checkov: ["CKV_AZURE_1", "CKV_AZURE_149"] },
    },
    ["azure-native:compute:VirtualMachine"],
    (props) => {
        const linux = asObject(whenKnown(() => asObject(props.osProfile)?.linuxConfiguration));
        return linux && whenKnown(() => linux.disablePasswordAuthentication) === false ? [{ finding: "Property::disablePasswordAuthentication", message: "the Linux VM accepts password sign-in over SSH" }] : [];
    },
);

export const webAppHttpsOnly = resourcePolicy(
    {
        name: "web-app-https-only",
        family: "data",
        description: "App Service and Function apps redirect HTTP to HTTPS and require TLS 1.2 or later.",
        severity: "high",
        enforcementLevel: "mandatory",
        remediationSteps: 'Set httpsOnly: true and siteConfig.minTlsVersion "1.2".',
        refs: { checkov: ["CKV_AZURE_14", "CKV_AZURE_15"] },
    },
    ["azure-native:web:WebApp"],
    (props) => {
        const findings: Finding[] = [];
        if (whenKnown(() => props.httpsOnly) === false) findings.push({ finding: "Property::httpsOnly", message: "httpsOnly is false: the app answers over plain HTTP" });
        const tls = asString(whenKnown(() => asObject(props.siteConfig)?.minTlsVersion));
        if (tls !== undefined && WEAK_WEB_TLS.includes(tls)) findings.push({ finding: "Property::minTlsVersion", message: `minTlsVersion ${tls} accepts retired TLS versions` });
        return findings;
    },
);

export const AZURE_CONTROL_POLICIES = [storageAccountSecureAccess, nsgFlowLogEnabled, vmLinuxNoPasswordAuth, webAppHttpsOnly];
