import type { LogFields, Logger } from '../logger.js';
/** A logger that adds `fields` (e.g. the stream and partition) to every line. */
export declare function scopedLogger(logger: Logger, fields: LogFields): Logger;
//# sourceMappingURL=scoped-logger.d.ts.map