// Optional Entra ID side of the RMS lab: the lab's test users and an AIP super users group.
// Passwords are generated and secret; nothing here needs a licence Pulumi cannot assign.
import * as azuread from "@pulumi/azuread";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

export interface TenantUsersArgs {
    /** A domain of the tenant, e.g. contoso.onmicrosoft.com. */
    domain: string;
    /** User names; the first is the AIP super user. */
    users: string[];
}

export class TenantUsers extends pulumi.ComponentResource {
    readonly userPrincipalNames: string[];
    readonly passwords: pulumi.Output<Record<string, string>>;
    readonly superUsers: azuread.Group;

    constructor(name: string, args: TenantUsersArgs, opts?: pulumi.ComponentResourceOptions) {
        super("labs:rms:TenantUsers", name, {}, opts);
        const created = args.users.map((user) => {
            const upn = `${user}@${args.domain}`;
            const password = new random.RandomPassword(`${user}-password`, { length: 20, special: true, overrideSpecial: "!#%*-_=+", minUpper: 1, minLower: 1, minNumeric: 1, minSpecial: 1 }, { parent: this });
            const account = new azuread.User(
                user,
                { userPrincipalName: upn, displayName: `Lab ${user}`, mailNickname: user.replace(/[^A-Za-z0-9]/g, ""), password: password.result, forcePasswordChange: false, accountEnabled: true },
                { parent: this },
            );
            return { upn, account, password: password.result };
        });
        this.superUsers = new azuread.Group(
            "aip-super-users",
            {
                displayName: "AIP Super Users (lab)",
                description: "Azure Information Protection super users of the RMS lab: can decrypt all protected content.",
                securityEnabled: true,
                mailEnabled: false,
                members: created.slice(0, 1).map((c) => c.account.objectId),
            },
            { parent: this },
        );
        this.userPrincipalNames = created.map((c) => c.upn);
        this.passwords = pulumi.secret(pulumi.all(created.map((c) => c.password)).apply((values) => Object.fromEntries(created.map((c, i) => [c.upn, values[i]]))));
        this.registerOutputs({ userPrincipalNames: this.userPrincipalNames });
    }
}
