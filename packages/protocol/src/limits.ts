/** Limits both sides agree on. */
export const Limits = {
  /** Largest socket.io message the server accepts (bytes); larger ones close the socket. */
  maxMessageBytes: 128 * 1024,
  /** Requests per peer per second before RATE_LIMITED. */
  requestsPerSecond: 50,
} as const;
