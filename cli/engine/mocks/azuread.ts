// Imitates Microsoft Entra ID for @pulumi/azuread: object ids, client ids, secrets.
import { DIGITS, Entropy, LOWER, UPPER } from "./ids";
import { type CloudIdentity, type CloudMock, type NewResourceRequest, type NewResourceResult, type Props, parseToken, str } from "./types";

export class AzureAdMock implements CloudMock {
    constructor(private readonly identity: CloudIdentity) {}

    newResource(req: NewResourceRequest): NewResourceResult | undefined {
        const { pkg, name: typeName } = parseToken(req.type);
        if (pkg !== "azuread") return undefined;
        const e = req.entropy;
        const objectId = e.guid("objectId");
        switch (typeName) {
            case "Application":
                return { id: `/applications/${objectId}`, computed: { objectId, clientId: e.guid("clientId") } };
            case "ServicePrincipal":
                return { id: `/servicePrincipals/${objectId}`, computed: { objectId, applicationTenantId: this.identity.tenantId } };
            case "ApplicationPassword":
            case "ServicePrincipalPassword": {
                const keyId = e.guid("keyId");
                return { id: `${str(req.inputs.applicationId) ?? str(req.inputs.servicePrincipalId) ?? ""}/password/${keyId}`, computed: { keyId, value: e.pick("value", UPPER + LOWER + DIGITS + "~._-", 40) } };
            }
            case "User":
                return { id: objectId, computed: { objectId, mail: req.inputs.userPrincipalName } };
            case "Group":
                return { id: objectId, computed: { objectId } };
        }
        return { id: objectId, computed: { objectId } };
    }

    call(token: string, inputs: Props = {}): Props | undefined {
        if (token === "azuread:index/getClientConfig:getClientConfig") {
            return { clientId: this.identity.principalClientId, objectId: this.identity.principalObjectId, tenantId: this.identity.tenantId, id: this.identity.principalClientId };
        }
        if (token === "azuread:index/getServicePrincipal:getServicePrincipal") {
            // A first-party application's service principal in the tenant (e.g. Microsoft Graph): an object id of the tenant's own.
            const clientId = str(inputs.clientId) ?? "00000000-0000-0000-0000-000000000000";
            const objectId = new Entropy(`sp|${this.identity.tenantId}|${clientId}`).guid("objectId");
            return { id: objectId, objectId, clientId, displayName: str(inputs.displayName) ?? clientId, applicationTenantId: this.identity.tenantId, appRoleIds: {}, oauth2PermissionScopeIds: {} };
        }
        if (token === "azuread:index/getApplicationPublishedAppIds:getApplicationPublishedAppIds") {
            return { id: "appIds", result: { ...PUBLISHED_APP_IDS } };
        }
        return undefined;
    }
}

/**
 * Application (client) ids of APIs Microsoft publishes, as `azuread.getApplicationPublishedAppIds`
 * returns them (the provider reads the table of hashicorp/go-azure-sdk, sdk/environments/constants.go).
 * The ids labs and typical programs use; the provider's full table has about 120.
 */
const PUBLISHED_APP_IDS: Record<string, string> = {
    ApplicationInsights: "f5c26e74-f226-4ae8-85f0-b4af0080ac9e",
    AzureActiveDirectoryGraph: "00000002-0000-0000-c000-000000000000",
    AzureDevOps: "499b84ac-1321-427f-aa17-267ca6975798",
    AzureKeyVault: "cfa8b339-82a2-471a-a3c9-0fc0be7a4093",
    AzurePortal: "c44b4083-3bb0-49c1-b47d-974e53cbdf3c",
    AzureResourceManager: "797f4846-ba00-4fd7-ba43-dac1f8f63013",
    AzureSecurityInsights: "98785600-1bb7-4fb9-b9fa-19afe2c8a360",
    AzureServiceManagement: "797f4846-ba00-4fd7-ba43-dac1f8f63013",
    AzureSqlDatabase: "022907d3-0f1b-48f7-badc-1ba6abab6d66",
    AzureStorage: "e406a681-f3d4-42a8-90b6-c2b029497af1",
    AzureVPN: "41b23e61-6c1e-4545-b367-cd054e0ed4b4",
    AzureWindowsVirtualMachineSignIn: "372140e0-b3b7-4226-8ef9-d57986796201",
    InformationProtectionSyncService: "870c4f2e-85b6-4d43-bdda-6ed9a579b725",
    LogAnalytics: "ca7f3f0b-7d91-482c-8e09-c5d840d0eac5",
    MicrosoftAzureCli: "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
    MicrosoftGraph: "00000003-0000-0000-c000-000000000000",
    MicrosoftTeams: "1fec8e78-bce4-4aaf-ab1b-5451cc387264",
    Office365ExchangeOnline: "00000002-0000-0ff1-ce00-000000000000",
    Office365InformationProtection: "2f3f02c9-5679-4a5c-a605-0de55b07d135",
    Office365Management: "c5393580-f805-4401-95e8-94b7a6ef2fc2",
    Office365SharePointOnline: "00000003-0000-0ff1-ce00-000000000000",
    PowerBiService: "00000009-0000-0000-c000-000000000000",
    RightsManagementServices: "00000012-0000-0000-c000-000000000000",
    SkypeForBusinessOnline: "00000004-0000-0ff1-ce00-000000000000",
    ThreatProtection: "8ee8fdad-f234-4243-8f3b-15c294843740",
    WindowsDefenderAtp: "fc780465-2017-40d4-a0c5-307022471b92",
    Yammer: "00000005-0000-0ff1-ce00-000000000000",
};
