/** A logger that adds `fields` (e.g. the stream and partition) to every line. */
export function scopedLogger(logger, fields) {
    const merge = (extra) => (extra === undefined ? fields : { ...fields, ...extra });
    return {
        debug: (message, extra) => logger.debug(message, merge(extra)),
        info: (message, extra) => logger.info(message, merge(extra)),
        warn: (message, extra) => logger.warn(message, merge(extra)),
        error: (message, extra) => logger.error(message, merge(extra)),
    };
}
//# sourceMappingURL=scoped-logger.js.map