/**
 * The one table, described once. The CDK stack, DynamoDB Local start-up and the tests all build the table
 * from this definition, so the key schema cannot drift between them.
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB deletes the item some time after it passes, readers check it themselves. */
  ttlAttribute: 'expiresAt',
  indexes: {
    /** Secondary access patterns: lists by creation time, a user's memberships. */
    gsi1: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  },
} as const;

/** The `CreateTable` input for a table of this shape (used locally and in tests). */
export const createTableInput = (tableName: string) => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST' as const,
  AttributeDefinitions: [
    { AttributeName: TABLE.partitionKey, AttributeType: 'S' as const },
    { AttributeName: TABLE.sortKey, AttributeType: 'S' as const },
    { AttributeName: TABLE.indexes.gsi1.partitionKey, AttributeType: 'S' as const },
    { AttributeName: TABLE.indexes.gsi1.sortKey, AttributeType: 'S' as const },
  ],
  KeySchema: [
    { AttributeName: TABLE.partitionKey, KeyType: 'HASH' as const },
    { AttributeName: TABLE.sortKey, KeyType: 'RANGE' as const },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: TABLE.indexes.gsi1.name,
      KeySchema: [
        { AttributeName: TABLE.indexes.gsi1.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: TABLE.indexes.gsi1.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    },
  ],
  StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' as const },
});
