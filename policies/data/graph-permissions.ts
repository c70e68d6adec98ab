// Microsoft Graph permission ids the labs may meet, by id (application roles and delegated
// scopes share one table; the ids are global). Source: Microsoft Graph permissions reference,
// learn.microsoft.com/graph/permissions-reference. An id not listed here is reported, not guessed.
export const GRAPH_PERMISSIONS: Record<string, string> = {
    // Application permissions (app roles)
    "b0afded3-3588-46d8-8b3d-9842eff778da": "AuditLog.Read.All",
    "7ab1d382-f21e-4acd-a863-ba3e13f7da61": "Directory.Read.All",
    "df021288-bdef-4463-88db-98f22de89214": "User.Read.All",
    "5b567255-7703-4780-807c-7be8301ae99b": "Group.Read.All",
    "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30": "Application.Read.All",
    "230c1aed-a721-4c5d-9cb4-a90514e508ef": "Reports.Read.All",
    "bf394140-e372-4bf9-a898-299cfc7564e5": "SecurityEvents.Read.All",
    "246dd0d5-5bd0-4def-940b-0421030a5b68": "Policy.Read.All",
    "dc5007c0-2d7d-4c42-879c-2dab87571379": "IdentityRiskyUser.Read.All",
    "19da66cb-0fb0-4390-b071-ebc76a349482": "InformationProtectionPolicy.Read.All",
    "332a536c-c7ef-4017-ab91-336970924f0d": "Sites.Read.All",
    "01d4889c-1287-42c6-ac1f-5d1e02578ef6": "Files.Read.All",
    "810c84a8-4a9e-49e6-bf7d-12d183f40d01": "Mail.Read",
    "19dbc75e-c2e2-444c-a770-ec69d8559fc7": "Directory.ReadWrite.All",
    "741f803b-c850-494e-b5df-cde7c675a1ca": "User.ReadWrite.All",
    "62a82d76-70ea-41e2-9197-370581804d09": "Group.ReadWrite.All",
    "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9": "Application.ReadWrite.All",
    "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8": "RoleManagement.ReadWrite.Directory",
    "06b708a9-e830-4db3-a914-8e69da51d44f": "AppRoleAssignment.ReadWrite.All",
    "b633e1c5-b582-4048-a93e-9f11b44c7e96": "Mail.Send",
    // Delegated permissions (scopes)
    "e1fe6dd8-ba31-4d61-89e7-88639da4683d": "User.Read",
    "37f7f235-527c-4136-accd-4a02d197296e": "openid",
    "14dad69e-099b-42c9-810b-d002981feec1": "profile",
    "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0": "email",
    "7427e0e9-2fba-42fe-b0c0-848c9e6a8182": "offline_access",
};

/** `X.Read`, `X.Read.All`, and the OpenID Connect sign-in scopes; nothing with ReadWrite, Send, Manage... */
export function isReadPermission(name: string): boolean {
    return /\.Read(\.|$)/.test(name) || ["openid", "profile", "email", "offline_access"].includes(name);
}
