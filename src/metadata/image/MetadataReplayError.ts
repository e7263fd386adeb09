/** Thrown when a record contradicts the image (Kafka throws the same way from its deltas: the log is corrupt). */
export class MetadataReplayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetadataReplayError';
  }
}
