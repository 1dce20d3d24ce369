/** The controller runtime (informers, work queue, leader election, events) arrives with its own issue. */
export {};
