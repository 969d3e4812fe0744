import { describe, expect, it } from 'vitest';
import { createObjectStorage } from './createObjectStorage.ts';
import { FileStorage } from './FileStorage.ts';
import { S3Storage } from './S3Storage.ts';

describe('createObjectStorage', () => {
  it('builds the backend a config names, touching nothing yet', async () => {
    const fs = createObjectStorage({ kind: 'fs', dir: '/nonexistent/porchlight' });
    expect(fs).toBeInstanceOf(FileStorage);
    expect(fs.kind).toBe('fs');

    const s3 = createObjectStorage({
      kind: 's3',
      endpoint: 'http://127.0.0.1:9',
      bucket: 'recordings',
      prefix: 'home',
      accessKeyId: 'id',
      secretAccessKey: 'secret',
    });
    expect(s3).toBeInstanceOf(S3Storage);
    expect(s3.kind).toBe('s3');
    expect((s3 as S3Storage).prefix).toBe('home/');
    await Promise.all([fs.close(), s3.close()]);
  });
});
