/**
 * A problem the user can fix (bad flag, missing file, bad configuration): the CLI prints
 * the message alone, without a stack trace, and exits with code 2.
 */
export class UserError extends Error {
    readonly exitCode = 2;
    constructor(message: string) {
        super(message);
        this.name = "UserError";
    }
}

/** The program could not be evaluated (it threw, or one of its resources failed). */
export class ProgramError extends UserError {
    constructor(
        message: string,
        /** True when the program reported the problem itself (a Pulumi RunError, e.g. bad configuration). */
        readonly reportedByProgram: boolean,
        /** How many resources (the root stack included) had been registered when it stopped. */
        readonly resourcesRegistered = 0,
    ) {
        super(message);
        this.name = "ProgramError";
    }
}
