// The names Windows and Azure accept for a lab server and its administrator, checked before
// anything is created: computer names, reserved words, reserved administrator names.

/**
 * Words Windows keeps for its well-known security principals, which a computer or NetBIOS domain
 * name must not be: "Table of reserved words" of "Naming conventions in Active Directory for
 * computers, domains, sites, and OUs" (learn.microsoft.com/troubleshoot/windows-server/active-directory/
 * naming-conventions-for-computer-domain-site-ou, KB 909264), its one-word entries.
 */
export const RESERVED_NAMES = new Set(["ANONYMOUS", "BATCH", "BUILTIN", "DIALUP", "INTERACTIVE", "INTERNET", "LOCAL", "NETWORK", "NULL", "PROXY", "RESTRICTED", "SELF", "SERVICE", "SYSTEM", "USERS", "WORLD"]);

/** Azure's rules for a Windows computer name; returns the expected form when `name` breaks them. */
export function windowsComputerNameProblem(name: string): string | undefined {
    if (!/^[A-Za-z0-9-]{1,15}$/.test(name) || /^\d+$/.test(name) || name.endsWith("-") || name.startsWith("-")) {
        return "a Windows computer name: 1-15 letters, digits or hyphens, not only digits, not starting or ending with a hyphen";
    }
    if (RESERVED_NAMES.has(name.toUpperCase())) return `a computer name other than ${name.toUpperCase()}, a word Windows reserves for a well-known security principal`;
    return undefined;
}

// Names Azure refuses for a Windows administrator account.
// learn.microsoft.com/azure/virtual-machines/windows/faq#what-are-the-username-requirements-when-creating-a-vm-
const RESERVED_ADMIN_NAMES = new Set(
    "administrator admin user user1 test user2 test1 user3 admin1 1 123 a actuser adm admin2 aspnet backup console david guest john owner root server sql support support_388945a0 sys test2 test3 user4 user5".split(" "),
);

export function adminUsernameProblem(name: string): string | undefined {
    if (!/^[A-Za-z0-9_.-]{1,20}$/.test(name) || name.endsWith(".")) return "a Windows user name: 1-20 letters, digits, '_', '-' or '.', not ending with '.'";
    if (RESERVED_ADMIN_NAMES.has(name.toLowerCase())) return "a user name Azure accepts (administrator, admin, root, guest and similar are reserved)";
    return undefined;
}
