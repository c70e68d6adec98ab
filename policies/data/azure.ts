// Azure and Entra ID data and secrets: logs kept long enough, VPN tunnels on IKEv2 with a key
// that never sits in state in plain text, applications that read and never write, and client
// secrets that expire.
import { resourcePolicy } from "../lib/policy";
import { type Props, asObject, asString, knownItems, knownStrings, whenKnown } from "../lib/values";
import { GRAPH_PERMISSIONS, isReadPermission } from "./graph-permissions";

export const logAnalyticsRetention = resourcePolicy(
    {
        name: "log-analytics-retention",
        family: "data",
        description: "Log Analytics workspaces and tables keep data for 30 days or more.",
        severity: "medium",
        enforcementLevel: "mandatory",
        remediationSteps: "Set retentionInDays to 30 or more (the workspace default is 30).",
        refs: { checkov: ["CKV_AZURE_37"] },
    },
    ["azure-native:operationalinsights:Workspace", "azure-native:operationalinsights:Table"],
    (props) => {
        const days = whenKnown(() => props.retentionInDays);
        // Unset means Azure's default (30 days; tables inherit the workspace's, written -1).
        return typeof days === "number" && days >= 0 && days < 30 ? [{ finding: "Property::retentionInDays", message: `keeps data for ${days} days` }] : [];
    },
);

export const vpnIkev2SecretKey = resourcePolicy(
    {
        name: "vpn-ikev2-secret-key",
        family: "data",
        description: "Site-to-site VPN connections use IKEv2 and a shared key declared secret.",
        severity: "high",
        enforcementLevel: "mandatory",
        remediationSteps:
            'Set connectionProtocol "IKEv2", pass sharedKey from config --secret or @pulumi/random, and add the resource option additionalSecretOutputs: ["sharedKey"] so Pulumi encrypts it in state whatever the input was.',
    },
    ["azure-native:network:VirtualNetworkGatewayConnection"],
    (props, args) => {
        const findings = [];
        const protocol = asString(whenKnown(() => props.connectionProtocol));
        // Azure's default protocol is IKEv2; only a different one is a finding.
        if (protocol !== undefined && protocol !== "IKEv2") findings.push({ finding: "Property::connectionProtocol", message: `uses ${protocol}` });
        const type = asString(whenKnown(() => props.connectionType)) ?? "IPsec";
        if (type === "IPsec" || type === "Vnet2Vnet") {
            // Policies cannot see whether an input is a Pulumi secret; the resource option is what they can check.
            if (props.sharedKey === undefined) findings.push({ finding: "Property::sharedKey", message: "has no shared key" });
            else if (!args.opts.additionalSecretOutputs.includes("sharedKey")) {
                findings.push({ finding: "Option::additionalSecretOutputs", message: 'does not declare sharedKey secret (additionalSecretOutputs: ["sharedKey"])' });
            }
        }
        return findings;
    },
);

/** Permission ids a resource requests or grants, each read on its own so one unknown id hides no other. */
function requestedPermissions(type: string, props: Props): string[] {
    switch (type) {
        case "azuread:index/appRoleAssignment:AppRoleAssignment":
            return knownStrings(() => props.appRoleId);
        case "azuread:index/applicationApiAccess:ApplicationApiAccess":
            return [...knownStrings(() => props.roleIds), ...knownStrings(() => props.scopeIds)];
        default:
            return knownItems(() => props.requiredResourceAccesses).flatMap((r) =>
                knownItems(() => asObject(r)?.resourceAccesses).flatMap((a) => knownStrings(() => asObject(a)?.id)),
            );
    }
}

export const azureadAppReadOnlyPermissions = resourcePolicy(
    {
        name: "azuread-app-read-only-permissions",
        family: "data",
        description: "Entra applications request read permissions only, unless the policy config allows one by name.",
        severity: "high",
        enforcementLevel: "mandatory",
        remediationSteps: "Request the .Read permission the code needs, or add the permission's name to allowedPermissions in the policy-pack config with the reason in review.",
        configSchema: { properties: { allowedPermissions: { type: "array", items: { type: "string" }, description: "Permission names (or ids) allowed beyond read." } } },
    },
    ["azuread:index/application:Application", "azuread:index/appRoleAssignment:AppRoleAssignment", "azuread:index/applicationApiAccess:ApplicationApiAccess"],
    (props, args) => {
        const allowed = new Set((args.getConfig<{ allowedPermissions?: string[] }>().allowedPermissions ?? []).map((p) => p.toLowerCase()));
        return requestedPermissions(args.type, props).flatMap((id) => {
            const name = GRAPH_PERMISSIONS[id.toLowerCase()];
            if (allowed.has(id.toLowerCase()) || (name && allowed.has(name.toLowerCase()))) return [];
            if (!name) return [{ finding: `Permission::${id}`, message: `requests permission ${id}, which is not in the pack's table of Microsoft Graph permissions; allow it by name or id in allowedPermissions` }];
            return isReadPermission(name) ? [] : [{ finding: `Permission::${name}`, message: `requests ${name}, which can change data` }];
        });
    },
);

const ONE_YEAR_MS = 366 * 24 * 3600 * 1000;

export const azureadPasswordExpiry = resourcePolicy(
    {
        name: "azuread-password-expiry",
        family: "data",
        description: "Entra application passwords (client secrets) expire within a year.",
        severity: "medium",
        enforcementLevel: "mandatory",
        remediationSteps: "Set endDate (or endDateRelative) at most a year ahead and rotate with @pulumi/time's Rotating through rotateWhenChanged.",
    },
    ["azuread:index/applicationPassword:ApplicationPassword", "azuread:index/servicePrincipalPassword:ServicePrincipalPassword"],
    (props) => {
        const relative = asString(whenKnown(() => props.endDateRelative));
        if (relative) {
            const hours = Number(/^(\d+)h$/.exec(relative)?.[1] ?? NaN);
            return hours <= 8784 ? [] : [{ finding: "Property::endDateRelative", message: `expires after ${relative}` }];
        }
        // null: not set; undefined: not known until the update.
        const end = whenKnown(() => props.endDate ?? null);
        if (end === null) return [{ finding: "Property::endDate", message: "has no end date (Entra's default is two years)" }];
        const time = Date.parse(String(end ?? ""));
        return end === undefined || Number.isNaN(time) || time - Date.now() <= ONE_YEAR_MS ? [] : [{ finding: "Property::endDate", message: `expires on ${String(end)}` }];
    },
);

export const AZURE_DATA_POLICIES = [logAnalyticsRetention, vpnIkev2SecretKey, azureadAppReadOnlyPermissions, azureadPasswordExpiry];
