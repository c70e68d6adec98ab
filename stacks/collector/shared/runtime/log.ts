// One JSON object per line, written straight to stdout: CloudWatch Logs keeps each line as one
// event and Logs Insights reads its fields without a parse step (console.log would wrap the
// line in the runtime's own JSON when the function uses Lambda's JSON log format). The keys
// `timestamp` and upper-case `level` are the ones Lambda's log-level filtering reads. Fields are plain values chosen by the
// caller; the whole line is scrubbed of access key ids as a last line of defence.
import { scrubAccessKeyIds } from "./mask";

export type LogValue = string | number | boolean | undefined;
export type LogFields = Readonly<Record<string, LogValue>>;

export interface Logger {
    info(event: string, fields?: LogFields): void;
    warn(event: string, fields?: LogFields): void;
    error(event: string, fields?: LogFields): void;
}

export type LogWriter = (line: string) => void;

export const stdoutWriter: LogWriter = (line) => {
    process.stdout.write(`${line}\n`);
};

export function createLogger(write: LogWriter, context: LogFields = {}): Logger {
    const emit = (level: string, event: string, fields: LogFields = {}) => {
        write(scrubAccessKeyIds(JSON.stringify({ timestamp: new Date().toISOString(), level, event, ...context, ...fields })));
    };
    return {
        info: (event, fields) => emit("INFO", event, fields),
        warn: (event, fields) => emit("WARN", event, fields),
        error: (event, fields) => emit("ERROR", event, fields),
    };
}

/** An error as one line for a log or an invocation error: name and message, key ids masked. */
export function describeError(error: unknown): string {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return scrubAccessKeyIds(text);
}
