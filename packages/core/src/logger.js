export const silentLogger = {
    debug() { },
    info() { },
    warn() { },
    error() { },
};
/** A logger that keeps what it was told, for tests. */
export class MemoryLogger {
    entries = [];
    debug(message, fields) {
        this.entries.push({ level: 'debug', message, fields });
    }
    info(message, fields) {
        this.entries.push({ level: 'info', message, fields });
    }
    warn(message, fields) {
        this.entries.push({ level: 'warn', message, fields });
    }
    error(message, fields) {
        this.entries.push({ level: 'error', message, fields });
    }
}
//# sourceMappingURL=logger.js.map