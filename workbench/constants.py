"""DynamoDB wire names, written once so request-building code never scatters string literals."""

# Requests and responses
TABLE_NAME = "TableName"
INDEX_NAME = "IndexName"
KEY_SCHEMA = "KeySchema"
ATTRIBUTE_DEFINITIONS = "AttributeDefinitions"
ATTRIBUTE_NAME = "AttributeName"
ATTRIBUTE_TYPE = "AttributeType"
KEY_TYPE = "KeyType"
HASH = "HASH"
RANGE = "RANGE"
GLOBAL_SECONDARY_INDEXES = "GlobalSecondaryIndexes"
PROJECTION = "Projection"
PROJECTION_TYPE = "ProjectionType"
PROVISIONED_THROUGHPUT = "ProvisionedThroughput"
READ_CAPACITY_UNITS = "ReadCapacityUnits"
WRITE_CAPACITY_UNITS = "WriteCapacityUnits"
BILLING_MODE = "BillingMode"
STREAM_SPECIFICATION = "StreamSpecification"
STREAM_ENABLED = "StreamEnabled"
STREAM_VIEW_TYPE = "StreamViewType"
KEY_CONDITION_EXPRESSION = "KeyConditionExpression"
CONDITION_EXPRESSION = "ConditionExpression"
EXPRESSION_ATTRIBUTE_VALUES = "ExpressionAttributeValues"
EXPRESSION_ATTRIBUTE_NAMES = "ExpressionAttributeNames"
SCAN_INDEX_FORWARD = "ScanIndexForward"
LIMIT = "Limit"
EXCLUSIVE_START_KEY = "ExclusiveStartKey"
LAST_EVALUATED_KEY = "LastEvaluatedKey"
RETURN_CONSUMED_CAPACITY = "ReturnConsumedCapacity"
CONSUMED_CAPACITY = "ConsumedCapacity"
CAPACITY_UNITS = "CapacityUnits"
ITEMS = "Items"
ITEM = "Item"
KEY = "Key"
TRANSACT_ITEMS = "TransactItems"
PUT = "Put"
DELETE = "Delete"
REQUEST_ITEMS = "RequestItems"
UNPROCESSED_ITEMS = "UnprocessedItems"
PUT_REQUEST = "PutRequest"
DELETE_REQUEST = "DeleteRequest"
# Model files (issue 11): the rest of the request builder's wire names.
LOCAL_SECONDARY_INDEXES = "LocalSecondaryIndexes"
NON_KEY_ATTRIBUTES = "NonKeyAttributes"
CONSISTENT_READ = "ConsistentRead"
PROJECTION_EXPRESSION = "ProjectionExpression"
FILTER_EXPRESSION = "FilterExpression"
UPDATE_EXPRESSION = "UpdateExpression"
KEYS = "Keys"
UPDATE = "Update"
CONDITION_CHECK = "ConditionCheck"
INCLUDE = "INCLUDE"
KEYS_ONLY = "KEYS_ONLY"

# Values
TOTAL = "TOTAL"
INDEXES = "INDEXES"
PROVISIONED = "PROVISIONED"
PAY_PER_REQUEST = "PAY_PER_REQUEST"
NEW_IMAGE = "NEW_IMAGE"
ALL = "ALL"
STRING = "S"

# Error codes
CONDITIONAL_CHECK_FAILED = "ConditionalCheckFailedException"
TRANSACTION_CANCELED = "TransactionCanceledException"
RESOURCE_NOT_FOUND = "ResourceNotFoundException"
RESOURCE_IN_USE = "ResourceInUseException"

# BatchWriteItem takes at most this many requests at once.
BATCH_WRITE_MAX = 25

# The workbench's own names and bounds, here so the CLI can show them in its help without
# importing the model or the seeder (issue 16).
CRUDDUR_TABLE_NAME = "cruddur-messages"
SEED_MAX_COUNT = 100_000  # 100,000 messages is 4,000 batches: enough for any benchmark
SEED_MAX_WORKERS = 64
