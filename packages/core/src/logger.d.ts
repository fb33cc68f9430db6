/** Structured fields attached to a log line. Never put a credential here: use indexes and labels. */
export type LogFields = Readonly<Record<string, unknown>>;
/** The logger every part of core takes by injection. */
export interface Logger {
    debug(message: string, fields?: LogFields): void;
    info(message: string, fields?: LogFields): void;
    warn(message: string, fields?: LogFields): void;
    error(message: string, fields?: LogFields): void;
}
export declare const silentLogger: Logger;
export interface LogEntry {
    level: 'debug' | 'info' | 'warn' | 'error';
    message: string;
    fields?: LogFields | undefined;
}
/** A logger that keeps what it was told, for tests. */
export declare class MemoryLogger implements Logger {
    readonly entries: LogEntry[];
    debug(message: string, fields?: LogFields): void;
    info(message: string, fields?: LogFields): void;
    warn(message: string, fields?: LogFields): void;
    error(message: string, fields?: LogFields): void;
}
//# sourceMappingURL=logger.d.ts.map