/**
 * Unit tests run without DynamoDB Local: the application settings a handler needs, and a storage endpoint
 * that refuses every connection, so a unit test that reaches the store fails at once instead of passing.
 */
import { useTestEnvironment } from './test-env.ts';

useTestEnvironment('parley-unit', 'http://127.0.0.1:9');
