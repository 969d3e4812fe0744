/** The bytes are not the fragmented MP4 the recorder expects (truncated, corrupt or unsupported). */
export class Fmp4Error extends Error {
  override readonly name = 'Fmp4Error';
}
