import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { describeError, ObjectNotFoundError, StorageError } from './errors.ts';
import {
  isValidKey,
  validateKey,
  validatePrefix,
  type ObjectStorage,
  type StoredObject,
} from './ObjectStorage.ts';

export interface S3StorageOptions {
  /** URL of an S3-compatible server, e.g. `http://minio:9000`; default: AWS S3 of the region. */
  endpoint?: string;
  /** Default `'us-east-1'` (what most self-hosted servers expect). */
  region?: string;
  bucket: string;
  /** Key prefix inside the bucket, e.g. `porchlight` (stored as `porchlight/<key>`). Default `''`. */
  prefix?: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `bucket` in the URL path instead of the host name. Default `true`: most self-hosted servers need it. */
  forcePathStyle?: boolean;
}

/** DeleteObjects accepts at most this many keys per request. */
const DELETE_BATCH = 1000;

/**
 * Objects in an S3 bucket (AWS or a compatible server: MinIO, Garage, Ceph RGW, SeaweedFS...).
 * A PutObject is atomic by nature (an object is visible whole or not at all) and durable once
 * acknowledged, so no temp-object dance is needed.
 */
export class S3Storage implements ObjectStorage {
  readonly kind = 's3';
  readonly bucket: string;
  /** Normalised: `''` or ending in `/`. */
  readonly prefix: string;
  readonly #client: S3Client;
  #closed = false;

  constructor(options: S3StorageOptions) {
    this.bucket = options.bucket;
    this.prefix = normalizePrefix(options.prefix ?? '');
    this.#client = new S3Client({
      ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
      region: options.region ?? 'us-east-1',
      forcePathStyle: options.forcePathStyle ?? true,
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      // Newer SDKs add CRC32 checksums (x-amz-checksum-*, aws-chunked trailers) to every request
      // and validate them on responses; many S3-compatible servers reject or mangle those.
      // Only send/check them where the S3 API requires it (DeleteObjects).
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, data: Buffer): Promise<void> {
    validateKey(key);
    await this.#send('put', key, () =>
      this.#client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.prefix + key,
          Body: data,
          ContentLength: data.length,
          ContentType: 'application/octet-stream',
        }),
      ),
    );
  }

  async get(key: string): Promise<Buffer> {
    validateKey(key);
    return this.#send('get', key, async () => {
      const result = await this.#client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
      );
      if (result.Body === undefined) return Buffer.alloc(0);
      const bytes = await result.Body.transformToByteArray();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    });
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) validateKey(key);
    const unique = [...new Set(keys)];
    for (let i = 0; i < unique.length; i += DELETE_BATCH) {
      const batch = unique.slice(i, i + DELETE_BATCH);
      const result = await this.#send('delete', batch[0] ?? '', () =>
        this.#client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            // Quiet: the response lists only failures. Missing keys are not failures in S3.
            Delete: { Objects: batch.map((key) => ({ Key: this.prefix + key })), Quiet: true },
          }),
        ),
      );
      const failed = (result.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      const first = failed[0];
      if (first !== undefined) {
        throw new StorageError(
          's3',
          'delete',
          `${failed.length} of ${batch.length} objects in bucket "${this.bucket}" not deleted, ` +
            `first ${JSON.stringify(first.Key)}: ${first.Code ?? 'error'}: ${first.Message ?? ''}`,
        );
      }
    }
  }

  async *list(prefix: string): AsyncGenerator<StoredObject> {
    validatePrefix(prefix);
    const fullPrefix = this.prefix + prefix;
    let token: string | undefined;
    do {
      const continuation = token;
      const page = await this.#send('list', prefix, () =>
        this.#client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            ...(fullPrefix !== '' ? { Prefix: fullPrefix } : {}),
            ...(continuation !== undefined ? { ContinuationToken: continuation } : {}),
          }),
        ),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key?.startsWith(this.prefix) !== true) continue;
        const key = object.Key.slice(this.prefix.length);
        // Objects put by other tools may not be valid keys; callers could not get them anyway.
        if (!isValidKey(key)) continue;
        yield { key, size: object.Size ?? 0 };
      }
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
      if (page.IsTruncated === true && token === undefined) {
        throw new StorageError('s3', 'list', 'truncated listing without a continuation token');
      }
    } while (token !== undefined);
  }

  /** Always 0: puts are single PutObject requests (no multipart uploads), which leave nothing partial. */
  cleanupPartial(): Promise<number> {
    return Promise.resolve(0);
  }

  /** Unknown for a bucket. */
  capacity(): Promise<null> {
    return Promise.resolve(null);
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#client.destroy();
    }
    return Promise.resolve();
  }

  /** Runs one S3 call, mapping a missing key to ObjectNotFoundError and anything else to StorageError. */
  async #send<T>(operation: string, key: string, call: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new StorageError('s3', operation, 'storage is closed');
    try {
      return await call();
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      const status = httpStatus(error);
      // Some servers answer a missing key with a bare 404; a missing bucket is a config error.
      if (
        name === 'NoSuchKey' ||
        (status === 404 && name !== 'NoSuchBucket' && operation === 'get')
      ) {
        throw new ObjectNotFoundError(key);
      }
      const where = `bucket "${this.bucket}", key ${JSON.stringify(this.prefix + key)}`;
      const what =
        status === undefined
          ? describeError(error)
          : `${name} (HTTP ${status}): ${describeError(error)}`;
      throw new StorageError('s3', operation, `${where}: ${what}`, error);
    }
  }
}

/** `a`, `/a/`, `a/` → `a/`; `''` stays `''`. */
function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') return '';
  validateKey(trimmed);
  return `${trimmed}/`;
}

function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const metadata = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  return metadata?.httpStatusCode;
}
