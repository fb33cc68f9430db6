/**
 * Attributes requests to the partitions that were running when they were sent, from the client's request
 * counter alone. At every partition start and end, the requests sent since the previous event are split evenly
 * among the partitions in flight. Exact when partitions run one at a time; an approximation under concurrency
 * (the client does not say which partition sent a request), but the parts always add up to the total.
 */
export declare class RequestAttribution {
    #private;
    /** Requests sent while no partition was running (e.g. between phases). */
    unattributed: number;
    constructor(count: () => number);
    start(id: number): void;
    /** Ends a partition; returns the requests attributed to it. */
    end(id: number): number;
}
//# sourceMappingURL=request-attribution.d.ts.map