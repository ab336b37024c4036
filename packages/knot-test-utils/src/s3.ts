import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';

/** The S3 server the test command started (scripts/s3.sh) and its admin keys. */
export interface TestS3Server {
  endpoint: string;
  accessKey: string;
  secretKey: string;
}

/**
 * The real S3 server of this test run, from KNOT_TEST_S3_*; undefined
 * outside the test command — an error when KNOT_REQUIRE_CLUSTER is set, as
 * the test command sets it, so its suites never skip silently.
 */
export function testS3Server(): TestS3Server | undefined {
  const endpoint = process.env.KNOT_TEST_S3_ENDPOINT;
  const accessKey = process.env.KNOT_TEST_S3_ACCESS_KEY;
  const secretKey = process.env.KNOT_TEST_S3_SECRET_KEY;
  if (!endpoint || !accessKey || !secretKey) {
    if (process.env.KNOT_REQUIRE_CLUSTER) {
      throw new Error(
        'KNOT_REQUIRE_CLUSTER is set but KNOT_TEST_S3_ENDPOINT is not: start the S3 server with scripts/s3.sh start <dir>',
      );
    }
    return undefined;
  }
  return { endpoint, accessKey, secretKey };
}

/** `describe` when the cluster and the S3 server are there, else skipped. */
export const describeWithClusterAndS3 =
  process.env.KUBECONFIG && testS3Server() ? describe : describe.skip;

function client(server: TestS3Server) {
  return new S3Client({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: {
      accessKeyId: server.accessKey,
      secretAccessKey: server.secretKey,
    },
    forcePathStyle: true,
  });
}

/**
 * Creates a bucket holding `objects` (key → content) on the test S3 server;
 * `remove` deletes them and the bucket.
 */
export async function createTestBucket(
  server: TestS3Server,
  bucket: string,
  objects: Record<string, string> = {},
): Promise<{ remove: () => Promise<void> }> {
  const s3 = client(server);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const [Key, Body] of Object.entries(objects)) {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body }));
  }
  return {
    remove: async () => {
      const listed = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket }),
      );
      for (const object of listed.Contents ?? []) {
        await s3.send(
          new DeleteObjectCommand({ Bucket: bucket, Key: object.Key! }),
        );
      }
      await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
      s3.destroy();
    },
  };
}
