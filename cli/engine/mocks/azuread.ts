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
        return undefined;
    }
}
