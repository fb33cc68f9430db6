/**
 * Attributes requests to the partitions that were running when they were sent, from the client's request
 * counter alone. At every partition start and end, the requests sent since the previous event are split evenly
 * among the partitions in flight. Exact when partitions run one at a time; an approximation under concurrency
 * (the client does not say which partition sent a request), but the parts always add up to the total.
 */
export class RequestAttribution {
    #count;
    #inFlight = new Map();
    #last;
    /** Requests sent while no partition was running (e.g. between phases). */
    unattributed = 0;
    constructor(count) {
        this.#count = count;
        this.#last = count();
    }
    start(id) {
        this.#settle();
        this.#inFlight.set(id, 0);
    }
    /** Ends a partition; returns the requests attributed to it. */
    end(id) {
        this.#settle();
        const requests = this.#inFlight.get(id) ?? 0;
        this.#inFlight.delete(id);
        return requests;
    }
    #settle() {
        const now = this.#count();
        const delta = now - this.#last;
        this.#last = now;
        if (delta === 0)
            return;
        if (this.#inFlight.size === 0) {
            this.unattributed += delta;
            return;
        }
        const share = delta / this.#inFlight.size;
        for (const [id, requests] of this.#inFlight)
            this.#inFlight.set(id, requests + share);
    }
}
//# sourceMappingURL=request-attribution.js.map