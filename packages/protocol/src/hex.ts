/** Lowercase hex string: how every byte string crosses the machines, so their state stays JSON. */
export type Hex = string;
